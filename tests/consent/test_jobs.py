"""The daily job: expiry propagated once, and the September renewal campaign (weekly at most)."""

import datetime as dt

import pytest

from schoolgate.consent.jobs import daily
from schoolgate.consent.models import ConsentSettings, RenewalReminder
from schoolgate.consent.renewal import send_renewals


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and then its after-commit callbacks (the e-mail goes after the change commits)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_renewal_emails_each_family_with_no_answer_then_weekly(stokes, oliver, pupil, grant_all, mailoutbox, committed):
    grant_all(pupil("William Shah"))  # the Shahs answered everything
    start = ConsentSettings.for_school(stokes).academic_year_start()
    assert committed(send_renewals, stokes, start) == 1
    assert mailoutbox[0].to == ["parent@stokes-wood.demo"] and "Oliver Bennett" in mailoutbox[0].body and "/stokes-wood/my-children/photos/" in mailoutbox[0].body
    assert "William Shah" not in mailoutbox[0].body
    assert committed(send_renewals, stokes, start + dt.timedelta(days=6)) == 0  # not twice in a week
    assert committed(send_renewals, stokes, start + dt.timedelta(days=7)) == 1
    assert mailoutbox[1].subject.startswith("Reminder:")
    assert RenewalReminder.objects.count() == 2


def test_no_email_once_answered(stokes, oliver, pupil, grant_all, mailoutbox, committed):
    grant_all(oliver)
    grant_all(pupil("William Shah"))
    assert send_renewals(stokes) == 0 and mailoutbox == []


def test_daily_runs_the_campaign_in_its_weeks_only(demo, mailoutbox, committed):
    from schoolgate.schools.models import School

    stokes = School.objects.get(slug="stokes-wood")
    start = ConsentSettings.for_school(stokes).academic_year_start()
    committed(daily, today=start)
    sent = len(mailoutbox)
    assert sent >= 2  # both schools' families
    committed(daily, today=start + dt.timedelta(days=3))
    assert len(mailoutbox) == sent
    later = start + dt.timedelta(weeks=20)
    committed(daily, today=later)
    assert len(mailoutbox) == sent


def test_daily_command_runs(demo):
    from io import StringIO

    from django.core.management import call_command

    call_command("daily", stdout=StringIO())
