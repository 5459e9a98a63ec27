"""Enrolment from reference photos (issue 10 part 3): only when matching is on, the DPIA recorded and the
pupil has current written biometric consent; one template per photo from its largest face; a photo with no
face refused with a clear message and nothing stored; the photos themselves never stored anywhere."""

import datetime as dt
import io

import numpy as np
import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.consent.biometrics import record_biometric, record_dpia, set_matching
from schoolgate.consent.enrolment import EnrolmentError, ReferencePhoto, enrol_from_photos
from schoolgate.consent.models import ConsentSettings, FaceTemplate
from schoolgate.photos.detect import detect_faces
from schoolgate.photos.match import default_encoder, distance

PAGE = "/stokes-wood/consent/biometrics/pupils/{pk}/"


def jpeg(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def head(user):
    return user("head@stokes-wood.demo")


@pytest.fixture
def one_face(composed):
    return jpeg(composed((200, 200), [(76, 76, 48, 0)]))


@pytest.fixture
def no_face(composed):
    return jpeg(composed((200, 200), []))


@pytest.fixture
def matching_on(stokes, head):
    record_dpia(stokes, signed_by="Sarah Patel", signed_on=dt.date(2026, 1, 10), actor=head)
    set_matching(stokes, True, actor=head)


@pytest.fixture
def consented(stokes, oliver, head):
    record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    return oliver


class NoEncoder:
    """Fails the test if a face is ever looked at: eligibility is checked before any face is processed."""

    def descriptor(self, image, face):
        raise AssertionError("a face was processed for a pupil who cannot be enrolled")


def media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ---------------------------------------------------------------- who may be enrolled


def test_no_dpia_refused_before_any_face_is_processed(stokes, consented, head, one_face):
    with pytest.raises(EnrolmentError, match="DPIA"):
        enrol_from_photos(consented, [ReferencePhoto("a.jpg", one_face)], actor=head, encoder=NoEncoder())
    assert not FaceTemplate.objects.exists()


def test_matching_off_refused(stokes, consented, head, one_face, matching_on):
    set_matching(stokes, False, actor=head)
    with pytest.raises(EnrolmentError, match="switched off"):
        enrol_from_photos(consented, [ReferencePhoto("a.jpg", one_face)], actor=head, encoder=NoEncoder())
    assert not FaceTemplate.objects.exists()


@pytest.mark.parametrize("records", [[], ["parent_consent", "parent_objection"], ["parent_consent", "pupil_refusal"]])
def test_not_eligible_refused(stokes, oliver, head, one_face, matching_on, records):
    for kind in records:
        record_biometric(stokes, oliver, kind, given_by_name="Kelly Bennett", actor=head)
    with pytest.raises(EnrolmentError, match="no current written biometric consent"):
        enrol_from_photos(oliver, [ReferencePhoto("a.jpg", one_face)], actor=head, encoder=NoEncoder())
    assert not FaceTemplate.objects.exists()


@pytest.mark.parametrize("setup, message", [
    ("none", "has not recorded its DPIA"),
    ("dpia_only", "switched off"),
    ("no_consent", "no current written biometric consent"),
])
def test_page_refuses_upload_with_an_error_summary(stokes, oliver, head, login, one_face, setup, message, settings):
    if setup != "none":
        record_dpia(stokes, signed_by="Sarah Patel", signed_on=dt.date(2026, 1, 10), actor=head)
    if setup == "no_consent":
        set_matching(stokes, True, actor=head)
    elif setup == "dpia_only":
        record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    client = login("office@stokes-wood.demo")
    page = client.get(PAGE.format(pk=oliver.pk)).content.decode()
    assert message in page and 'enctype="multipart/form-data"' not in page  # no upload form offered
    response = client.post(PAGE.format(pk=oliver.pk) + "enrol/", {"photos": upload("oliver.jpg", one_face)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not FaceTemplate.objects.exists() and media_files(settings) == []


# ---------------------------------------------------------------- photos


def test_photo_with_no_face_refused_clearly_and_nothing_stored(stokes, consented, login, one_face, no_face, matching_on, settings):
    client = login("office@stokes-wood.demo")
    response = client.post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": [upload("good.jpg", one_face), upload("wall.jpg", no_face)]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "wall.jpg: no face was found in this photo. Use a clear photo of Oliver Bennett&#x27;s face" in body
    # All or nothing: the good photo was not enrolled either, and no file was written.
    assert not FaceTemplate.objects.exists() and media_files(settings) == []
    assert not AuditEntry.objects.filter(action="consent.biometric.enrol").exists()


def test_damaged_file_refused_with_the_photo_librarys_message(stokes, consented, login, matching_on):
    client = login("office@stokes-wood.demo")
    response = client.post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": upload("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")})
    assert response.status_code == 400
    assert "broken.jpg: This photo file is damaged or incomplete" in response.content.decode()
    assert not FaceTemplate.objects.exists()


def test_no_file_chosen(stokes, consented, login, matching_on):
    response = login("office@stokes-wood.demo").post(PAGE.format(pk=consented.pk) + "enrol/", {})
    assert response.status_code == 400 and "Choose at least one reference photo." in response.content.decode()


def test_office_enrols_templates_only_and_the_page_counts_them(stokes, consented, login, one_face, composed, matching_on, settings):
    second = jpeg(composed((220, 200), [(90, 70, 52, 0)]))
    client = login("office@stokes-wood.demo")
    response = client.post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": [upload("one.jpg", one_face), upload("two.jpg", second)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    templates = list(FaceTemplate.objects.filter(pupil=consented))
    year = ConsentSettings.for_school(stokes).academic_year()
    assert len(templates) == 2 and {t.academic_year for t in templates} == {year}
    assert all(len(bytes(t.descriptor)) == 128 * 8 for t in templates)  # 128 float64: a template, not an image
    # The photos were never stored: nothing under MEDIA_ROOT, no other table holds them.
    assert media_files(settings) == []
    entry = AuditEntry.objects.filter(action="consent.biometric.enrol").latest("pk")
    assert "2 face template(s) enrolled" in entry.summary
    page = client.get(response["Location"]).content.decode()
    assert "The photos themselves were not kept" in page
    assert f"2 face templates for {year}/{(year + 1) % 100:02d}" in page
    assert "enrolled again each school year" in page


def test_several_faces_the_largest_is_used_and_the_office_is_told(stokes, consented, head, composed, matching_on):
    # A big fair face (the pupil) and a smaller dark one behind (someone else).
    photo = composed((320, 200), [(30, 60, 54, 2), (220, 80, 42, 1)])
    faces = detect_faces(photo)
    assert len(faces) == 2
    templates, notes = enrol_from_photos(consented, [ReferencePhoto("group.jpg", jpeg(photo))], actor=head)
    assert len(templates) == 1 and notes and "2 faces were found; only the largest was used" in notes[0]
    stored = np.frombuffer(bytes(templates[0].descriptor), dtype=np.float64)
    big, small = sorted(faces, key=lambda f: -f.area)
    encoder = default_encoder()
    assert distance(stored, encoder.descriptor(photo, big)) < 0.2 < distance(stored, encoder.descriptor(photo, small))


def test_enrolling_again_replaces_earlier_templates(stokes, consented, head, one_face, matching_on):
    enrol_from_photos(consented, [ReferencePhoto("a.jpg", one_face), ReferencePhoto("b.jpg", one_face)], actor=head)
    enrol_from_photos(consented, [ReferencePhoto("c.jpg", one_face)], actor=head)
    assert FaceTemplate.objects.filter(pupil=consented).count() == 1


def test_objection_after_enrolment_deletes_the_templates(stokes, consented, login, one_face, matching_on):
    head = login("head@stokes-wood.demo")
    assert head.post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": upload("one.jpg", one_face)}).status_code == 302
    assert FaceTemplate.objects.filter(pupil=consented).count() == 1
    response = head.post(PAGE.format(pk=consented.pk), {"kind": "parent_objection", "given_by_name": "Mr Bennett", "given_on": dt.date.today().isoformat()})
    assert response.status_code == 302
    assert not FaceTemplate.objects.filter(pupil=consented).exists()
    page = head.get(PAGE.format(pk=consented.pk)).content.decode()
    assert "0 face templates" in page and "no current written biometric consent" in page


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("email, status", [("head@stokes-wood.demo", 200), ("dsl@stokes-wood.demo", 200), ("office@stokes-wood.demo", 200), ("parent@stokes-wood.demo", 403)])
def test_pupil_page_access(stokes, oliver, login, email, status):
    assert login(email).get(PAGE.format(pk=oliver.pk)).status_code == status


def test_office_enrols_but_does_not_see_or_record_biometric_consent(stokes, consented, login, matching_on):
    client = login("office@stokes-wood.demo")
    page = client.get(PAGE.format(pk=consented.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Biometric consent</h2>" not in page
    response = client.post(PAGE.format(pk=consented.pk), {"kind": "parent_objection", "given_by_name": "X", "given_on": dt.date.today().isoformat()})
    assert response.status_code == 403


def test_parent_cannot_enrol(stokes, consented, login, one_face, matching_on):
    response = login("parent@stokes-wood.demo").post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": upload("one.jpg", one_face)})
    assert response.status_code == 403 and not FaceTemplate.objects.exists()


def test_pupil_of_another_school_is_404(stokes, hesket, consented, login, matching_on):
    from schoolgate.schools.models import Person

    other = Person.objects.filter(school=hesket, kind="pupil").first()
    assert login("office@stokes-wood.demo").get(PAGE.format(pk=other.pk)).status_code == 404


def test_enrol_checks_csrf_after_setting_the_in_memory_handler(stokes, consented, user, one_face, matching_on):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user("office@stokes-wood.demo"))
    response = client.post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": upload("one.jpg", one_face)})
    assert response.status_code == 403 and not FaceTemplate.objects.exists()


def test_uploads_are_held_in_memory_never_a_temporary_file(stokes, consented, login, one_face, matching_on, monkeypatch):
    from django.core.files import uploadedfile

    def no_temp_file(*args, **kwargs):
        raise AssertionError("a reference photo was written to a temporary file")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", no_temp_file)
    big = one_face + b"\0" * (6 * 1024 * 1024)  # over FILE_UPLOAD_MAX_MEMORY_SIZE: Django would use a temporary file
    response = login("office@stokes-wood.demo").post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": upload("big.jpg", big)})
    assert response.status_code in (302, 400)


def test_too_large_a_request_keeps_no_file_and_says_so(stokes, consented, login, one_face, matching_on, monkeypatch):
    from schoolgate.consent import views

    monkeypatch.setattr(views, "MAX_ENROL_UPLOAD", 1000)
    response = login("office@stokes-wood.demo").post(PAGE.format(pk=consented.pk) + "enrol/", {"photos": upload("one.jpg", one_face)})
    assert response.status_code == 400 and "too large together" in response.content.decode()
    assert not FaceTemplate.objects.exists()
