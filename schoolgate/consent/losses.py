"""What happens when pupils lose consent (a withdrawal, a new never-publish flag, expiry at the year end):
every external use of those purposes that shows them goes on the take-down list, the audit log records it,
and, once committed, later apps are told through their `consent_hooks.consent_lost` (see `propagation`).
A biometric matter is not a loss of photo consent."""

from __future__ import annotations

from django.db import transaction

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .external import create_take_downs
from .models import Purpose, TakeDown
from .tasks import enqueue_loss


@transaction.atomic
def consent_lost(school, pupil_ids, purposes, *, cause: str, actor=None) -> list[TakeDown]:
    """`cause`: "withdrawn", "never_publish" or "expired"."""
    pupil_ids, purposes = sorted(set(pupil_ids)), sorted(set(map(str, purposes)))
    if not pupil_ids or not purposes:
        return []
    take_downs = create_take_downs(school, pupil_ids, purposes, reason=cause)
    labels = [Purpose(p).label for p in purposes]
    record(AuditEvent.EXPIRED if cause == "expired" else AuditEvent.LOST, actor=actor, school=school,
           summary=f"Consent lost ({cause}) for {len(pupil_ids)} pupil{'s' if len(pupil_ids) != 1 else ''}: {', '.join(labels)}; "
                   f"{len(take_downs)} take-down{'s' if len(take_downs) != 1 else ''}",
           cause=cause, pupil_ids=pupil_ids, purposes=purposes, take_downs=[t.pk for t in take_downs])
    school_id = school.pk
    transaction.on_commit(lambda: enqueue_loss(school_id, pupil_ids, purposes))
    return take_downs
