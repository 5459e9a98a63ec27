"""Comments: parents only, never public before approval, the live pre-post check, restrictions, XSS."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.channel.models import Comment, ReviewItem
from schoolgate.channel.restrictions import restrict

from .conftest import STORY


def comment_url(post):
    return f"/stokes-wood/channel/posts/{post.pk}/comment/"


def test_parent_comment_waits_for_approval(post, login):
    client = login("parent@stokes-wood.demo")
    response = client.post(comment_url(post), {"text": "Thank you, looking forward to it!"})
    assert response.status_code == 302
    comment = Comment.objects.get(post=post)
    assert comment.status == "pending" and comment.original_text == comment.text
    assert ReviewItem.objects.get(comment=comment).status == "pending"
    assert AuditEntry.objects.filter(action="channel.comment.submit").exists()
    # The author sees it marked as waiting; another parent does not see it at all.
    assert "Waiting for approval" in client.get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()
    assert "looking forward" not in login("shah@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()


def test_story_comment_carries_the_finding_to_the_queue(post, login):
    login("parent@stokes-wood.demo").post(comment_url(post), {"text": STORY})
    item = ReviewItem.objects.get(comment__post=post)
    categories = {f["category"] for f in item.findings}
    assert item.verdict["decision"] in ("review", "block") and item.risk >= 1
    assert categories & {"abuse", "allegation"}
    assert all(f["clause"] for f in item.findings if f["category"] in ("abuse", "allegation"))


@pytest.mark.parametrize("email", ["hughes@stokes-wood.demo", "office@stokes-wood.demo", "governor@stokes-wood.demo"])
def test_only_parents_comment(post, login, email):
    assert login(email).post(comment_url(post), {"text": "Hello"}).status_code == 403
    assert not Comment.objects.exists()


def test_comment_get_is_refused(post, login):
    assert login("parent@stokes-wood.demo").get(comment_url(post)).status_code == 405


def test_parent_cannot_comment_on_a_post_they_cannot_see(stokes, year4_post, login):
    assert login("shah@stokes-wood.demo").post(comment_url(year4_post), {"text": "Hi"}).status_code == 404
    assert login("parent@high-hesket.demo").post(comment_url(year4_post), {"text": "Hi"}).status_code == 404
    assert not Comment.objects.exists()


def test_empty_or_too_long_comment_is_refused(post, login):
    client = login("parent@stokes-wood.demo")
    assert client.post(comment_url(post), {"text": ""}).status_code == 400
    assert client.post(comment_url(post), {"text": "x" * 2001}).status_code == 400
    assert not Comment.objects.exists()


def test_live_check_explains_the_finding_with_the_clause_questions_and_channel(post, login):
    client = login("parent@stokes-wood.demo")
    response = client.post("/stokes-wood/channel/check/", {"text": STORY}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This reads as" in body and "<mark" in body and "Hughes</mark>" in body and "useless</mark>" in body
    assert "sw-" not in body and "policy says: <q>" in body  # the clause in plain words, never its id
    assert "Is the social networking site the appropriate channel" in body  # first of the four questions
    assert body.count("<li>") >= 4
    assert "the class teacher, the Headteacher or the Chair of Governors" in body
    assert "/stokes-wood/concerns/new/" in body
    assert not Comment.objects.exists()  # checking saves nothing


def test_live_check_on_clean_text(post, login):
    body = login("parent@stokes-wood.demo").post("/stokes-wood/channel/check/", {"text": "Thank you, looking forward to it!"}).content.decode()
    assert "Looks fine" in body


def test_high_hesket_check_names_its_own_channels(hesket, login):
    body = login("parent@high-hesket.demo").post("/high-hesket/channel/check/", {"text": "The head teacher is useless and a liar"}).content.decode()
    assert "a member of the Governing Body" in body and "complaints procedure" in body
    assert "Chair of Governors" not in body


def test_check_get_is_refused_and_outsiders_get_404(post, login):
    assert login("parent@stokes-wood.demo").get("/stokes-wood/channel/check/").status_code == 405
    assert login("parent@high-hesket.demo").post("/stokes-wood/channel/check/", {"text": "hi"}).status_code == 404


def test_xss_in_a_comment_renders_as_text_everywhere(post, login, client_for):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    login("parent@stokes-wood.demo").post(comment_url(post), {"text": payload})
    office = client_for("office@stokes-wood.demo")
    queue = office.get("/stokes-wood/queue/").content.decode()
    assert "<script>alert" not in queue and "&lt;script&gt;" in queue and "<img src=x" not in queue
    item = ReviewItem.objects.get()
    office.post(f"/stokes-wood/queue/{item.pk}/decide/", {"action": "approve", "version": item.version})
    page = client_for("shah@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    check = client_for("shah@stokes-wood.demo").post("/stokes-wood/channel/check/", {"text": payload}).content.decode()
    assert "<script>alert" not in check and "<img src=x" not in check


def test_no_comment_restriction_refuses_and_says_until_when(post, login, user):
    restrict(post.school, user=user("parent@stokes-wood.demo"), kind="no_comment", reason="Abusive comments about staff.",
                      ends_on=timezone.localdate() + dt.timedelta(days=14), actor=user("head@stokes-wood.demo"))
    client = login("parent@stokes-wood.demo")
    response = client.post(comment_url(post), {"text": "Hello"})
    assert response.status_code == 403 and "You cannot comment" in response.content.decode()
    assert not Comment.objects.exists()
    page = client.get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()
    until = (timezone.localdate() + dt.timedelta(days=14)).strftime("%-d %B %Y")
    assert until in page and "Abusive comments about staff." in page and 'id="comment-form"' not in page


def test_hold_restriction_accepts_but_flags_the_comment(post, login, user):
    restrict(post.school, user=user("parent@stokes-wood.demo"), kind="hold", reason="Repeated complaints.",
                      ends_on=timezone.localdate() + dt.timedelta(days=7), actor=user("office@stokes-wood.demo"))
    login("parent@stokes-wood.demo").post(comment_url(post), {"text": "Thank you, looking forward to it!"})
    item = ReviewItem.objects.get()
    assert item.status == "pending" and item.risk >= 1
    assert any("restricted until" in r for r in item.reasons)


def test_rephrase_round_trip(post, login, client_for):
    login("parent@stokes-wood.demo").post(comment_url(post), {"text": "This school is a joke, nobody ever listens to parents"})
    item = ReviewItem.objects.get()
    client_for("office@stokes-wood.demo").post(f"/stokes-wood/queue/{item.pk}/decide/", {"action": "rephrase", "version": item.version, "reason_text": "Could you say what you would like to change?"})
    comment = Comment.objects.get()
    assert comment.status == "rephrase"
    url = f"/stokes-wood/channel/comments/{comment.pk}/rephrase/"
    assert login("shah@stokes-wood.demo").get(url).status_code == 404
    parent = client_for("parent@stokes-wood.demo")
    assert "Could you say what you would like to change?" in parent.get(url).content.decode()
    assert parent.post(url, {"text": "Could we talk about the homework policy at the next parents' evening?"}).status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending" and comment.original_text.startswith("This school is a joke")
    assert ReviewItem.objects.filter(comment=comment).count() == 2
    assert parent.post(url, {"text": "again"}).status_code == 302  # not waiting any more: nothing changes
    assert ReviewItem.objects.filter(comment=comment).count() == 2


def test_comment_form_runs_the_judge_as_the_parent_types(post, login):
    body = login("parent@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()
    assert 'hx-trigger="input changed delay:400ms' in body and 'hx-post="/stokes-wood/channel/check/"' in body


def test_everything_is_in_the_audit_chain(post, login, client_for):
    from schoolgate.audit.models import verify

    login("parent@stokes-wood.demo").post(comment_url(post), {"text": STORY})
    item = ReviewItem.objects.get()
    client_for("office@stokes-wood.demo").post(f"/stokes-wood/queue/{item.pk}/decide/", {"action": "reject", "version": item.version, "reason_text": "No."})
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"channel.post.submit", "channel.comment.submit", "channel.review.reject"} <= actions
    assert verify().ok
