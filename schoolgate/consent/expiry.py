"""The academic year end: consent given in an earlier academic year lapses. The daily job notices it once
per school and year, and propagates it as a loss (take-downs, later apps re-redact); the school sets its
own year end (31 August by default)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .errors import ConsentError
from .losses import consent_lost
from .models import Answer, ConsentSettings
from .queries import flagged_ids, latest_answers


@transaction.atomic
def notice_expiry(school, today: dt.date | None = None) -> int:
    """Propagate the lapse of last year's consents, once per academic year; returns the pupils affected."""
    today = today or timezone.localdate()
    settings = ConsentSettings.objects.select_for_update().get_or_create(school=school)[0]
    start = settings.academic_year_start(today)
    if settings.expiry_noticed_for == start:
        return 0
    flagged = flagged_ids(school)
    lapsed: dict[str, set[int]] = {}
    for (pupil_id, purpose), answer in latest_answers(school).items():
        if answer.answer == Answer.GRANTED and answer.answered_on < start and pupil_id not in flagged:
            lapsed.setdefault(purpose, set()).add(pupil_id)
    for purpose, pupil_ids in sorted(lapsed.items()):
        consent_lost(school, pupil_ids, [purpose], cause="expired")
    settings.expiry_noticed_for = start
    settings.save(update_fields=["expiry_noticed_for"])
    return len(set().union(*lapsed.values())) if lapsed else 0


@transaction.atomic
def set_year_end(school, *, month: int, day: int, actor) -> ConsentSettings:
    try:
        dt.date(2001, month, day)  # not a leap year: 29 February is not a year end
    except (TypeError, ValueError):
        raise ConsentError("Give a real day and month for the end of the academic year.") from None
    settings = ConsentSettings.objects.select_for_update().get_or_create(school=school)[0]
    settings.year_end_month, settings.year_end_day = month, day
    settings.save(update_fields=["year_end_month", "year_end_day"])
    record(AuditEvent.YEAR_END, actor=actor, school=school,
           summary=f"Academic year end set to {dt.date(2001, month, day):%-d %B}")
    return settings
