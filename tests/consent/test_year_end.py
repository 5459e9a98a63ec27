"""The school's academic year end: leadership changes it on its own page; a day that is not a real day of
that month is refused; every change is in the audit log."""

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.consent.models import ConsentSettings

PAGE = "/stokes-wood/consent/year-end/"


@pytest.mark.parametrize("email, status", [("head@stokes-wood.demo", 200), ("dsl@stokes-wood.demo", 200), ("office@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403)])
def test_page_is_for_leadership(stokes, login, email, status):
    client = login(email)
    assert client.get(PAGE).status_code == status
    assert client.post(PAGE, {"day": "31", "month": "7"}).status_code == (302 if status == 200 else 403)


def test_shows_the_current_year_end(stokes, login):
    page = login("head@stokes-wood.demo").get(PAGE).content.decode()
    assert "The academic year ends on <strong>31 August</strong>" in page


def test_change_is_saved_and_audited(stokes, login):
    client = login("head@stokes-wood.demo")
    response = client.post(PAGE, {"day": "20", "month": "7"})
    assert response.status_code == 302
    settings = ConsentSettings.for_school(stokes)
    assert (settings.year_end_month, settings.year_end_day) == (7, 20)
    entry = AuditEntry.objects.filter(action="consent.year_end").latest("pk")
    assert entry.summary == "Academic year end set to 20 July"
    assert "The academic year now ends on 20 July" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("day, month, message", [
    ("31", "6", "June has no day 31"),
    ("29", "2", "February has no day 29"),
    ("0", "8", "Enter a day from 1 to 31."),
    ("32", "8", "Enter a day from 1 to 31."),
    ("last", "8", "Enter the day as a number"),
    ("", "8", "Enter the day of the month."),
    ("31", "13", "Choose a month from the list."),
    ("31", "", "Choose the month."),
])
def test_not_a_real_day_is_refused_and_nothing_changes(stokes, login, day, month, message):
    before = AuditEntry.objects.filter(action="consent.year_end").count()
    response = login("head@stokes-wood.demo").post(PAGE, {"day": day, "month": month})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    settings = ConsentSettings.for_school(stokes)
    assert (settings.year_end_month, settings.year_end_day) == (8, 31)
    assert AuditEntry.objects.filter(action="consent.year_end").count() == before
