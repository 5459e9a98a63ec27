"""Every change to a case: open, add evidence, assess, take or skip a step, letters, deadlines, notes, close.

Each function is one transaction that locks the case row, writes its records and the audit entry
together. Other apps open cases through `open_case` (the review queue, chat scans).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.judge.types import category_label
from schoolgate.policies import judging
from schoolgate.schools.models import Membership, Person

from . import evidence as ev
from .models import ASSESSMENTS, Case, CaseEvent, Deadline, Evidence, Letter, Note, StepAction

log = logging.getLogger(__name__)

MAX_TEXT = 50_000


class CaseError(ValueError):
    """A change that cannot be made; the message is shown to the member of staff."""


def _label(user) -> str:
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("school").get(pk=case.pk)


def _require_open(case: Case):
    if not case.is_open:
        raise CaseError("This case is closed; nothing more can be added to it.")


# --- the judge -------------------------------------------------------------------------------------

def run_judge(school, text: str) -> tuple[dict, str]:
    """(verdict record, note) through the one door; a judge that cannot run gives a held record and the
    note says so, so the evidence is kept and can be judged again later (`rejudge`)."""
    verdict = judging.judge_record(school, text)
    return verdict, (verdict["explanation"] if verdict.get("unavailable") else "")


# --- opening ---------------------------------------------------------------------------------------

def _resolve_parent(school, parent_user, parent_name: str):
    person = None
    if parent_user is not None:
        m = Membership.objects.filter(user=parent_user, school=school, person__isnull=False).select_related("person").first()
        person = m.person if m else Person.objects.filter(school=school, user=parent_user).first()
        if not parent_name:
            parent_name = person.name if person else (parent_user.get_full_name() or parent_user.get_username())
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
    unknown = [a for a in assessments if a not in ASSESSMENTS]
    if unknown:
        raise CaseError(f"Unknown assessment: {', '.join(unknown)}.")
    person, parent_user, parent_name = _resolve_parent(school, parent_user, parent_name)
    with transaction.atomic():
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
        if opened_by is not None and Membership.objects.filter(user=opened_by, school=school, role="office").exists():
            # Office staff work the cases they open.
            case.assigned_to = opened_by
            case.save(update_fields=["assigned_to"])
        CaseEvent.objects.create(
            case=case, kind="opened", text=f"Case opened ({case.get_source_display().lower()}): {concern[:300]}",
            by=opened_by, by_label=_label(opened_by), details={"source": source, "assessments": case.assessments},
        )
        record(
            "case.open", actor=opened_by, school=school, target=case,
            summary=f"Opened {case.reference} about {case.subject_name} ({source})", source=source,
        )
        if evidence_text.strip():
            _add_text(case, text=evidence_text, label=evidence_label or "Evidence at opening", added_by=opened_by, source=source)
    return case


# --- evidence ---------------------------------------------------------------------------------------

def _add_text(case, *, text, label, added_by, source="", corrects=None) -> Evidence:
    text = text.strip()
    if not text:
        raise CaseError("The evidence text is empty.")
    if len(text) > MAX_TEXT:
        raise CaseError(f"Evidence text is limited to {MAX_TEXT:,} characters; add it as a file instead.")
    data = text.encode()
    verdict, note = run_judge(case.school, text)
    item = Evidence.objects.create(
        case=case, kind=Evidence.Kind.TEXT, label=label[:200], text=text, content_type="text/plain; charset=utf-8",
        size=len(data), sha256=ev.sha256(data), source=source[:200], corrects=corrects,
        added_by=added_by, added_by_label=_label(added_by), verdict=verdict, judge_note=note,
    )
    _audit_evidence(case, item, added_by)
    return item


def _audit_evidence(case, item, actor):
    findings = len((item.verdict or {}).get("findings", ()))
    record(
        "case.evidence", actor=actor, school=case.school, target=item,
        summary=f"{case.reference}: added {item.get_kind_display().lower()} {item.number}" + (f" correcting E{item.corrects_id}" if item.corrects_id else ""),
        case=case.pk, sha256=item.sha256, size=item.size, content_type=item.content_type, findings=findings,
    )


def _check_corrects(case, corrects):
    if corrects is not None and corrects.case_id != case.pk:
        raise CaseError("An item can only correct an item of the same case.")


def add_evidence_text(case, *, text, label, added_by, source="", corrects=None) -> Evidence:
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        _check_corrects(case, corrects)
        return _add_text(case, text=text, label=label, added_by=added_by, source=source, corrects=corrects)


def add_evidence_url(case, *, url, seen_on: dt.date, label, added_by, note_text: str = "", corrects=None) -> Evidence:
    if seen_on > timezone.localdate():
        raise CaseError("The date the page was seen cannot be in the future.")
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        _check_corrects(case, corrects)
        data = url.encode()
        verdict, jnote = (None, "")
        if note_text.strip():
            verdict, jnote = run_judge(case.school, note_text.strip())
        item = Evidence.objects.create(
            case=case, kind=Evidence.Kind.URL, label=label[:200], url=url, seen_on=seen_on, text=note_text.strip()[:MAX_TEXT],
            content_type="text/uri-list", size=len(data), sha256=ev.sha256(data), corrects=corrects,
            added_by=added_by, added_by_label=_label(added_by), verdict=verdict, judge_note=jnote,
        )
        _audit_evidence(case, item, added_by)
        return item


def add_evidence_file(case, *, upload, label, added_by, corrects=None) -> Evidence:
    """Raises evidence.EvidenceRejected with a message for staff when the file is refused."""
    data = ev.read_upload(upload)
    content_type, ext = ev.detect_type(data)
    digest = ev.sha256(data)
    original = (getattr(upload, "name", "") or "").replace("/", "_").replace("\\", "_")[:200]
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        _check_corrects(case, corrects)
        path = ev.store(case, data, digest, ext)
        verdict, jnote = (None, "")
        text = ""
        if content_type == "text/plain":
            text = data.decode("utf-8")[:MAX_TEXT]
            verdict, jnote = run_judge(case.school, text)
        item = Evidence.objects.create(
            case=case, kind=Evidence.Kind.FILE, label=label[:200], file=path, original_name=original, text=text,
            content_type=content_type, size=len(data), sha256=digest, corrects=corrects,
            added_by=added_by, added_by_label=_label(added_by), verdict=verdict, judge_note=jnote,
        )
        _audit_evidence(case, item, added_by)
        return item


def rejudge(item: Evidence, *, actor) -> Evidence:
    """Run the judge on text evidence it could not check before; a verdict, once there, stays."""
    with transaction.atomic():
        _lock(item.case)
        item = Evidence.objects.select_for_update().get(pk=item.pk)
        if item.is_judged or not item.text:
            raise CaseError("This item already has the judge's verdict.")
        verdict, note = run_judge(item.case.school, item.text)
        item.verdict, item.judge_note = verdict, note
        item.save(update_fields=["verdict", "judge_note"])
        record("case.evidence_judged", actor=actor, school=item.case.school, target=item, summary=f"{item.case.reference}: judged {item.number}")
        return item


# --- assessment, staff, notes ---------------------------------------------------------------------

def set_assessments(case, *, assessments, actor, reason: str = "") -> Case:
    unknown = [a for a in assessments if a not in ASSESSMENTS]
    if unknown:
        raise CaseError(f"Unknown assessment: {', '.join(unknown)}.")
    given = case
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        new = sorted(set(assessments))
        given.assessments = new
        if new == case.assessments:
            return case
        old = case.assessments
        case.assessments = new
        case.save(update_fields=["assessments"])
        labels = ", ".join(ASSESSMENTS[a] for a in new) or "none"
        CaseEvent.objects.create(case=case, kind="assessed", text=f"Staff assessment: {labels}" + (f" — {reason}" if reason else ""),
                                 by=actor, by_label=_label(actor), details={"before": old, "after": new})
        record("case.assess", actor=actor, school=case.school, target=case, summary=f"{case.reference}: assessment {labels}", before=old, after=new)
        return case


def assign(case, *, user, actor) -> Case:
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        case.assigned_to = user
        case.save(update_fields=["assigned_to"])
        who = _label(user) if user else "nobody"
        CaseEvent.objects.create(case=case, kind="assigned", text=f"Assigned to {who}", by=actor, by_label=_label(actor))
        record("case.assign", actor=actor, school=case.school, target=case, summary=f"{case.reference}: assigned to {who}")
        return case


def add_member(case, *, user, actor) -> Case:
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        case.members.add(user)
        CaseEvent.objects.create(case=case, kind="member", text=f"{_label(user)} added to the case", by=actor, by_label=_label(actor))
        record("case.add_member", actor=actor, school=case.school, target=case, summary=f"{case.reference}: added {_label(user)}")
        return case


def add_note(case, *, text, author, private: bool = True) -> Note:
    text = (text or "").strip()
    if not text:
        raise CaseError("The note is empty.")
    with transaction.atomic():
        case = _lock(case)
        note = Note.objects.create(case=case, text=text[:MAX_TEXT], private=private, author=author, author_label=_label(author))
        record("case.note", actor=author, school=case.school, target=note, summary=f"{case.reference}: staff note added", case=case.pk)
        return note


def close_case(case, *, outcome: str, actor) -> Case:
    outcome = (outcome or "").strip()
    if not outcome:
        raise CaseError("Closing a case needs an outcome: say how it ended.")
    given = case
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        case.status = given.status = Case.Status.CLOSED
        case.outcome = outcome[:MAX_TEXT]
        case.closed_by = actor
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
        given.outcome, given.closed_by, given.closed_at = case.outcome, case.closed_by, case.closed_at
        CaseEvent.objects.create(case=case, kind="closed", text=f"Case closed: {outcome}", by=actor, by_label=_label(actor))
        Deadline.objects.filter(case=case, met_at__isnull=True).update(met_at=case.closed_at, met_note="Case closed")
        record("case.close", actor=actor, school=case.school, target=case, summary=f"Closed {case.reference}", purge_due=case.purge_due_on())
        return case


# --- the ladder -----------------------------------------------------------------------------------

def steps_for(case):
    version = case.school.current_policy() or case.policy_version
    return list(version.steps.all()) if version is not None else []


def _conditions_text(step) -> str:
    cats = [category_label(c) for c in step.conditions.get("categories", ())]
    flags = [ASSESSMENTS.get(a, a).lower() for a in step.conditions.get("assessments", ())]
    parts = []
    if cats:
        parts.append("the judge's findings include " + " or ".join(cats))
    if flags:
        parts.append("staff assess the case as: " + " or ".join(flags))
    return "Opens when " + ", or ".join(parts) + "."


def ladder(case) -> list[dict]:
    """Each step of the school's procedure with its state for this case.

    States: done, skipped, available (may be taken now), waiting (an earlier step comes first),
    closed (its conditions are not met). Steps without conditions follow each other in the
    policy's order; a step with conditions is offered as soon as its conditions are met.
    """
    actions = {}
    for a in case.step_actions.select_related("letter").order_by("at", "id"):
        actions.setdefault(a.step_id, a)
    categories = case.finding_categories()
    assessments = case.assessments
    rows = []
    blocker = None
    for step in steps_for(case):
        action = actions.get(step.step_id)
        row = {"step": step, "action": action, "conditional": step.is_conditional, "opens_when": ""}
        if action is not None:
            row["state"] = action.status
        elif step.is_conditional:
            if step.opens_for(categories, assessments):
                row["state"] = "available"
                matched = sorted((set(step.conditions.get("categories", ())) & categories) | (set(step.conditions.get("assessments", ())) & set(assessments)))
                row["opens_when"] = "Open because of: " + ", ".join(matched) + "."
            else:
                row["state"] = "closed"
                row["opens_when"] = _conditions_text(step)
        elif blocker is None:
            row["state"] = "available"
        else:
            row["state"] = "waiting"
            row["opens_when"] = f"Opens when step {blocker.order} ({blocker.title}) is done or skipped."
        if not step.is_conditional and action is None and blocker is None:
            blocker = step
        if not case.is_open and row["state"] in {"available", "waiting"}:
            row["state"] = "case closed"
        rows.append(row)
    return rows


def current_step(case):
    for row in ladder(case):
        if row["state"] == "available" and not row["conditional"]:
            return row["step"]
    return None


def _step_row(case, step_id):
    for row in ladder(case):
        if row["step"].step_id == step_id:
            return row
    raise CaseError("That step is not part of the school's procedure.")


def take_step(case, *, step_id, actor, outcome: str, letter=None) -> StepAction:
    outcome = (outcome or "").strip()
    if not outcome:
        raise CaseError("Say what the outcome of the step was.")
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        row = _step_row(case, step_id)
        if row["state"] != "available":
            raise CaseError(f"“{row['step'].title}” cannot be taken now: it is {row['state']}. {row['opens_when']}".strip())
        step = row["step"]
        action = StepAction.objects.create(
            case=case, step_id=step.step_id, step_title=step.title, step_order=step.order, status=StepAction.Status.DONE,
            outcome=outcome[:MAX_TEXT], letter=letter, by=actor, by_label=_label(actor),
        )
        record("case.step", actor=actor, school=case.school, target=case, summary=f"{case.reference}: step {step.order} “{step.title}” done", step=step.step_id, outcome=outcome[:300])
        return action


def skip_step(case, *, step_id, actor, reason: str) -> StepAction:
    reason = (reason or "").strip()
    if not reason:
        raise CaseError("Skipping a step needs a reason.")
    with transaction.atomic():
        case = _lock(case)
        _require_open(case)
        row = _step_row(case, step_id)
        if row["state"] not in {"available", "waiting"}:
            raise CaseError(f"“{row['step'].title}” cannot be skipped: it is {row['state']}.")
        step = row["step"]
        action = StepAction.objects.create(
            case=case, step_id=step.step_id, step_title=step.title, step_order=step.order, status=StepAction.Status.SKIPPED,
            reason=reason[:MAX_TEXT], by=actor, by_label=_label(actor),
        )
        record("case.step_skip", actor=actor, school=case.school, target=case, summary=f"{case.reference}: step {step.order} “{step.title}” skipped", step=step.step_id, reason=reason[:300])
        return action


# --- deadlines ------------------------------------------------------------------------------------

def add_deadline(case, *, kind, due_at, letter=None, actor=None) -> Deadline:
    deadline = Deadline.objects.create(case=case, kind=kind, due_at=due_at, letter=letter)
    record("case.deadline", actor=actor, school=case.school, target=case, summary=f"{case.reference}: {deadline.get_kind_display()} {timezone.localtime(due_at):%d %b %Y %H:%M}", kind=kind, due_at=due_at)
    transaction.on_commit(lambda: schedule_reminder(deadline.pk))
    return deadline


def schedule_reminder(deadline_id: int):
    from .tasks import remind_deadline

    deadline = Deadline.objects.filter(pk=deadline_id).first()
    if deadline is None:
        return None
    task = remind_deadline
    if task.get_backend().supports_defer:
        task = task.using(run_after=deadline.due_at)
    # A backend that cannot defer runs it now; the task does nothing before the due time and the
    # daily job catches up.
    result = task.enqueue(deadline_id)
    Deadline.objects.filter(pk=deadline_id).update(task_id=str(result.id)[:100])
    return result


def send_due_reminder(deadline_id: int) -> bool:
    """Remind the case's staff of a deadline that has passed unmet; once only. True when sent."""
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().select_related("case__school").filter(pk=deadline_id).first()
        if deadline is None or deadline.met_at is not None or deadline.reminded_at is not None:
            return False
        if deadline.due_at > timezone.now() or not deadline.case.is_open:
            return False
        case = deadline.case
        deadline.reminded_at = timezone.now()
        deadline.save(update_fields=["reminded_at"])
        record("case.deadline_due", school=case.school, target=case, summary=f"{case.reference}: {deadline.get_kind_display().lower()} {timezone.localtime(deadline.due_at):%d %b %Y} has passed")
        emails = {u.email for u in (case.assigned_to, case.opened_by) if u is not None and u.email}
        if case.school.headteacher_email:
            emails.add(case.school.headteacher_email)
        if emails:
            subject = f"{case.reference}: {deadline.get_kind_display().lower()} has passed"
            body = (f"{deadline.get_kind_display()} {timezone.localtime(deadline.due_at):%d %B %Y} on case {case.reference} "
                    f"({case.subject_name}) has passed. Open the case in Schoolgate to record what happened and the next step.")
            transaction.on_commit(lambda: _mail(subject, body, sorted(emails)))
        return True


def _mail(subject, body, to):
    from django.core.mail import send_mail

    try:
        send_mail(subject, body, None, to)
    except Exception as exc:  # a mail relay being down must not undo the reminder record
        log.warning("case reminder e-mail failed: %s", exc)


def meet_deadline(deadline: Deadline, *, actor, note: str = "") -> Deadline:
    with transaction.atomic():
        _lock(deadline.case)
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.met_at is not None:
            raise CaseError("That deadline is already marked as dealt with.")
        deadline.met_at, deadline.met_by, deadline.met_note = timezone.now(), actor, (note or "")[:300]
        deadline.save(update_fields=["met_at", "met_by", "met_note"])
        CaseEvent.objects.create(case=deadline.case, kind="deadline_met", text=f"{deadline.get_kind_display()}: dealt with" + (f" — {note}" if note else ""), by=actor, by_label=_label(actor))
        record("case.deadline_met", actor=actor, school=deadline.case.school, target=deadline.case, summary=f"{deadline.case.reference}: {deadline.get_kind_display().lower()} dealt with")
        return deadline


def overdue_deadlines(cases):
    return Deadline.objects.filter(case__in=cases, case__status=Case.Status.OPEN, met_at__isnull=True, due_at__lt=timezone.now()).select_related("case")
