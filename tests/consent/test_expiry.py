"""Consent lapses at the end of the academic year (31 August by default, or the school's own date)."""

import datetime as dt

from schoolgate.consent.answers import record_answer
from schoolgate.consent.models import ConsentSettings
from schoolgate.consent.queries import consent_state, photo_consent_states


def _answer(school, pupil, user, on, answer="granted", purpose="website"):
    record_answer(school, pupil, purpose, answer, given_by_name="Kelly Bennett", method="paper", recorded_by=user("office@stokes-wood.demo"), answered_on=on)


def test_consent_lapses_at_the_academic_year_boundary(stokes, oliver, user):
    _answer(stokes, oliver, user, dt.date(2025, 10, 1))
    assert consent_state(stokes, oliver, "website", today=dt.date(2026, 8, 31)) == "granted"  # last day of the year
    assert consent_state(stokes, oliver, "website", today=dt.date(2026, 9, 1)) == "expired"  # first day of the next
    assert photo_consent_states(stokes, "website", today=dt.date(2026, 9, 1))["Oliver Bennett"] == "expired"
    assert photo_consent_states(stokes, "website", today=dt.date(2026, 9, 1))["William Shah"] == "not_asked"


def test_a_refusal_expires_too(stokes, oliver, user):
    _answer(stokes, oliver, user, dt.date(2025, 10, 1), answer="refused")
    assert consent_state(stokes, oliver, "website", today=dt.date(2026, 9, 2)) == "expired"


def test_answer_given_on_the_first_day_counts_for_that_year(stokes, oliver, user):
    _answer(stokes, oliver, user, dt.date(2025, 9, 1))
    assert consent_state(stokes, oliver, "website", today=dt.date(2026, 8, 31)) == "granted"


def test_a_custom_year_end(stokes, oliver, user):
    settings = ConsentSettings.for_school(stokes)
    settings.year_end_month, settings.year_end_day = 7, 20
    settings.save()
    _answer(stokes, oliver, user, dt.date(2025, 7, 21))
    assert consent_state(stokes, oliver, "website", today=dt.date(2026, 7, 20)) == "granted"
    assert consent_state(stokes, oliver, "website", today=dt.date(2026, 7, 21)) == "expired"
    assert settings.academic_year_start(dt.date(2026, 1, 5)) == dt.date(2025, 7, 21)


def test_set_year_end_refuses_an_impossible_date(stokes, user):
    import pytest

    from schoolgate.consent.errors import ConsentError
    from schoolgate.consent.expiry import set_year_end

    with pytest.raises(ConsentError):
        set_year_end(stokes, month=2, day=30, actor=user("head@stokes-wood.demo"))
    assert set_year_end(stokes, month=7, day=31, actor=user("head@stokes-wood.demo")).year_end(2026) == dt.date(2026, 7, 31)
