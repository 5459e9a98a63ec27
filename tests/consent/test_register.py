"""The staff register by class, a pupil's page with history, and recording a paper form or phone call."""

import datetime as dt

import pytest

from schoolgate.consent.models import ConsentAnswer
from schoolgate.consent.queries import consent_state, register_by_class

REGISTER = "/stokes-wood/consent/"


def test_register_counts_pupils_without_a_current_answer(stokes, oliver, grant_all):
    grant_all(oliver)
    classes = {c.group: c for c in register_by_class(stokes)}
    assert classes["Year 4"].counts["website"] == 1  # Amelia Khan, not asked
    assert classes["Year 4"].pupils_missing == 1
    assert classes["Year 6"].counts["website"] == 2


@pytest.mark.parametrize("email, status", [("head@stokes-wood.demo", 200), ("dsl@stokes-wood.demo", 200), ("office@stokes-wood.demo", 200),
                                           ("hughes@stokes-wood.demo", 403), ("governor@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403),
                                           ("head@high-hesket.demo", 404)])
def test_register_access(stokes, oliver, login, email, status):
    assert login(email).get(REGISTER).status_code == status
    assert login(email).get(f"/stokes-wood/consent/pupils/{oliver.pk}/").status_code == status
    assert login(email).get(f"/stokes-wood/consent/pupils/{oliver.pk}/record/").status_code == status


def test_register_page_shows_states(stokes, oliver, login, grant_all):
    grant_all(oliver)
    page = login("head@stokes-wood.demo").get(REGISTER).content.decode()
    assert "Oliver Bennett" in page and "Granted" in page and "Not asked" in page and "Year 6" in page


def test_pupil_of_another_school_is_a_404(hesket, stokes, login):
    from schoolgate.schools.models import Person

    jack = Person.objects.get(school=hesket, name="Jack Robinson")
    assert login("head@stokes-wood.demo").get(f"/stokes-wood/consent/pupils/{jack.pk}/").status_code == 404
    assert login("head@stokes-wood.demo").get("/stokes-wood/consent/pupils/99999999999999999999999/").status_code == 404


def test_office_records_a_paper_form(stokes, oliver, login):
    client = login("office@stokes-wood.demo")
    today = dt.date.today().isoformat()
    response = client.post(f"/stokes-wood/consent/pupils/{oliver.pk}/record/", {
        "method": "paper", "given_by_name": "Kelly Bennett", "answered_on": today,
        "purpose_channel": "granted", "purpose_press": "refused", "purpose_website": "",
    })
    assert response.status_code == 302
    assert consent_state(stokes, oliver, "channel") == "granted" and consent_state(stokes, oliver, "press") == "refused"
    assert consent_state(stokes, oliver, "website") == "not_asked"
    row = ConsentAnswer.objects.get(purpose="channel")
    assert row.recorded_by_label == "Janet Lee" and row.given_by.name == "Kelly Bennett" and row.method == "paper"
    history = client.get(f"/stokes-wood/consent/pupils/{oliver.pk}/").content.decode()
    assert "Janet Lee" in history and "Paper form" in history and "Kelly Bennett" in history


@pytest.mark.parametrize("data, field", [
    ({"method": "paper", "given_by_name": "K", "answered_on": "2026-09-01"}, "purpose_channel"),
    ({"method": "fax", "given_by_name": "K", "answered_on": "2026-09-01", "purpose_channel": "granted"}, "method"),
    ({"method": "paper", "given_by_name": "", "answered_on": "2026-09-01", "purpose_channel": "granted"}, "given_by_name"),
    ({"method": "paper", "given_by_name": "K", "answered_on": "2099-01-01", "purpose_channel": "granted"}, "answered_on"),
    ({"method": "paper", "given_by_name": "K", "answered_on": "yesterday", "purpose_channel": "granted"}, "answered_on"),
    ({"method": "paper", "given_by_name": "K", "answered_on": "2026-09-01", "purpose_channel": "perhaps"}, "purpose_channel"),
])
def test_bad_paper_form_shows_an_error_summary_linking_to_the_field(stokes, oliver, login, data, field):
    response = login("office@stokes-wood.demo").post(f"/stokes-wood/consent/pupils/{oliver.pk}/record/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#id_{field}"' in page and f'id="id_{field}' in page
    assert not ConsentAnswer.objects.exists()


def test_renewal_button(stokes, login, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login("head@stokes-wood.demo").post("/stokes-wood/consent/renewal/")
    assert response.status_code == 302
    assert {m.to[0] for m in mailoutbox} == {"parent@stokes-wood.demo", "shah@stokes-wood.demo"}
    assert login("head@stokes-wood.demo").get("/stokes-wood/consent/renewal/").status_code == 405
    assert login("hughes@stokes-wood.demo").post("/stokes-wood/consent/renewal/").status_code == 403
