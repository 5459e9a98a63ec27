"""Daily job for cases: reminders for deadlines that have passed, and the retention purge."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import School

from .audit_events import AuditEvent
from .models import Case, Deadline
from .reminders import send_due_reminder
from .retention import purge_cutoff


def remind_overdue() -> int:
    """Catch-up for reminders a task backend could not defer or missed."""
    sent = 0
    for pk in Deadline.objects.filter(met_at__isnull=True, reminded_at__isnull=True, due_at__lt=timezone.now(), case__status=Case.Status.OPEN).values_list("pk", flat=True):
        sent += bool(send_due_reminder(pk))
    return sent


def purge_case(case: Case) -> dict:
    """Remove one closed case whose retention period has passed: every row and file of it, with an audit
    entry that says what went. The one place case records are deleted."""
    school = case.school
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        summary = {
            "reference": case.reference, "opened_at": case.opened_at, "closed_at": case.closed_at,
            "evidence": case.evidence.count(), "letters": case.letters.count(), "notes": case.notes.count(),
            "retention_years": school.case_retention_years,
        }
        folder = Path(settings.MEDIA_ROOT) / "cases" / school.slug / str(case.pk)
        record(
            AuditEvent.PURGE, school=school, target=case,
            summary=f"Purged {case.reference} (closed {timezone.localdate(case.closed_at):%d %b %Y}; retention {school.case_retention_years} years): "
                    f"{summary['evidence']} evidence item(s), {summary['letters']} letter(s), {summary['notes']} note(s)",
            **summary,
        )
        # The append-only records refuse ordinary deletes; `purge()` is their one way out.
        for records in (case.evidence, case.step_actions, case.notes, case.events):
            records.all().purge()
        # Letters, deadlines and the staff added to the case go with it.
        case.delete(purge=True)
        transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
    return summary


def purge_expired(today: dt.date | None = None) -> list[dict]:
    """Remove closed cases older than each school's retention period, files included; audit each purge."""
    today = today or timezone.localdate()
    purged = []
    for school in School.objects.all():
        cutoff = purge_cutoff(school.case_retention_years, today)
        for case in Case.objects.filter(school=school, status=Case.Status.CLOSED, closed_at__lt=cutoff).select_related("school"):
            purged.append({"school": school.slug, **purge_case(case)})
    return purged


def daily(stdout=None):
    sent = remind_overdue()
    purged = purge_expired()
    if stdout is not None:
        if sent:
            stdout.write(f"cases: {sent} deadline reminder(s) sent")
        for p in purged:
            stdout.write(f"cases: purged {p['reference']} at {p['school']} (closed {p['closed_at']:%Y-%m-%d})")
