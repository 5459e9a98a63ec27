"""A parent/carer's page: their own children only; grant or withdraw each use in two taps; signed with
their name and date; withdrawal takes effect at once."""

import pytest

from schoolgate.consent.models import ConsentAnswer, TakeDown
from schoolgate.consent.queries import consent_state

PAGE = "/stokes-wood/my-children/photos/"
ANSWER = PAGE + "answer/"


def test_parent_sees_own_children_only(stokes, oliver, pupil, login):
    page = login("parent@stokes-wood.demo").get(PAGE).content.decode()
    assert "Oliver Bennett" in page and "William Shah" not in page and "Noah Wright" not in page
    assert "The school&#x27;s social media accounts" in page


def test_dashboard_links_to_the_page(stokes, login):
    page = login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert PAGE in page and "Photo consent for your children" in page


def test_grant_then_withdraw(stokes, oliver, login, user, grant_all):
    client = login("parent@stokes-wood.demo")
    response = client.post(ANSWER, {"child": oliver.pk, "purpose": "website", "answer": "granted"}, follow=True)
    assert response.status_code == 200
    assert "Signed in the app by Kelly Bennett" in response.content.decode()
    assert consent_state(stokes, oliver, "website") == "granted"
    row = ConsentAnswer.objects.get()
    assert (row.given_by.name, row.method, row.recorded_by.username) == ("Kelly Bennett", "app", "parent@stokes-wood.demo")
    from schoolgate.consent.external import record_external_use

    record_external_use(stokes, purpose="website", where="https://example.org", pupils=[oliver], actor=user("office@stokes-wood.demo"))
    response = client.post(ANSWER, {"child": oliver.pk, "purpose": "website", "answer": "refused"}, follow=True)
    assert "from now on" in response.content.decode()
    assert consent_state(stokes, oliver, "website") == "refused"
    assert TakeDown.objects.filter(pupil=oliver).count() == 1


def test_parent_cannot_answer_for_another_family(stokes, pupil, login):
    william = pupil("William Shah")
    assert login("parent@stokes-wood.demo").post(ANSWER, {"child": william.pk, "purpose": "website", "answer": "granted"}).status_code == 404
    assert not ConsentAnswer.objects.exists()


@pytest.mark.parametrize("data", [{}, {"child": "abc", "purpose": "website", "answer": "granted"}, {"child": "1", "purpose": "billboard", "answer": "granted"},
                                  {"child": "1", "purpose": "website", "answer": "maybe"}, {"child": "99999999999999999999999", "purpose": "website", "answer": "granted"}])
def test_bad_input_is_a_4xx(stokes, login, data):
    assert login("parent@stokes-wood.demo").post(ANSWER, data).status_code in (400, 404)
    assert not ConsentAnswer.objects.exists()


@pytest.mark.parametrize("email, status", [("head@stokes-wood.demo", 403), ("office@stokes-wood.demo", 403), ("parent@high-hesket.demo", 404)])
def test_only_parents_of_the_school(stokes, login, email, status):
    assert login(email).get(PAGE).status_code == status


def test_get_is_refused_on_answer(stokes, login):
    assert login("parent@stokes-wood.demo").get(ANSWER).status_code == 405


def test_two_school_parent_sees_the_right_child(hesket, login):
    page = login("governor@stokes-wood.demo").get("/high-hesket/my-children/photos/").content.decode()
    assert "Ella Thompson" in page and "Jack Robinson" not in page
