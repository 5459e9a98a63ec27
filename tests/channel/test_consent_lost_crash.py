"""Consent propagation killed mid-way (issue 14, part 2): what was committed stays, the rerun finishes the
rest, and no post is re-redacted twice."""

from __future__ import annotations

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.channel import consent_hooks
from schoolgate.channel.models import Post
from schoolgate.consent.answers import record_answer
from schoolgate.schools.models import Person

from .photos import check_url, post_photo


@pytest.fixture
def two_posts_showing_oliver(stokes, login, user, fake_judge):
    oliver = Person.objects.get(school=stokes, kind="pupil", name="Oliver Bennett")
    record_answer(stokes, oliver, "channel", "granted", method="paper", recorded_by=user("office@stokes-wood.demo"), given_by_name="Kelly Bennett")
    client = login("office@stokes-wood.demo")
    for text in ("Sports day on the field.", "Sports day: the relay."):
        post_photo(client, text=text)
        post = Post.objects.filter(school=stokes).order_by("-id").first()
        data = {"face_1": "pupil", "face_1_pupil": str(oliver.pk), "face_2": "staff", "face_3": "unknown", "blurred": "3"}
        assert client.post(check_url(post, "confirm/"), data).status_code == 302
    posts = list(Post.objects.filter(school=stokes).order_by("id"))
    assert len(posts) == 2 and all(p.status == Post.Status.PUBLISHED for p in posts)
    return oliver, posts


def test_propagation_killed_after_the_first_post_finishes_on_the_rerun_without_doing_it_twice(stokes, two_posts_showing_oliver, monkeypatch):
    oliver, posts = two_posts_showing_oliver
    real, calls = consent_hooks.reredact, []

    def dies_on_the_second_post(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(consent_hooks, "reredact", dies_on_the_second_post)
    with pytest.raises(SystemExit):
        consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"])
    assert [p.photo_checks.count() for p in posts] == [2, 1]  # the first post's re-redaction was committed
    monkeypatch.setattr(consent_hooks, "reredact", real)
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"]) == 1  # only the post not yet done
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"]) == 0
    assert [p.photo_checks.count() for p in posts] == [2, 2]
    for post in posts:
        assert post.current_check().appearances.get(number=1).action == "blur"
    assert AuditEntry.objects.filter(school=stokes, action="channel.photo.reredacted").count() == 2
