"""A post's photo is checked before it is published (issue 10, part 2).

The real detector runs on generated people (`tests/channel/photos.py`), except in the flow tests marked
"fake detector", where fixed boxes keep the test about the pages and the records.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from schoolgate.audit.models import AuditEntry
from schoolgate.channel import photo_checks
from schoolgate.channel.errors import ChannelError
from schoolgate.channel.models import Appearance, PhotoCheck, Post, ReviewItem
from schoolgate.channel.review import Decision, decide
from schoolgate.consent.answers import record_answer
from schoolgate.photos.detect import detect_faces
from schoolgate.photos.redact import enlarged
from schoolgate.schools.models import Person

from .photos import FixedFacesDetector, check_url, plain_jpeg, post_photo


@pytest.fixture
def grant(stokes, user):
    def give(name, purpose="channel", answer="granted"):
        pupil = Person.objects.get(school=stokes, kind="pupil", name=name)
        record_answer(stokes, pupil, purpose, answer, method="paper", recorded_by=user("office@stokes-wood.demo"), given_by_name="A parent")
        return pupil

    return give


@pytest.fixture
def fake_detector(monkeypatch):
    detector = FixedFacesDetector()
    monkeypatch.setattr(photo_checks, "detect_faces", detector)
    return detector


def pupil(school, name):
    return Person.objects.get(school=school, kind="pupil", name=name)


def answers_form(**faces):
    """face_1="pupil:<id>" | "staff" | ... -> the form's fields."""
    data = {}
    for key, value in faces.items():
        n = key.split("_")[1]
        kind, _, pid = value.partition(":")
        data[f"face_{n}"] = kind
        data[f"face_{n}_pupil"] = pid
    return data


def published_image(post) -> Image.Image:
    post.refresh_from_db()
    with post.image.open("rb") as f:
        return Image.open(io.BytesIO(f.read())).convert("RGB")


# ------------------------------------------------------------------ publishing waits for the check


def test_a_photo_post_waits_for_its_check_even_from_the_headteacher(stokes, login, fake_judge):
    client = login("head@stokes-wood.demo")
    response = post_photo(client)
    post = Post.objects.get(school=stokes)
    assert response.status_code == 302 and response["Location"] == check_url(post)
    assert post.status == Post.Status.PHOTO_CHECK and not post.image and post.original_image
    check = post.current_check()
    assert check.status == PhotoCheck.Status.PENDING and check.purpose == "channel" and len(check.faces) == 3
    assert not ReviewItem.objects.filter(post=post).exists()
    # Not on the channel, and nothing for parents to fetch.
    parent = login("parent@stokes-wood.demo")
    assert parent.get(f"/stokes-wood/channel/posts/{post.pk}/").status_code == 404
    assert parent.get(f"/stokes-wood/channel/posts/{post.pk}/image/").status_code == 404
    assert "Sports day" not in parent.get("/stokes-wood/channel/").content.decode()


def test_approving_a_post_whose_photo_check_is_pending_is_refused(stokes, user, fake_detector, fake_judge):
    from schoolgate.channel.posts import submit_post
    from schoolgate.channel.triage import enqueue

    teacher = user("hughes@stokes-wood.demo")
    post = submit_post(stokes, author=teacher, text="Year 4 trip.", audience="school", image=(plain_jpeg(), "jpg"))
    # However it got there, a queue item for a post with an unchecked photo cannot be approved.
    item = enqueue(stokes, kind=ReviewItem.Kind.POST, author=teacher, text=post.text, verdict=post.verdict, post=post)
    for action in ("approve", "edit"):
        with pytest.raises(ChannelError, match="photo has not been checked"):
            decide(stokes, item.pk, actor=user("office@stokes-wood.demo"), version=item.version, decision=Decision(action=action, edited_text="x"))
    post.refresh_from_db()
    assert post.status == Post.Status.PHOTO_CHECK and post.published_at is None


