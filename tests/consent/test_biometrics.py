"""PoFA 2012: matching off until a DPIA is recorded; enrolment only with current biometric consent; an
objection or refusal deletes the pupil's templates at once; switching matching off deletes them all."""

import datetime as dt

import numpy as np
import pytest

from schoolgate.consent.biometrics import enrol, gallery, record_biometric, record_dpia, set_matching
from schoolgate.consent.errors import ConsentError
from schoolgate.consent.models import FaceTemplate


def vec(seed):
    return np.random.default_rng(seed).normal(size=128)


@pytest.fixture
def head(user):
    return user("head@stokes-wood.demo")


@pytest.fixture
def matching_on(stokes, head):
    record_dpia(stokes, signed_by="Sarah Patel", signed_on=dt.date(2026, 1, 10), actor=head)
    set_matching(stokes, True, actor=head)


def test_matching_needs_a_dpia(stokes, head):
    with pytest.raises(ConsentError, match="DPIA"):
        set_matching(stokes, True, actor=head)


def test_enrolment_needs_matching_and_consent(stokes, oliver, head):
    record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    with pytest.raises(ConsentError, match="switched off"):
        enrol(oliver, [vec(1)])


def test_enrol_and_gallery(stokes, oliver, pupil, head, matching_on):
    with pytest.raises(ConsentError, match="no current biometric consent"):
        enrol(oliver, [vec(1)])
    record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    enrol(oliver, [vec(1), vec(2)], actor=head)
    found = gallery(stokes)
    assert list(found) == ["Oliver Bennett"] and len(found["Oliver Bennett"]) == 2
    assert np.allclose(found["Oliver Bennett"][0], vec(1))
    with pytest.raises(ConsentError):
        enrol(oliver, [np.zeros(5)])


def test_objection_deletes_templates_at_once(stokes, oliver, head, matching_on):
    record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    enrol(oliver, [vec(1), vec(2)])
    assert FaceTemplate.objects.filter(pupil=oliver).count() == 2
    record_biometric(stokes, oliver, "parent_objection", given_by_name="Mr Bennett", actor=head)
    assert not FaceTemplate.objects.filter(pupil=oliver).exists()
    assert gallery(stokes) == {}
    with pytest.raises(ConsentError):
        enrol(oliver, [vec(1)])


def test_pupil_refusal_deletes_templates(stokes, oliver, head, matching_on):
    record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    enrol(oliver, [vec(1)])
    record_biometric(stokes, oliver, "pupil_refusal", given_by_name="", actor=head)
    assert not FaceTemplate.objects.exists()


def test_switching_matching_off_deletes_every_template_and_empties_the_gallery(stokes, oliver, head, matching_on):
    record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    enrol(oliver, [vec(1)])
    set_matching(stokes, False, actor=head)
    assert not FaceTemplate.objects.exists() and gallery(stokes) == {}


def test_last_years_templates_are_not_offered(stokes, oliver, head, matching_on):
    record_biometric(stokes, oliver, "parent_consent", given_by_name="Kelly Bennett", actor=head)
    enrol(oliver, [vec(1)])
    FaceTemplate.objects.update(academic_year=2000)
    assert gallery(stokes) == {}


PAGE = "/stokes-wood/consent/biometrics/"


@pytest.mark.parametrize("email, status", [("head@stokes-wood.demo", 200), ("dsl@stokes-wood.demo", 200), ("office@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403)])
def test_page_is_for_leadership(stokes, login, email, status):
    assert login(email).get(PAGE).status_code == status


def test_pages_record_dpia_matching_and_objection(stokes, oliver, login, head):
    client = login("head@stokes-wood.demo")
    assert client.post(PAGE + "matching/", {"enabled": "on"}).status_code == 400  # no DPIA yet
    assert client.post(PAGE + "dpia/", {"signed_by": "", "signed_on": "2026-01-10"}).status_code == 400
    assert client.post(PAGE + "dpia/", {"signed_by": "Sarah Patel", "signed_on": "2026-01-10"}).status_code == 302
    assert client.post(PAGE + "matching/", {"enabled": "on"}).status_code == 302
    assert client.post(PAGE + f"pupils/{oliver.pk}/", {"kind": "parent_consent", "given_by_name": "Kelly Bennett", "given_on": dt.date.today().isoformat()}).status_code == 302
    enrol(oliver, [vec(3)])
    assert client.post(PAGE + f"pupils/{oliver.pk}/", {"kind": "parent_objection", "given_by_name": "", "given_on": dt.date.today().isoformat()}).status_code == 400
    response = client.post(PAGE + f"pupils/{oliver.pk}/", {"kind": "parent_objection", "given_by_name": "Mr Bennett", "given_on": dt.date.today().isoformat()})
    assert response.status_code == 302 and not FaceTemplate.objects.exists()
    assert "Oliver Bennett" in client.get(PAGE).content.decode()
