"""Closing a case with its outcome; open deadlines end with it, and the retention clock starts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .errors import CaseError
from .locking import lock_open_case
from .models import MAX_TEXT, Case, CaseEvent, Deadline


def close_case(case, *, outcome: str, actor) -> Case:
    outcome = (outcome or "").strip()
    if not outcome:
        raise CaseError("Closing a case needs an outcome: say how it ended.")
    given = case
    with transaction.atomic():
        case = lock_open_case(case)
        case.status = given.status = Case.Status.CLOSED
        case.outcome = outcome[:MAX_TEXT]
        case.closed_by = actor
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
        given.outcome, given.closed_by, given.closed_at = case.outcome, case.closed_by, case.closed_at
        CaseEvent.objects.create(case=case, kind="closed", text=f"Case closed: {outcome}", by=actor, by_label=actor_label(actor, nobody="system"))
        Deadline.objects.filter(case=case, met_at__isnull=True).update(met_at=case.closed_at, met_note="Case closed")
        record(AuditEvent.CLOSE, actor=actor, school=case.school, target=case, summary=f"Closed {case.reference}", purge_due=case.purge_due_on())
        return case
