"""The channel's pages ask the database a fixed, small number of questions (issue 14: speed under load).

A parent's channel page, a post's page and a comment cost the same number of queries however many posts,
comments, pending comments of their own or earlier comments in the rate-limit window there are: no query per
post, per comment or per use. The numbers are the counts measured when this was written, so a change that
adds a query per request shows here first; the "does not grow" tests are the ones that matter most.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolgate.channel import views
from schoolgate.channel.models import Comment, Post
from schoolgate.channel.posts import submit_comment, submit_post
from schoolgate.policies import judging

PARENT = "parent@stokes-wood.demo"  # Kelly Bennett: a child in Year 4

# Queries for a logged-in parent, all in: the session, the user, the access check (one query for the school,
# memberships and roster entries), the children's groups, then the page's own.
CHANNEL_PAGE_MAX = 10
POST_PAGE_MAX = 10
COMMENT_POST_MAX = 27


def _count(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    return len(queries), response


def _posts(stokes, user, n):
    head = user("head@stokes-wood.demo")
    return [submit_post(stokes, author=head, text=f"Notice {i}: the school field is open after school.", audience="school") for i in range(n)]


@pytest.fixture
def parent(client_for):
    c = client_for(PARENT)
    c.get("/stokes-wood/channel/")  # the session's first request notes its start; measured requests are ordinary ones
    return c


def _token(c, post) -> str:
    page = c.get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.mark.django_db
def test_channel_page_queries_do_not_grow_with_posts_or_comments(stokes, user, fake_judge, parent, year4_post):
    _posts(stokes, user, 2)
    submit_comment(year4_post, author=user(PARENT), text="Do they need goggles?")
    few, response = _count(lambda: parent.get("/stokes-wood/channel/"))
    assert response.status_code == 200
    assert few <= CHANNEL_PAGE_MAX

    many_posts = _posts(stokes, user, 8)
    others = [user(m.user.username) for m in stokes.memberships.filter(role="parent").exclude(user__username=PARENT).select_related("user")[:2]]
    for p in many_posts:
        for author in others:
            c = submit_comment(p, author=author, text="Thank you, see you there.")
            Comment.objects.filter(pk=c.pk).update(status=Comment.Status.PUBLISHED)
        submit_comment(p, author=user(PARENT), text="What time does it start?")
    more, response = _count(lambda: parent.get("/stokes-wood/channel/"))
    body = response.content.decode()
    assert others and body.count("What time does it start?") == 8 and body.count("Thank you, see you there.") == 8 * len(others)
    assert "Year 4 swimming kits" in body  # the parent's child is in Year 4
    assert more == few


@pytest.mark.django_db
def test_post_page_queries_do_not_grow_with_comments(stokes, user, fake_judge, parent, post):
    few, response = _count(lambda: parent.get(f"/stokes-wood/channel/posts/{post.pk}/"))
    assert response.status_code == 200
    assert few <= POST_PAGE_MAX
    for i in range(views.MINE_SHOWN + 5):
        submit_comment(post, author=user(PARENT), text=f"My question number {i}.")
    more, response = _count(lambda: parent.get(f"/stokes-wood/channel/posts/{post.pk}/"))
    assert response.status_code == 200
    assert more <= few + 1  # at most one more: how many of their own are not shown


@pytest.mark.django_db
def test_a_parents_own_waiting_comments_are_paged_newest_and_rephrase_first(stokes, user, fake_judge, parent, post):
    first = submit_comment(post, author=user(PARENT), text="The very first question.")
    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.REPHRASE)
    for i in range(views.MINE_SHOWN + 4):
        submit_comment(post, author=user(PARENT), text=f"Question number {i}.")
    body = parent.get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()
    # The one asked to rephrase keeps its link, the newest follow, and the rest are counted, not listed.
    assert "The very first question." in body and f"/stokes-wood/channel/comments/{first.pk}/rephrase/" in body
    assert f"Question number {views.MINE_SHOWN + 3}." in body
    assert "Question number 0." not in body
    assert "And 5 earlier comments of yours on this post, not shown here." in body
    home = parent.get("/stokes-wood/channel/").content.decode()
    assert "The very first question." in home and "Question number 0." not in home
    assert "And 5 earlier comments of yours on this post, not shown here." in home


@pytest.mark.django_db
def test_comment_costs_the_same_queries_whatever_the_rate_limit_window_holds(stokes, user, fake_judge, parent, post, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comments": (1000, 3600, "comments", "Keep a copy.")}
    url = f"/stokes-wood/channel/posts/{post.pk}/comment/"
    token = _token(parent, post)
    first, response = _count(lambda: parent.post(url, {"csrfmiddlewaretoken": token, "text": "What time does it start?"}))
    assert response.status_code == 302
    assert first <= COMMENT_POST_MAX
    for i in range(30):
        assert parent.post(url, {"csrfmiddlewaretoken": token, "text": f"Question {i}"}).status_code == 302
    later, response = _count(lambda: parent.post(url, {"csrfmiddlewaretoken": token, "text": "And one more."}))
    assert response.status_code == 302
    assert later == first  # the 32nd use in the window costs what the first did (it once tried each used slot)
    assert Comment.objects.filter(post=post, author__username=PARENT).count() == 32


@pytest.mark.django_db
def test_the_rate_limit_still_stops_at_its_limit_across_the_slots_read_at_once(stokes, user, fake_judge, parent, post, settings, monkeypatch):
    from schoolgate import accounts

    monkeypatch.setattr(accounts, "SLOTS_READ_AT_ONCE", 3, raising=False)  # limits spanning several reads of slots
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comments": (7, 3600, "comments", "Keep a copy.")}
    url = f"/stokes-wood/channel/posts/{post.pk}/comment/"
    token = _token(parent, post)
    statuses = [parent.post(url, {"csrfmiddlewaretoken": token, "text": f"Question {i}"}).status_code for i in range(9)]
    assert statuses == [302] * 7 + [429, 429]
    assert Comment.objects.filter(post=post, author__username=PARENT).count() == 7


@pytest.mark.django_db
def test_the_judge_reads_the_policy_once_per_comment_and_sees_a_new_version_at_once(stokes, user, fake_judge, post):
    from schoolgate.policies.models import PolicyVersion

    with CaptureQueriesContext(connection) as queries:
        record = judging.judge_record(stokes, "You are a liar")
    reads = [q["sql"] for q in queries.captured_queries if '"policies_policyversion"' in q["sql"] and q["sql"].lstrip().startswith("SELECT")]
    assert len(reads) == 1
    assert record["findings"][0]["clause_text"]
    # A newly published version (a clause reworded) is what the very next comment is judged and explained by.
    version = stokes.current_policy()
    clause = version.clauses.get(clause_id=record["findings"][0]["clause"])
    newer = PolicyVersion.objects.create(school=stokes, title=version.title, version="next", status="published", data=version.data,
                                         published_at=version.published_at.replace(year=version.published_at.year + 1))
    clause.pk, clause.version, clause.text = None, newer, "Reworded: do not accuse anyone of lying."
    clause.save()
    assert judging.judge_record(stokes, "You are a liar")["findings"][0]["clause_text"] == "Reworded: do not accuse anyone of lying."


@pytest.mark.django_db
def test_a_post_for_another_class_is_still_hidden_from_a_parent(stokes, user, fake_judge, parent):
    other = submit_post(stokes, author=user("office@stokes-wood.demo"), text="Year 6 residential letters are due.", audience="year_group", group="Year 6")
    assert other.status == Post.Status.PUBLISHED
    assert parent.get(f"/stokes-wood/channel/posts/{other.pk}/").status_code == 404
    assert "Year 6 residential" not in parent.get("/stokes-wood/channel/").content.decode()


@pytest.mark.django_db
def test_review_queue_queries_do_not_grow_with_its_cards(stokes, user, fake_judge, client_for, post):
    office = client_for("office@stokes-wood.demo")
    submit_comment(post, author=user(PARENT), text="You are an idiot")
    assert office.get("/stokes-wood/queue/").status_code == 200
    few, response = _count(lambda: office.get("/stokes-wood/queue/"))
    assert response.content.decode().count('class="card review-item') == 1
    others = [m.user for m in stokes.memberships.filter(role="parent").select_related("user")]
    for i in range(12):
        submit_comment(post, author=others[i % len(others)], text=f"You are an idiot, number {i}")
    more, response = _count(lambda: office.get("/stokes-wood/queue/"))
    body = response.content.decode()
    assert body.count('class="card review-item') == 13
    assert body.count("Restrict ") >= 13  # each parent's card still offers restricting them (worked out for the page at once)
    assert more == few


@pytest.mark.django_db
def test_staff_still_see_their_own_posts_waiting_on_the_channel_page(stokes, fake_judge, client_for):
    teacher = client_for("hughes@stokes-wood.demo")  # may post; a teacher's post waits for approval
    assert teacher.post("/stokes-wood/channel/posts/new/", {"text": "Year 4 had a brilliant trip today.", "audience": "year_group",
                                                            "group": "Year 4"}).status_code == 302
    body = teacher.get("/stokes-wood/channel/").content.decode()
    assert "Your posts not yet published" in body and "Year 4 had a brilliant trip today." in body
