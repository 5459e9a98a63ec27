"""Opening a case. Other apps open cases through `open_case` (the review queue, chat scans)."""

from __future__ import annotations

from django.db import transaction

from schoolgate.audit.models import record
from schoolgate.schools.models import Membership, Person, Role, actor_label

from .assessment import check_assessments
from .audit_events import AuditEvent
from .errors import CaseError
from .evidence_changes import record_text_evidence, run_judge
from .models import MAX_TEXT, Case, CaseEvent


def resolve_parent(school, parent_user, parent_name: str):
    """(roster person, user, name) for the parent/carer a case is about, from whichever of them is known."""
    person = None
    if parent_user is not None:
        m = Membership.objects.filter(user=parent_user, school=school, person__isnull=False).select_related("person").first()
        person = m.person if m else Person.objects.filter(school=school, user=parent_user).first()
        if not parent_name:
            parent_name = person.name if person else actor_label(parent_user)
    elif parent_name:
        person = Person.objects.filter(school=school, kind=Person.Kind.PARENT, name__iexact=parent_name.strip()).first()
        if person is not None and person.user_id:
            parent_user = person.user
    return person, parent_user, (parent_name or "").strip()


def open_case(
    school,
    *,
    opened_by,
    concern: str,
    parent_user=None,
    parent_name: str = "",
    source: str = "manual",
    evidence_text: str = "",
    evidence_label: str = "",
    assessments=(),
) -> Case:
    """Open a case about a parent/carer (or an unknown one); the evidence text is judged and attached."""
    concern = (concern or "").strip()
    if not concern:
        raise CaseError("Say what the concern is.")
    if source not in Case.Source.values:
        raise CaseError(f"Unknown case source '{source}'.")
    check_assessments(assessments)
    # Judge first, then write: the judge's CPU time never holds the database's write lock.
    judged = run_judge(school, evidence_text.strip()) if evidence_text.strip() else None
    return _create(school, opened_by=opened_by, concern=concern, parent_user=parent_user, parent_name=parent_name, source=source,
                   evidence_text=evidence_text, evidence_label=evidence_label, assessments=assessments, judged=judged)


@transaction.atomic
def _create(school, *, opened_by, concern, parent_user, parent_name, source, evidence_text, evidence_label, assessments, judged) -> Case:
    person, parent_user, parent_name = resolve_parent(school, parent_user, parent_name)
    case = Case.objects.create(
        school=school,
        policy_version=school.current_policy(),
        parent=person,
        parent_user=parent_user,
        parent_name=parent_name,
        concern=concern[:MAX_TEXT],
        source=source,
        assessments=sorted(set(assessments)),
        opened_by=opened_by,
    )
    if opened_by is not None and Membership.objects.filter(user=opened_by, school=school, role=Role.OFFICE).exists():
        # Office staff work the cases they open.
        case.assigned_to = opened_by
        case.save(update_fields=["assigned_to"])
    CaseEvent.objects.create(
        case=case, kind="opened", text=f"Case opened ({case.get_source_display().lower()}): {concern[:300]}",
        by=opened_by, by_label=actor_label(opened_by, nobody="system"), details={"source": source, "assessments": case.assessments},
    )
    record(
        AuditEvent.OPEN, actor=opened_by, school=school, target=case,
        summary=f"Opened {case.reference} about {case.subject_name} ({source})", source=source,
    )
    if evidence_text.strip():
        # The new row is this transaction's own: no other change can reach it before the commit.
        record_text_evidence(case, text=evidence_text, label=evidence_label or "Evidence at opening", added_by=opened_by, source=source,
                             judged=judged)
    return case
