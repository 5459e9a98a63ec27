"""Taking or skipping a step of the school's procedure on a case."""

from __future__ import annotations

from django.db import transaction

from schoolgate.audit.models import record
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .errors import CaseError
from .ladder import LadderRow, step_row
from .locking import lock_open_case
from .models import MAX_TEXT, StepAction


def record_step_done(case, row: LadderRow, *, actor, outcome: str, letter=None) -> StepAction:
    """Record an available step as done, with its audit entry. The caller holds the open case's lock
    (`lock_open_case`) and has checked `row.can_take`; `take_step` and `letters.send_letter` both come here."""
    step = row.step
    action = StepAction.objects.create(
        case=case, step_id=step.step_id, step_title=step.title, step_order=step.order, status=StepAction.Status.DONE,
        outcome=outcome[:MAX_TEXT], letter=letter, by=actor, by_label=actor_label(actor, nobody="system"),
    )
    how = " (letter sent)" if letter is not None else ""
    record(AuditEvent.STEP, actor=actor, school=case.school, target=case,
           summary=f"{case.reference}: step {step.order} “{step.title}” done{how}", step=step.step_id, outcome=outcome[:300])
    return action


def take_step(case, *, step_id, actor, outcome: str, letter=None) -> StepAction:
    outcome = (outcome or "").strip()
    if not outcome:
        raise CaseError("Say what the outcome of the step was.")
    with transaction.atomic():
        case = lock_open_case(case)
        row = step_row(case, step_id)
        if not row.can_take:
            raise CaseError(f"“{row.step.title}” cannot be taken now: it is {row.state}. {row.opens_when}".strip())
        return record_step_done(case, row, actor=actor, outcome=outcome, letter=letter)


def skip_step(case, *, step_id, actor, reason: str) -> StepAction:
    reason = (reason or "").strip()
    if not reason:
        raise CaseError("Skipping a step needs a reason.")
    with transaction.atomic():
        case = lock_open_case(case)
        row = step_row(case, step_id)
        if not row.can_skip:
            raise CaseError(f"“{row.step.title}” cannot be skipped: it is {row.state}.")
        step = row.step
        action = StepAction.objects.create(
            case=case, step_id=step.step_id, step_title=step.title, step_order=step.order, status=StepAction.Status.SKIPPED,
            reason=reason[:MAX_TEXT], by=actor, by_label=actor_label(actor, nobody="system"),
        )
        record(AuditEvent.STEP_SKIP, actor=actor, school=case.school, target=case,
               summary=f"{case.reference}: step {step.order} “{step.title}” skipped", step=step.step_id, reason=reason[:300])
        return action
