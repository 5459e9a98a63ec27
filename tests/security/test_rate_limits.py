"""Limits per user with a clear 429 page (issue 13 item 9): comments, concerns, the live check (it runs the
judge) and policy reminders. Past the limit nothing is sent, the page says when to try again, and other
people are not affected."""

from __future__ import annotations

import pytest
from django.core import mail

from schoolgate.channel.models import Comment, Concern
from schoolgate.channel.posts import submit_post


@pytest.fixture
def small_limits(settings):
    settings.RATE_LIMITS = {name: (3, seconds, what, meanwhile) for name, (_, seconds, what, meanwhile) in settings.RATE_LIMITS.items()}


@pytest.fixture
def post(stokes, user, fake_judge):
    return submit_post(stokes, author=user("head@stokes-wood.demo"), text="Sports day is on Friday.", audience="school")


def assert_refused(response, what: str):
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    text = response.content.decode()
    assert f"a lot of {what}" in text and "You can try again in about" in text, text


def test_comments_are_limited_per_parent(small_limits, post, login):
    url = f"/stokes-wood/channel/posts/{post.pk}/comment/"
    parent = login("parent@stokes-wood.demo")
    for n in range(3):
        assert parent.post(url, {"text": f"Good luck to everyone {n}"}).status_code == 302
    refused = parent.post(url, {"text": "One more"})
    assert_refused(refused, "comments")
    assert "60 minutes" in refused.content.decode()
    assert Comment.objects.filter(post=post).count() == 3
    assert not Comment.objects.filter(text="One more").exists()
    # Another parent is not held back by the first one's limit; reading the page is never counted.
    assert login("shah@stokes-wood.demo").post(url, {"text": "See you there"}).status_code == 302
    assert login("parent@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{post.pk}/").status_code == 200


def test_a_refused_request_does_not_count(small_limits, post, login):
    url = f"/stokes-wood/channel/posts/{post.pk}/comment/"
    parent = login("shah@stokes-wood.demo")
    for _ in range(5):
        assert parent.post(url, {"text": ""}).status_code == 400  # empty: a form error
    for n in range(3):
        assert parent.post(url, {"text": f"Well done {n}"}).status_code == 302
    assert parent.post(url, {"text": "Too many"}).status_code == 429


def test_the_live_check_is_limited_and_answers_htmx_with_a_fragment(small_limits, post, login, fake_judge):
    parent = login("parent@stokes-wood.demo")
    for _ in range(3):
        assert parent.post("/stokes-wood/channel/check/", {"text": "A nice day"}, HTTP_HX_REQUEST="true").status_code == 200
    calls = len(fake_judge.calls)
    refused = parent.post("/stokes-wood/channel/check/", {"text": "A nice day again"}, HTTP_HX_REQUEST="true")
    assert_refused(refused, "checks of what you are writing")
    assert "<html" not in refused.content.decode()  # a fragment for the page's answer box, not a whole page
    assert len(fake_judge.calls) == calls  # the judge did not run


def test_concerns_count_only_messages_really_sent(small_limits, stokes, login):
    parent = login("parent@stokes-wood.demo")
    data = {"to": "headteacher", "subject": "Trip", "text": "A question about the trip."}
    for _ in range(5):  # "message the school privately" from a comment carries a draft over: not a message sent
        assert parent.post("/stokes-wood/concerns/new/", {"carry": "1", "text": "draft"}).status_code == 200
    for _ in range(3):
        assert parent.post("/stokes-wood/concerns/new/", data).status_code == 302
    assert_refused(parent.post("/stokes-wood/concerns/new/", data), "messages")
    assert Concern.objects.count() == 3


def test_policy_reminders_are_limited(small_limits, stokes, login):
    version = stokes.current_policy()
    head = login("head@stokes-wood.demo")
    url = f"/stokes-wood/policies/{version.pk}/remind/"
    for _ in range(3):
        assert head.post(url).status_code == 302
    sent = len(mail.outbox)
    refused = head.post(url)
    assert_refused(refused, "policy reminders")
    assert "No reminder was sent" in refused.content.decode()
    assert len(mail.outbox) == sent
