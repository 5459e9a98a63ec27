"""Deadlines on a case (removal by, meeting on, restriction ends): set, dealt with, overdue."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .errors import CaseError
from .locking import lock_case
from .models import Case, CaseEvent, Deadline
from .tasks import schedule_reminder


def add_deadline(case, *, kind, due_at, letter=None, actor=None) -> Deadline:
    """Set a deadline; its reminder is scheduled once the deadline is committed."""
    deadline = Deadline.objects.create(case=case, kind=kind, due_at=due_at, letter=letter)
    record(AuditEvent.DEADLINE, actor=actor, school=case.school, target=case,
           summary=f"{case.reference}: {deadline.get_kind_display()} {timezone.localtime(due_at):%d %b %Y %H:%M}", kind=kind, due_at=due_at)
    transaction.on_commit(lambda: schedule_reminder(deadline.pk))
    return deadline


def meet_deadline(deadline: Deadline, *, actor, note: str = "") -> Deadline:
    with transaction.atomic():
        case = lock_case(deadline.case)
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.met_at is not None:
            raise CaseError("That deadline is already marked as dealt with.")
        deadline.met_at, deadline.met_by, deadline.met_note = timezone.now(), actor, (note or "")[:300]
        deadline.save(update_fields=["met_at", "met_by", "met_note"])
        CaseEvent.objects.create(case=case, kind="deadline_met", text=f"{deadline.get_kind_display()}: dealt with" + (f" — {note}" if note else ""),
                                 by=actor, by_label=actor_label(actor, nobody="system"))
        record(AuditEvent.DEADLINE_MET, actor=actor, school=case.school, target=case, summary=f"{case.reference}: {deadline.get_kind_display().lower()} dealt with")
        return deadline


def overdue_deadlines(cases):
    return Deadline.objects.filter(case__in=cases, case__status=Case.Status.OPEN, met_at__isnull=True, due_at__lt=timezone.now()).select_related("case")
