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

from .models import Case, Deadline
from .services import send_due_reminder


def remind_overdue() -> int:
    """Catch-up for reminders a task backend could not defer or missed."""
    sent = 0
    for pk in Deadline.objects.filter(met_at__isnull=True, reminded_at__isnull=True, due_at__lt=timezone.now(), case__status=Case.Status.OPEN).values_list("pk", flat=True):
        sent += bool(send_due_reminder(pk))
    return sent


def _cutoff(school, today: dt.date) -> dt.datetime:
    years = school.case_retention_years
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def purge_expired(today: dt.date | None = None) -> list[dict]:
    """Remove closed cases older than each school's retention period, files included; audit each purge."""
    today = today or timezone.localdate()
    purged = []
    for school in School.objects.all():
        cutoff = _cutoff(school, today)
        for case in Case.objects.filter(school=school, status=Case.Status.CLOSED, closed_at__lt=cutoff):
            with transaction.atomic():
                case = Case.objects.select_for_update().get(pk=case.pk)
                summary = {
                    "reference": case.reference, "opened_at": case.opened_at, "closed_at": case.closed_at,
                    "evidence": case.evidence.count(), "letters": case.letters.count(), "notes": case.notes.count(),
                    "retention_years": school.case_retention_years,
                }
                folder = Path(settings.MEDIA_ROOT) / "cases" / school.slug / str(case.pk)
                record(
                    "case.purge", school=school, target=case,
                    summary=f"Purged {case.reference} (closed {timezone.localdate(case.closed_at):%d %b %Y}; retention {school.case_retention_years} years): "
                            f"{summary['evidence']} evidence item(s), {summary['letters']} letter(s), {summary['notes']} note(s)",
                    **summary,
                )
                # Delete the rows; Evidence/Note rows refuse single deletes, so use the queryset path.
                for model in (case.step_actions, case.notes, case.events, case.deadlines, case.letters):
                    model.all()._raw_delete(model.all().db)
                case.evidence.filter(corrects__isnull=False).order_by("-id")._raw_delete("default")
                case.evidence.all()._raw_delete("default")
                case.members.clear()
                Case.objects.filter(pk=case.pk)._raw_delete("default")
                transaction.on_commit(lambda folder=folder: shutil.rmtree(folder, ignore_errors=True))
            purged.append({"school": school.slug, **summary})
    return purged


def daily(stdout=None):
    sent = remind_overdue()
    purged = purge_expired()
    if stdout is not None:
        if sent:
            stdout.write(f"cases: {sent} deadline reminder(s) sent")
        for p in purged:
            stdout.write(f"cases: purged {p['reference']} at {p['school']} (closed {p['closed_at']:%Y-%m-%d})")