def test_the_queue_page_refuses_to_approve_a_pending_check_with_a_message(stokes, user, login, fake_detector, fake_judge):
    from schoolgate.channel.posts import submit_post
    from schoolgate.channel.triage import enqueue

    teacher = user("hughes@stokes-wood.demo")
    post = submit_post(stokes, author=teacher, text="Year 4 trip.", audience="school", image=(plain_jpeg(), "jpg"))
    item = enqueue(stokes, kind=ReviewItem.Kind.POST, author=teacher, text=post.text, verdict=post.verdict, post=post)
    response = login("office@stokes-wood.demo").post(f"/stokes-wood/queue/{item.pk}/decide/", {"action": "approve", "version": item.version})
    assert response.status_code == 400
    assert "photo has not been checked" in response.content.decode()
    assert Post.objects.get(pk=post.pk).status == Post.Status.PHOTO_CHECK


def test_a_teachers_checked_post_goes_to_the_queue_and_can_then_be_approved(stokes, user, login, fake_detector, fake_judge, grant):
    client = login("hughes@stokes-wood.demo")
    post_photo(client, plain_jpeg(), text="Year 4 trip.")
    post = Post.objects.get(school=stokes)
    oliver = grant("Oliver Bennett")
    data = answers_form(face_1=f"pupil:{oliver.pk}", face_2="staff", face_3="unknown")
    summary = client.post(check_url(post), data)
    assert summary.status_code == 200 and "Confirm and send for approval" in summary.content.decode()
    response = client.post(check_url(post, "confirm/"), {**data, "blurred": "3"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING
    item = ReviewItem.objects.get(post=post)
    decide(stokes, item.pk, actor=user("office@stokes-wood.demo"), version=item.version, decision=Decision(action="approve"))
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


# ------------------------------------------------------------------ the flow, with the real detector


def test_office_tags_faces_checks_answers_and_publishes_with_unconsented_faces_blurred(stokes, user, login, grant, fake_judge):
    oliver = grant("Oliver Bennett")  # consent for the channel
    amelia = grant("Amelia Khan", answer="refused")
    client = login("office@stokes-wood.demo")
    post_photo(client)
    post = Post.objects.get(school=stokes)
    page = client.get(check_url(post)).content.decode()
    assert 'href="#face-1"' in page and 'id="face-3"' in page and "Year 4" in page  # numbered boxes; pupils by class
    assert 'value="unknown" ' in page and "checked" in page

    # Face 1 (left child) Oliver: shown. Face 2 (the adult): staff, shown. Face 3: Amelia, refused: blurred.
    data = answers_form(face_1=f"pupil:{oliver.pk}", face_2="staff", face_3=f"pupil:{amelia.pk}")
    summary = client.post(check_url(post), data)
    text = summary.content.decode()
    assert summary.status_code == 200 and "Check your answers" in text
    assert "consent refused" in text and "2 faces shown, 1 blurred" in text
    assert Post.objects.get(pk=post.pk).status == Post.Status.PHOTO_CHECK  # the summary saves nothing

    response = client.post(check_url(post, "confirm/"), {**data, "blurred": "3"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED  # the office is an administrator; the text is clean
    check = post.current_check()
    assert check.is_complete and check.checked_by == user("office@stokes-wood.demo") and check.checked_at is not None
    rows = {a.number: a for a in check.appearances.all()}
    assert rows[1].person == oliver and rows[1].action == "keep" and rows[1].identified_by == "tag" and rows[1].consent == "granted"
    assert rows[2].kind == "staff" and rows[2].action == "keep"
    assert rows[3].person == amelia and rows[3].action == "blur" and rows[3].reason == "consent refused"
    assert AuditEntry.objects.filter(action="channel.photo_check.complete", school=stokes).exists()

    # The published file: face 3 blurred beyond detection (0 faces at 0.2 inside its enlarged box), faces 1 and 2 intact.
    published = published_image(post)
    box = enlarged(tuple(rows[3].box), published.size)
    x, y, w, h = box
    assert detect_faces(published.crop((x, y, x + w, y + h)), threshold=0.2) == []
    found = detect_faces(published, threshold=0.2)
    centres = [(f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2) for f in found]
    assert not any(x <= cx <= x + w and y <= cy <= y + h for cx, cy in centres)
    assert len(found) == 2
    # The original still has all three faces (staff only).
    with post.original_image.open("rb") as f:
        assert len(detect_faces(Image.open(io.BytesIO(f.read())).convert("RGB"), threshold=0.5)) == 3


def test_untagged_not_asked_expired_and_never_publish_faces_are_blurred_with_reasons(stokes, user, login, grant, fake_judge, fake_detector):
    import datetime as dt

    from schoolgate.consent.flags import set_never_publish

    grant("Oliver Bennett")
    set_never_publish(stokes, pupil(stokes, "Oliver Bennett"), reason="Court order", actor=user("head@stokes-wood.demo"))
    office = user("office@stokes-wood.demo")
    isla = pupil(stokes, "Isla Murphy")
    record_answer(stokes, isla, "channel", "granted", method="paper", recorded_by=office, given_by_name="A parent", answered_on=dt.date(2020, 5, 1))
    client = login("office@stokes-wood.demo")
    post_photo(client, plain_jpeg())
    post = Post.objects.get(school=stokes)
    data = answers_form(face_1=f"pupil:{pupil(stokes, 'Oliver Bennett').pk}", face_2=f"pupil:{isla.pk}", face_3=f"pupil:{pupil(stokes, 'Noah Wright').pk}")
    text = client.post(check_url(post), data).content.decode()
    assert "must never be published" in text and "consent expired" in text and "consent not asked" in text
    text = client.post(check_url(post), answers_form(face_1="unknown", face_2="hide", face_3="not_ours")).content.decode()
    assert "not identified" in text and "do not show" in text and "1 face shown, 2 blurred" in text


def test_a_consent_change_between_summary_and_confirm_is_caught(stokes, login, grant, fake_detector, fake_judge):
    oliver = grant("Oliver Bennett")
    client = login("office@stokes-wood.demo")
    post_photo(client, plain_jpeg())
    post = Post.objects.get(school=stokes)
    data = answers_form(face_1=f"pupil:{oliver.pk}", face_2="staff", face_3="staff")
    client.post(check_url(post), data)
    grant("Oliver Bennett", answer="refused")
    response = client.post(check_url(post, "confirm/"), {**data, "blurred": ""})
    assert response.status_code == 409 and "consent changed" in response.content.decode()
    assert Post.objects.get(pk=post.pk).status == Post.Status.PHOTO_CHECK


def test_face_matching_suggestion_is_confirmed_by_a_person(stokes, login, grant, fake_detector, fake_judge, monkeypatch):
    oliver = grant("Oliver Bennett")
    monkeypatch.setattr(photo_checks, "gallery", lambda school: {"Oliver Bennett": []})

    class Suggested:
        def __init__(self, faces):
            from schoolgate.photos.check import FaceDecision
            from schoolgate.photos.match import Match

            self.faces = [FaceDecision(i + 1, f.box, f.score, None, None, "no_match", "blur", None,
                                       Match("Oliver Bennett", 0.31) if i == 0 else Match(None, 0.9)) for i, f in enumerate(faces)]

    monkeypatch.setattr(photo_checks, "check_photo", _only_suggest(Suggested))
    client = login("office@stokes-wood.demo")
    post_photo(client, plain_jpeg())
    post = Post.objects.get(school=stokes)
    assert post.current_check().faces[0]["suggestion"] == "Oliver Bennett"
    page = client.get(check_url(post)).content.decode()
    assert "Face matching suggests <strong>Oliver Bennett</strong>" in page and 'value="match"' in page
    monkeypatch.undo()
    # Not confirmed: the suggestion alone decides nothing (face 1 blurred as not identified).
    text = client.post(check_url(post), answers_form(face_1="unknown", face_2="staff", face_3="staff")).content.decode()
    assert "not identified" in text
    # Confirmed: the match is recorded as a match a person confirmed.
    data = {**answers_form(face_2="staff", face_3="staff"), "face_1": "match", "face_1_pupil": ""}
    assert client.post(check_url(post, "confirm/"), {**data, "blurred": ""}).status_code == 302
    first = Appearance.objects.get(post=post, number=1)
    assert first.person == oliver and first.identified_by == "match" and first.action == "keep"


def _only_suggest(cls):
    def fake(image, *, consent_of, gallery=None, tags=None, faces=None, **kwargs):
        return cls(faces)

    return fake


def test_a_photo_with_no_faces_still_needs_a_person_to_confirm(stokes, login, fake_judge):
    client = login("office@stokes-wood.demo")
    post_photo(client, plain_jpeg())
    post = Post.objects.get(school=stokes)
    assert post.status == Post.Status.PHOTO_CHECK and post.current_check().faces == []
    assert "No faces were found" in client.get(check_url(post)).content.decode()
    assert "No faces were found" in client.post(check_url(post), {}).content.decode()
    assert client.post(check_url(post, "confirm/"), {"blurred": ""}).status_code == 302
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


# ------------------------------------------------------------------ who sees what


@pytest.fixture
def checked_post(stokes, login, grant, fake_judge):
    oliver = grant("Oliver Bennett")
    client = login("office@stokes-wood.demo")
    post_photo(client)
    post = Post.objects.get(school=stokes)
    data = answers_form(face_1=f"pupil:{oliver.pk}", face_2="staff", face_3="unknown")
    assert client.post(check_url(post, "confirm/"), {**data, "blurred": "3"}).status_code == 302
    post.refresh_from_db()
    return post


def test_parents_get_only_the_redacted_file(checked_post, login):
    post = checked_post
    response = login("parent@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{post.pk}/image/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    served = b"".join(response.streaming_content)
    with post.image.open("rb") as f:
        assert served == f.read()
    with post.original_image.open("rb") as f:
        assert served != f.read()
    assert len(detect_faces(Image.open(io.BytesIO(served)).convert("RGB"), threshold=0.2)) == 2


def test_the_original_is_refused_to_parents_and_other_staff(checked_post, login):
    url = f"/stokes-wood/channel/posts/{checked_post.pk}/original/"
    assert login("parent@stokes-wood.demo").get(url).status_code == 403
    assert login("parent@high-hesket.demo").get(url).status_code == 404
    assert login("hughes@stokes-wood.demo").get(url).status_code == 403  # a teacher who is not its author
    response = login("office@stokes-wood.demo").get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    page = login("parent@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{checked_post.pk}/").content.decode()
    assert "/original/" not in page and "Who is in this photo" not in page and "Oliver Bennett" not in page
    staff_page = login("office@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{checked_post.pk}/").content.decode()
    assert "Who is in this photo" in staff_page and "Oliver Bennett" in staff_page


def test_parents_cannot_reach_the_check_pages(stokes, login, fake_detector, fake_judge):
    post_photo(login("hughes@stokes-wood.demo"), plain_jpeg())
    post = Post.objects.get(school=stokes)
    parent = login("parent@stokes-wood.demo")
    assert parent.get(check_url(post)).status_code == 403
    assert parent.post(check_url(post), {"face_1": "staff"}).status_code == 403
    assert parent.post(check_url(post, "confirm/"), {"face_1": "staff", "blurred": ""}).status_code == 403
    assert login("parent@high-hesket.demo").get(check_url(post)).status_code == 404
    # Another teacher without moderator rights cannot check someone else's photo.
    assert login("desai@stokes-wood.demo").get(check_url(post)).status_code == 403
    assert Post.objects.get(pk=post.pk).status == Post.Status.PHOTO_CHECK


@pytest.mark.parametrize("field, value", [("face_1", "abc"), ("face_1", "²"), ("face_1_pupil", "99999999999999999999999"),
                                          ("face_1_pupil", "-1"), ("face_1_pupil", "1.5"), ("face_2", "")])
def test_bad_values_are_refused_and_change_nothing(stokes, login, fake_detector, fake_judge, field, value):
    client = login("office@stokes-wood.demo")
    post_photo(client, plain_jpeg())
    post = Post.objects.get(school=stokes)
    data = {**answers_form(face_1="staff", face_2="staff", face_3="staff"), field: value}
    assert client.post(check_url(post), data).status_code == 400
    assert client.post(check_url(post, "confirm/"), {**data, "blurred": ""}).status_code == 400
    assert Post.objects.get(pk=post.pk).status == Post.Status.PHOTO_CHECK


def test_pupil_from_another_school_or_twice_or_missing_is_refused(stokes, hesket, login, fake_detector, fake_judge):
    client = login("office@stokes-wood.demo")
    post_photo(client, plain_jpeg())
    post = Post.objects.get(school=stokes)
    jack = pupil(hesket, "Jack Robinson")
    oliver = pupil(stokes, "Oliver Bennett")
    for data in (answers_form(face_1=f"pupil:{jack.pk}", face_2="staff", face_3="staff"),
                 answers_form(face_1=f"pupil:{oliver.pk}", face_2=f"pupil:{oliver.pk}", face_3="staff"),
                 answers_form(face_1="pupil", face_2="staff", face_3="staff"),
                 answers_form(face_1=f"staff:{oliver.pk}", face_2="staff", face_3="staff")):
        response = client.post(check_url(post), data)
        assert response.status_code == 400 and "There is a problem" in response.content.decode()
    bad_blurred = client.post(check_url(post, "confirm/"), {**answers_form(face_1="staff", face_2="staff", face_3="staff"), "blurred": "1,x"})
    assert bad_blurred.status_code == 400
    assert Post.objects.get(pk=post.pk).status == Post.Status.PHOTO_CHECK


def test_bad_post_ids_get_a_404(stokes, login):
    client = login("office@stokes-wood.demo")
    for pk in (999999, 99999999999999999):
        assert client.get(f"/stokes-wood/channel/posts/{pk}/photo-check/").status_code == 404
        assert client.post(f"/stokes-wood/channel/posts/{pk}/photo-check/confirm/", {}).status_code == 404
        assert client.get(f"/stokes-wood/channel/posts/{pk}/original/").status_code == 404


def test_a_finished_check_cannot_be_done_again(checked_post, login):
    client = login("office@stokes-wood.demo")
    assert client.get(check_url(checked_post)).status_code == 302
    response = client.post(check_url(checked_post, "confirm/"), {"face_1": "staff", "face_2": "staff", "face_3": "staff", "blurred": ""})
    assert response.status_code == 302
    assert checked_post.photo_checks.count() == 1


def test_an_unreadable_photo_is_refused_and_nothing_is_saved(stokes, login, fake_judge):
    response = post_photo(login("office@stokes-wood.demo"), plain_jpeg()[:300])
    assert response.status_code == 400 and not Post.objects.exists()


def test_a_missing_face_model_stops_the_post_with_a_clear_message(stokes, login, fake_judge, monkeypatch):
    from schoolgate.photos.models import ModelMissing

    def missing(image, threshold=0.5):
        raise ModelMissing("centerface.onnx is not installed")

    monkeypatch.setattr(photo_checks, "detect_faces", missing)
    response = post_photo(login("office@stokes-wood.demo"), plain_jpeg())
    assert response.status_code == 503 and "Photos cannot be checked at the moment" in response.content.decode()
    assert not Post.objects.exists()


def test_the_dashboard_points_to_a_waiting_photo_check(stokes, login, fake_detector, fake_judge):
    post_photo(login("hughes@stokes-wood.demo"), plain_jpeg())
    post = Post.objects.get(school=stokes)
    for email in ("hughes@stokes-wood.demo", "office@stokes-wood.demo"):
        page = login(email).get("/stokes-wood/").content.decode()
        assert "1 post waiting for a photo check" in page and check_url(post) in page
    assert "waiting for a photo check" not in login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()
