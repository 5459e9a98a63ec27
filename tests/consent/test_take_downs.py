"""External uses and the take-down list: recorded by moderators, shown on the dashboard until done."""

import pytest

from schoolgate.consent.answers import withdraw
from schoolgate.consent.external import record_external_use
from schoolgate.consent.models import ExternalUse, TakeDown

LIST = "/stokes-wood/consent/take-downs/"
EXTERNAL = "/stokes-wood/consent/external/"


@pytest.fixture
def take_down(stokes, oliver, kelly, user, grant_all):
    grant_all(oliver)
    record_external_use(stokes, purpose="newsletter", where="Autumn newsletter", pupils=[oliver], actor=user("office@stokes-wood.demo"))
    withdraw(stokes, oliver, "newsletter", given_by=kelly, method="app", recorded_by=user("parent@stokes-wood.demo"))
    return TakeDown.objects.get()


def test_dashboard_shows_pending_take_down_until_done(stokes, login, take_down):
    client = login("office@stokes-wood.demo")
    assert "1 photo take-down waiting" in client.get("/stokes-wood/").content.decode()
    page = client.get(LIST).content.decode()
    assert "Autumn newsletter" in page and "Oliver Bennett" in page and "Consent withdrawn" in page
    assert client.post(f"{LIST}{take_down.pk}/done/", {"note": "Removed from the online copy"}).status_code == 302
    take_down.refresh_from_db()
    assert take_down.done_at is not None and take_down.done_by_label == "Janet Lee"
    assert "take-down waiting" not in client.get("/stokes-wood/").content.decode()
    assert client.post(f"{LIST}{take_down.pk}/done/").status_code == 302  # already done: a message, nothing changes


def test_parents_never_see_take_downs(stokes, login, take_down):
    assert "take-down" not in login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert login("parent@stokes-wood.demo").get(LIST).status_code == 403
    assert login("parent@stokes-wood.demo").post(f"{LIST}{take_down.pk}/done/").status_code == 403
    assert login("hughes@stokes-wood.demo").post(f"{LIST}{take_down.pk}/done/").status_code == 403
    assert login("head@high-hesket.demo").post(f"{LIST}{take_down.pk}/done/").status_code == 404
    assert TakeDown.objects.get().done_at is None


def test_other_schools_take_down_is_a_404(hesket, login, take_down):
    assert login("head@high-hesket.demo").post(f"/high-hesket/consent/take-downs/{take_down.pk}/done/").status_code == 404


def test_record_an_external_use(stokes, oliver, pupil, login, grant_all):
    grant_all(oliver)
    client = login("office@stokes-wood.demo")
    response = client.post(EXTERNAL, {"purpose": "website", "where": "https://example.org/trip", "pupils": [oliver.pk, pupil("Grace Okoro").pk]})
    assert response.status_code == 302
    use = ExternalUse.objects.get()
    assert set(use.pupils.values_list("name", flat=True)) == {"Oliver Bennett", "Grace Okoro"}
    assert TakeDown.objects.get().pupil.name == "Grace Okoro"  # not asked: straight onto the list
    assert "https://example.org/trip" in client.get(EXTERNAL).content.decode()


@pytest.mark.parametrize("data", [{}, {"purpose": "channel", "where": "x", "pupils": ["1"]}, {"purpose": "website", "where": "", "pupils": ["1"]},
                                  {"purpose": "website", "where": "x", "pupils": ["abc"]}, {"purpose": "website", "where": "x"}])
def test_bad_external_use_is_a_400(stokes, login, data):
    response = login("office@stokes-wood.demo").post(EXTERNAL, data)
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not ExternalUse.objects.exists()


def test_another_schools_pupil_cannot_be_chosen(stokes, hesket, login):
    from schoolgate.schools.models import Person

    jack = Person.objects.get(school=hesket, name="Jack Robinson")
    assert login("office@stokes-wood.demo").post(EXTERNAL, {"purpose": "website", "where": "x", "pupils": [jack.pk]}).status_code == 400
