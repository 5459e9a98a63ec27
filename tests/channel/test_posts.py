"""Posts: the poster permission, the judge and approval before publishing, audiences, who sees what."""

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.channel.models import Post, ReviewItem
from schoolgate.channel.posts import submit_post
from schoolgate.schools.models import Membership

NEW = "/stokes-wood/channel/posts/new/"


def test_teacher_with_permission_posts_and_waits_for_approval(stokes, login):
    client = login("hughes@stokes-wood.demo")
    response = client.post(NEW, {"text": "Year 4 had a brilliant trip today.", "audience": "year_group", "group": "Year 4"})
    assert response.status_code == 302
    post = Post.objects.get(school=stokes)
    assert post.status == Post.Status.PENDING and post.group == "Year 4" and post.verdict["decision"] == "allow"
    item = ReviewItem.objects.get(post=post)
    assert item.kind == "post" and item.status == "pending"
    assert AuditEntry.objects.filter(action="channel.post.submit", school=stokes).exists()


def test_administrator_clean_post_is_published_at_once(stokes, login):
    client = login("office@stokes-wood.demo")
    assert client.post(NEW, {"text": "The school will close at 1pm on Friday.", "audience": "school"}).status_code == 302
    post = Post.objects.get(school=stokes)
    assert post.status == Post.Status.PUBLISHED and not ReviewItem.objects.exists()


def test_administrator_post_with_a_finding_goes_to_the_queue(stokes, login):
    client = login("head@stokes-wood.demo")
    client.post(NEW, {"text": "Mr Hughes is a useless teacher and everyone knows it", "audience": "school"})
    post = Post.objects.get(school=stokes)
    assert post.status == Post.Status.PENDING and post.verdict["findings"]
    assert ReviewItem.objects.get(post=post).risk >= 1


@pytest.mark.parametrize("email, status", [("desai@stokes-wood.demo", 403), ("governor@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403)])
def test_only_approved_staff_can_post(stokes, login, email, status):
    client = login(email)
    assert client.get(NEW).status_code == status
    assert client.post(NEW, {"text": "Hello", "audience": "school"}).status_code == status
    assert not Post.objects.exists()


def test_year_group_needs_a_group(stokes, login):
    response = login("office@stokes-wood.demo").post(NEW, {"text": "Hello", "audience": "year_group", "group": ""})
    assert response.status_code == 400 and "Choose the year group" in response.content.decode()
    assert not Post.objects.exists()


def test_audience_limits_who_sees_a_post(year4_post, login):
    url = f"/stokes-wood/channel/posts/{year4_post.pk}/"
    assert login("parent@stokes-wood.demo").get(url).status_code == 200  # Olly is in Year 4
    assert login("shah@stokes-wood.demo").get(url).status_code == 404  # Will is in Year 2
    assert login("desai@stokes-wood.demo").get(url).status_code == 200  # staff see every post
    assert "swimming kits" not in login("shah@stokes-wood.demo").get("/stokes-wood/channel/").content.decode()
    assert "swimming kits" in login("parent@stokes-wood.demo").get("/stokes-wood/channel/").content.decode()


def test_pending_post_is_hidden_from_parents_and_other_schools(stokes, login, user):
    post = submit_post(stokes, author=user("hughes@stokes-wood.demo"), text="Trip letter coming home today.", audience="school")
    url = f"/stokes-wood/channel/posts/{post.pk}/"
    assert login("parent@stokes-wood.demo").get(url).status_code == 404
    assert login("hughes@stokes-wood.demo").get(url).status_code == 200
    assert login("office@stokes-wood.demo").get(url).status_code == 200
    assert login("head@high-hesket.demo").get(url).status_code == 404


def test_xss_in_a_post_renders_as_text(stokes, login):
    client = login("office@stokes-wood.demo")
    client.post(NEW, {"text": "<script>alert('x')</script><img src=x onerror=alert(1)>", "audience": "school"})
    post = Post.objects.get(school=stokes)
    for url in ("/stokes-wood/channel/", f"/stokes-wood/channel/posts/{post.pk}/"):
        body = login("parent@stokes-wood.demo").get(url).content.decode() if post.status == "published" else client.get(url).content.decode()
        assert "<script>alert" not in body and "&lt;script&gt;alert" in body and "<img src=x" not in body


def test_poster_permission_is_granted_by_headteacher_or_office(stokes, login, user):
    desai = Membership.objects.get(user=user("desai@stokes-wood.demo"), school=stokes)
    url = "/stokes-wood/channel/posters/"
    for email in ("dsl@stokes-wood.demo", "hughes@stokes-wood.demo", "parent@stokes-wood.demo"):
        assert login(email).post(url, {"membership": desai.pk, "allowed": "1"}).status_code == 403
    desai.refresh_from_db()
    assert not desai.can_post
    assert login("office@stokes-wood.demo").post(url, {"membership": desai.pk, "allowed": "1"}).status_code == 302
    desai.refresh_from_db()
    assert desai.can_post
    assert AuditEntry.objects.filter(action="channel.poster.grant").count() == 1
    assert login("head@stokes-wood.demo").post(url, {"membership": desai.pk, "allowed": "0"}).status_code == 302
    desai.refresh_from_db()
    assert not desai.can_post


def test_poster_permission_cannot_go_to_a_parent(stokes, login, user):
    parent = Membership.objects.get(user=user("parent@stokes-wood.demo"), school=stokes)
    assert login("head@stokes-wood.demo").post("/stokes-wood/channel/posters/", {"membership": parent.pk, "allowed": "1"}).status_code == 400
    parent.refresh_from_db()
    assert not parent.can_post


def test_rephrase_a_post(stokes, login, user, client_for):
    post = submit_post(stokes, author=user("hughes@stokes-wood.demo"), text="Trip today", audience="school")
    item = ReviewItem.objects.get(post=post)
    assert client_for("office@stokes-wood.demo").post(f"/stokes-wood/queue/{item.pk}/decide/", {"action": "rephrase", "version": item.version, "reason_text": "Please add the date."}).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.REPHRASE
    url = f"/stokes-wood/channel/posts/{post.pk}/rephrase/"
    assert login("desai@stokes-wood.demo").get(url).status_code == 404
    assert login("hughes@stokes-wood.demo").post(url, {"text": "Trip today, Tuesday 3 March"}).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING and post.text.endswith("3 March") and post.original_text == "Trip today"
    assert ReviewItem.objects.filter(post=post).count() == 2
