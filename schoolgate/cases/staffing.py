"""Who works a case: the office member it is assigned to, and staff added to it (see `CaseQuerySet.visible_to`)."""

from __future__ import annotations

from django.db import transaction

from schoolgate.audit.models import record
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .locking import lock_open_case
from .models import Case, CaseEvent


@transaction.atomic
def assign(case, *, user, actor) -> Case:
    case = lock_open_case(case)
    case.assigned_to = user
    case.save(update_fields=["assigned_to"])
    who = actor_label(user, nobody="nobody")
    CaseEvent.objects.create(case=case, kind="assigned", text=f"Assigned to {who}", by=actor, by_label=actor_label(actor, nobody="system"))
    record(AuditEvent.ASSIGN, actor=actor, school=case.school, target=case, summary=f"{case.reference}: assigned to {who}")
    return case


@transaction.atomic
def add_member(case, *, user, actor) -> Case:
    case = lock_open_case(case)
    case.members.add(user)
    who = actor_label(user, nobody="system")
    CaseEvent.objects.create(case=case, kind="member", text=f"{who} added to the case", by=actor, by_label=actor_label(actor, nobody="system"))
    record(AuditEvent.ADD_MEMBER, actor=actor, school=case.school, target=case, summary=f"{case.reference}: added {who}")
    return case
