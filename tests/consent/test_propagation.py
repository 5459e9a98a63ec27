"""Losing consent reaches what is already published: take-downs for external uses, and the later apps'
`consent_lost` hooks, called after commit through a task; all of it audited."""

import datetime as dt

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.consent import propagation
from schoolgate.consent.answers import record_answer, withdraw
from schoolgate.consent.biometrics import record_biometric
from schoolgate.consent.expiry import notice_expiry
from schoolgate.consent.external import mark_done, record_external_use
from schoolgate.consent.flags import set_never_publish
from schoolgate.consent.models import ConsentSettings, TakeDown


@pytest.fixture
def calls(monkeypatch):
    found = []
    monkeypatch.setattr(propagation, "hooks", lambda module, function: [lambda school, ids, purposes: found.append((school.slug, ids, purposes))])
    return found


@pytest.fixture
def website_photo(stokes, oliver, pupil, user, grant_all):
    grant_all(oliver)
    grant_all(pupil("William Shah"))
    return record_external_use(stokes, purpose="website", where="https://example.org/sports", pupils=[oliver, pupil("William Shah")], actor=user("office@stokes-wood.demo"))


def test_withdrawal_creates_a_take_down_and_calls_the_hook(stokes, oliver, kelly, user, website_photo, calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(stokes, oliver, "website", given_by=kelly, method="app", recorded_by=user("parent@stokes-wood.demo"))
    take_down = TakeDown.objects.get()
    assert (take_down.pupil, take_down.external_use, take_down.reason) == (oliver, website_photo, "Consent withdrawn")
    assert "website" in take_down.who_must_act
    assert calls == [("stokes-wood", [oliver.pk], ["website"])]
    assert AuditEntry.objects.filter(action="consent.lost", school=stokes).exists()


def test_other_purposes_and_repeat_withdrawals_make_no_take_down(stokes, oliver, kelly, user, website_photo, calls, django_capture_on_commit_callbacks):
    parent = user("parent@stokes-wood.demo")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(stokes, oliver, "press", given_by=kelly, method="app", recorded_by=parent)
    assert not TakeDown.objects.exists() and calls == [("stokes-wood", [oliver.pk], ["press"])]
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(stokes, oliver, "website", given_by=kelly, method="app", recorded_by=parent)
        withdraw(stokes, oliver, "website", given_by=kelly, method="app", recorded_by=parent)  # already refused: not a loss
    assert TakeDown.objects.count() == 1 and len(calls) == 2


def test_never_publish_is_a_loss_of_every_purpose(stokes, oliver, user, website_photo, calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_never_publish(stokes, oliver, reason="Court order", actor=user("head@stokes-wood.demo"))
    assert TakeDown.objects.get().reason == "A never-publish flag was set"
    assert calls[0][1] == [oliver.pk] and len(calls[0][2]) == 6


def test_biometric_matters_are_not_a_loss(stokes, oliver, user, website_photo, calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_biometric(stokes, oliver, "parent_objection", given_by_name="Kelly Bennett", actor=user("head@stokes-wood.demo"))
    assert not TakeDown.objects.exists() and calls == []


def test_expiry_is_noticed_once_at_the_year_end(stokes, oliver, user, calls, django_capture_on_commit_callbacks):
    settings = ConsentSettings.for_school(stokes)
    start = settings.academic_year_start()
    next_start = settings.year_end(start.year + 1) + dt.timedelta(days=1)
    record_answer(stokes, oliver, "website", "granted", given_by_name="Kelly Bennett", method="paper", recorded_by=user("office@stokes-wood.demo"), answered_on=start)
    record_external_use(stokes, purpose="website", where="https://example.org/a", pupils=[oliver], actor=user("office@stokes-wood.demo"))
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_expiry(stokes, today=next_start - dt.timedelta(days=1)) == 0  # still the year it was given in
    assert calls == [] and not TakeDown.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_expiry(stokes, today=next_start) == 1
    assert TakeDown.objects.get().reason.startswith("Consent expired")
    assert calls == [("stokes-wood", [oliver.pk], ["website"])]
    assert AuditEntry.objects.filter(action="consent.expired").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_expiry(stokes, today=next_start + dt.timedelta(days=1)) == 0  # once per year
    assert len(calls) == 1


def test_a_use_recorded_without_consent_goes_straight_on_the_list(stokes, oliver, pupil, user, grant_all):
    grant_all(oliver)
    use = record_external_use(stokes, purpose="social_media", where="Facebook post 3 Oct", pupils=[oliver, pupil("Grace Okoro")], actor=user("office@stokes-wood.demo"))
    take_down = TakeDown.objects.get()
    assert take_down.pupil.name == "Grace Okoro" and take_down.external_use == use and take_down.reason == "Used without current consent"


def test_a_failing_hook_does_not_undo_the_withdrawal(stokes, oliver, kelly, user, monkeypatch, django_capture_on_commit_callbacks):
    def broken(school, ids, purposes):
        raise RuntimeError("channel is down")

    monkeypatch.setattr(propagation, "hooks", lambda module, function: [broken])
    record_answer(stokes, oliver, "channel", "granted", given_by=kelly, method="app", recorded_by=user("parent@stokes-wood.demo"))
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(stokes, oliver, "channel", given_by=kelly, method="app", recorded_by=user("parent@stokes-wood.demo"))
    from schoolgate.consent.queries import consent_state

    assert consent_state(stokes, oliver, "channel") == "refused"


def test_marking_done_once(stokes, oliver, kelly, user, website_photo):
    withdraw(stokes, oliver, "website", given_by=kelly, method="app", recorded_by=user("parent@stokes-wood.demo"))
    take_down = TakeDown.objects.get()
    mark_done(take_down, actor=user("office@stokes-wood.demo"), note="Removed from the gallery")
    take_down.refresh_from_db()
    assert take_down.done_by_label == "Janet Lee" and take_down.done_note == "Removed from the gallery"
    from schoolgate.consent.errors import ConsentError

    with pytest.raises(ConsentError):
        mark_done(take_down, actor=user("office@stokes-wood.demo"))
