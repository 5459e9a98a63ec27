"""Recording answers: every change is a new row, the history is kept, the audit log records it."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.consent.answers import record_answer, withdraw
from schoolgate.consent.errors import ConsentError
from schoolgate.consent.models import AppendOnlyError, ConsentAnswer
from schoolgate.consent.queries import consent_state, history


def test_not_asked_until_answered_then_latest_answer_wins(stokes, oliver, kelly, user):
    assert consent_state(stokes, oliver, "website") == "not_asked"
    parent_user = user("parent@stokes-wood.demo")
    record_answer(stokes, oliver, "website", "granted", given_by=kelly, method="app", recorded_by=parent_user)
    assert consent_state(stokes, oliver, "website") == "granted"
    assert consent_state(stokes, oliver, "press") == "not_asked"
    withdraw(stokes, oliver, "website", given_by=kelly, method="app", recorded_by=parent_user)
    assert consent_state(stokes, oliver, "website") == "refused"
    rows = list(history(stokes, oliver))
    assert [r.answer for r in rows] == ["refused", "granted"]
    assert rows[0].given_by_name == "Kelly Bennett" and rows[0].method == "app"
    assert AuditEntry.objects.filter(action="consent.answer", school=stokes).count() == 2


def test_rows_are_never_changed_or_deleted(stokes, oliver, grant_all):
    grant_all(oliver, ["channel"])
    row = ConsentAnswer.objects.get()
    row.answer = "refused"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_a_late_paper_form_does_not_override_a_newer_app_answer(stokes, oliver, kelly, user, grant_all):
    withdraw(stokes, oliver, "channel", given_by=kelly, method="app", recorded_by=user("parent@stokes-wood.demo"))
    grant_all(oliver, ["channel"], answered_on=timezone.localdate() - dt.timedelta(days=1))
    assert consent_state(stokes, oliver, "channel") == "refused"


def test_refusals(stokes, hesket, oliver, kelly, user, pupil):
    office = user("office@stokes-wood.demo")
    william = pupil("William Shah")
    with pytest.raises(ConsentError, match="own parent"):  # Kelly is not William's parent
        record_answer(stokes, william, "channel", "granted", given_by=kelly, method="app", recorded_by=user("parent@stokes-wood.demo"))
    with pytest.raises(ConsentError, match="named member of staff"):
        record_answer(stokes, oliver, "channel", "granted", given_by_name="Kelly Bennett", method="paper", recorded_by=None)
    with pytest.raises(ConsentError, match="future"):
        record_answer(stokes, oliver, "channel", "granted", given_by_name="K", method="paper", recorded_by=office, answered_on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ConsentError):
        record_answer(stokes, oliver, "billboard", "granted", given_by_name="K", method="paper", recorded_by=office)
    with pytest.raises(ConsentError):
        record_answer(hesket, oliver, "channel", "granted", given_by_name="K", method="paper", recorded_by=office)
    with pytest.raises(ConsentError, match="name"):
        record_answer(stokes, oliver, "channel", "granted", given_by_name=" ", method="phone", recorded_by=office)
    assert not ConsentAnswer.objects.exists()
