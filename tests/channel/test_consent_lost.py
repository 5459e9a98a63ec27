"""Consent lost reaches what the channel already published (issue 10, part 4): the consent app's hook
re-redacts every post showing the pupil, from the stored original; idempotent; audited; a post whose
original is gone is taken down."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from schoolgate.audit.models import AuditEntry
from schoolgate.channel import consent_hooks
from schoolgate.channel.models import Appearance, PhotoCheck, Post
from schoolgate.consent.answers import record_answer, withdraw
from schoolgate.photos.detect import detect_faces
from schoolgate.photos.redact import enlarged
from schoolgate.plugins import hooks
from schoolgate.schools.models import Person

from .photos import check_url, post_photo


@pytest.fixture
def oliver(stokes, user):
    person = Person.objects.get(school=stokes, kind="pupil", name="Oliver Bennett")
    record_answer(stokes, person, "channel", "granted", method="paper", recorded_by=user("office@stokes-wood.demo"), given_by_name="Kelly Bennett")
    return person


@pytest.fixture
def published(stokes, login, oliver, fake_judge):
    """A published post: face 1 Oliver (consent: shown), face 2 staff (shown), face 3 unknown (blurred)."""
    client = login("office@stokes-wood.demo")
    post_photo(client)
    post = Post.objects.get(school=stokes)
    data = {"face_1": "pupil", "face_1_pupil": str(oliver.pk), "face_2": "staff", "face_3": "unknown", "blurred": "3"}
    assert client.post(check_url(post, "confirm/"), data).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    return post


def faces_in(post) -> list:
    post.refresh_from_db()
    with post.image.open("rb") as f:
        return detect_faces(Image.open(io.BytesIO(f.read())).convert("RGB"), threshold=0.2)


def test_the_channel_registers_the_consent_hook(db):
    assert consent_hooks.consent_lost in hooks("consent_hooks", "consent_lost")


def test_withdrawal_re_redacts_the_published_post(stokes, published, oliver, kelly_withdraws):
    first = published.current_check()
    before_file = published.image.name
    assert len(faces_in(published)) == 2

    kelly_withdraws()

    published.refresh_from_db()
    assert published.status == Post.Status.PUBLISHED  # still up, with Oliver's face now blurred
    assert published.image.name != before_file and not published.image.storage.exists(before_file)  # the old copy is gone
    new = published.current_check()
    assert new.pk != first.pk and new.reason == PhotoCheck.Reason.CONSENT_LOST and new.is_complete
    first.refresh_from_db()
    assert first.superseded_by_id == new.pk
    row = new.appearances.get(number=1)
    assert row.person == oliver and row.action == "blur" and row.consent == "refused" and row.reason == "consent refused"
    assert first.appearances.get(number=1).action == "keep"  # history kept
    # Oliver's face (face 1) is no longer found, even at a low threshold; the staff face still is.
    found = faces_in(published)
    assert len(found) == 1
    x, y, w, h = enlarged(tuple(row.box), (1200, 800))
    cx, cy = found[0].box[0] + found[0].box[2] / 2, found[0].box[1] + found[0].box[3] / 2
    assert not (x <= cx <= x + w and y <= cy <= y + h)
    assert AuditEntry.objects.filter(school=stokes, action="channel.photo.reredacted").count() == 1


def test_consent_lost_is_idempotent(stokes, published, oliver):
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"]) == 1
    name = Post.objects.get(pk=published.pk).image.name
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"]) == 0
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel", "website"]) == 0
    assert Post.objects.get(pk=published.pk).image.name == name
    assert published.photo_checks.count() == 2
    assert AuditEntry.objects.filter(school=stokes, action="channel.photo.reredacted").count() == 1


def test_other_purposes_and_other_pupils_change_nothing(stokes, published, oliver):
    amelia = Person.objects.get(school=stokes, kind="pupil", name="Amelia Khan")
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["website", "press"]) == 0
    assert consent_hooks.consent_lost(stokes, [amelia.pk], ["channel"]) == 0
    assert published.photo_checks.count() == 1


def test_a_post_whose_original_is_gone_is_taken_down(stokes, published, oliver, login):
    published.original_image.storage.delete(published.original_image.name)
    image_name = published.image.name
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"]) == 1
    published.refresh_from_db()
    assert published.status == Post.Status.TAKEN_DOWN and not published.image
    assert not published.image.storage.exists(image_name)
    assert AuditEntry.objects.filter(school=stokes, action="channel.post.taken_down").exists()
    assert login("parent@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{published.pk}/image/").status_code == 404
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"]) == 0


def test_a_queued_post_showing_the_pupil_is_redacted_too(stokes, login, oliver, fake_judge):
    client = login("hughes@stokes-wood.demo")
    post_photo(client)
    post = Post.objects.get(school=stokes)
    client.post(check_url(post, "confirm/"), {"face_1": "pupil", "face_1_pupil": str(oliver.pk), "face_2": "staff", "face_3": "staff", "blurred": ""})
    assert Post.objects.get(pk=post.pk).status == Post.Status.PENDING
    assert consent_hooks.consent_lost(stokes, [oliver.pk], ["channel"]) == 1
    assert Appearance.objects.get(photo_check=post.current_check(), number=1).action == "blur"


def test_never_publish_flag_reaches_the_post(stokes, published, oliver, user, django_capture_on_commit_callbacks):
    from schoolgate.consent.flags import set_never_publish

    with django_capture_on_commit_callbacks(execute=True):
        set_never_publish(stokes, oliver, reason="Court order", actor=user("head@stokes-wood.demo"))
    row = published.current_check().appearances.get(number=1)
    assert row.action == "blur" and row.consent == "never" and row.reason == "must never be published"


@pytest.fixture
def kelly_withdraws(stokes, oliver, django_capture_on_commit_callbacks):
    """Kelly Bennett withdraws channel consent in the app; the consent app's task (immediate in tests) calls the hook."""

    def run():
        kelly = Person.objects.get(school=stokes, kind="parent", name="Kelly Bennett")
        with django_capture_on_commit_callbacks(execute=True):
            withdraw(stokes, oliver, "channel", given_by=kelly, method="app", recorded_by=None)

    return run
