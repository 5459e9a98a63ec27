"""The staff assessment of a case: flags (ASSESSMENTS) that open conditional steps of the procedure."""

from __future__ import annotations

from django.db import transaction

from schoolgate.audit.models import record
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .errors import CaseError
from .locking import lock_open_case
from .models import ASSESSMENTS, Case, CaseEvent


def check_assessments(assessments) -> None:
    unknown = [a for a in assessments if a not in ASSESSMENTS]
    if unknown:
        raise CaseError(f"Unknown assessment: {', '.join(unknown)}.")


def set_assessments(case, *, assessments, actor, reason: str = "") -> Case:
    check_assessments(assessments)
    given = case
    with transaction.atomic():
        case = lock_open_case(case)
        new = sorted(set(assessments))
        given.assessments = new
        if new == case.assessments:
            return case
        old = case.assessments
        case.assessments = new
        case.save(update_fields=["assessments"])
        labels = ", ".join(ASSESSMENTS[a] for a in new) or "none"
        CaseEvent.objects.create(case=case, kind="assessed", text=f"Staff assessment: {labels}" + (f" — {reason}" if reason else ""),
                                 by=actor, by_label=actor_label(actor, nobody="system"), details={"before": old, "after": new})
        record(AuditEvent.ASSESS, actor=actor, school=case.school, target=case, summary=f"{case.reference}: assessment {labels}", before=old, after=new)
        return case
