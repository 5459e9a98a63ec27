"""Letters: drafted from the case and the school's policy, edited by staff, sent as a PDF on the letterhead.

A draft is edited freely and previewed as it stands on screen; sending renders the PDF, stores it with its
SHA-256, delivers it (e-mail with the PDF attached, or a named member of staff marks it posted or handed
over), records the step as done, creates the deadline (and its reminder) and, for the restriction notice,
applies the restriction on the school channel. After that the letter is frozen.

A letter is addressed from the roster: the postal address, the e-mail address and "Dear Mrs Bennett"
(title and surname where the roster knows a title, the full name otherwise).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.channel.errors import ChannelError
from schoolgate.channel.restrictions import restrict
from schoolgate.mail import send_after_commit
from schoolgate.pdf import render_pdf
from schoolgate.schools.models import actor_label

from . import evidence as ev
from .audit_events import AuditEvent
from .deadlines import add_deadline
from .errors import CaseError, LetterChanged
from .ladder import StepState, step_row
from .locking import lock_case, lock_open_case
from .models import Deadline, Letter
from .platforms import detect, platform
from .steps import record_step_done

PARENT_LETTERS = {Letter.Kind.REMOVAL_REQUEST, Letter.Kind.MEETING_INVITATION, Letter.Kind.WARNING, Letter.Kind.RESTRICTION_NOTICE}
DEFAULT_DAYS = {Letter.Kind.REMOVAL_REQUEST: 2, Letter.Kind.WARNING: 7, Letter.Kind.MEETING_INVITATION: 5, Letter.Kind.RESTRICTION_NOTICE: 28}
DEADLINE_KINDS = {
    Letter.Kind.REMOVAL_REQUEST: Deadline.Kind.REMOVAL,
    Letter.Kind.WARNING: Deadline.Kind.REMOVAL,
    Letter.Kind.MEETING_INVITATION: Deadline.Kind.MEETING,
    Letter.Kind.RESTRICTION_NOTICE: Deadline.Kind.RESTRICTION_ENDS,
}


def clause_choices(case):
    version = case.school.current_policy() or case.policy_version
    if version is None:
        return []
    return [(c.clause_id, f"{c.heading}: {c.text}" if c.heading else c.text) for c in version.clauses.all()]


def evidence_choices(case):
    return [(str(e.pk), f"{e.number} {e.get_kind_display()}: {e.label or e.original_name or e.url or e.text[:60]}") for e in case.evidence.all()]


def resolve_context(case, clause_ids, evidence_ids, extra=None) -> dict:
    version = case.school.current_policy() or case.policy_version
    clauses = []
    if version is not None:
        by_id = {c.clause_id: c for c in version.clauses.all()}
        clauses = [{"id": cid, "heading": by_id[cid].heading, "text": by_id[cid].text} for cid in clause_ids if cid in by_id]
    items = []
    for e in case.evidence.filter(pk__in=[int(i) for i in evidence_ids]):
        items.append({
            "id": e.pk, "number": e.number, "kind": e.kind, "label": e.label, "text": e.text, "url": e.url,
            "seen_on": f"{e.seen_on:%-d %B %Y}" if e.seen_on else "", "sha256": e.sha256, "size": e.size,
            "content_type": e.content_type, "original_name": e.original_name,
            "added_at": timezone.localtime(e.added_at).strftime("%-d %B %Y, %H:%M"),
        })
    return {**(extra or {}), "clauses": clauses, "evidence": items}


def _default_body(case, kind, step) -> str:
    return render_to_string(f"cases/letters/body_{kind}.txt", {"case": case, "school": case.school, "step": step}).strip()


def draft_letter(case, *, step_id: str, actor) -> Letter:
    """A draft for the step's letter, pre-filled from the case; any step with a letter, taken or available."""
    with transaction.atomic():
        case = lock_open_case(case)
        row = step_row(case, step_id)
        step = row.step
        if not step.letter:
            raise CaseError(f"The step “{step.title}” has no letter.")
        if step.letter not in Letter.Kind.values:
            raise CaseError(f"The letter '{step.letter}' is not one Schoolgate can write.")
        if row.state not in (StepState.AVAILABLE, StepState.DONE):
            raise CaseError(f"“{step.title}” is not open for this case yet. {row.opens_when}".strip())
        kind = step.letter
        school = case.school
        extra = {"step_title": step.title, "step_text": step.text, "next_steps": next_steps(case, step)}
        email = salutation = ""
        if kind in PARENT_LETTERS:
            recipient, address, email, salutation = parent_contact(case)
        elif kind == Letter.Kind.HOST_REPORT:
            extra["platform"] = found = detect([e.url for e in case.evidence.all()] + [e.label for e in case.evidence.all()] + [case.concern])
            recipient = f"{found['name']} reports team" if found["key"] != "other" else "The site's host (reports team)"
            address, salutation = "", "Dear Sir or Madam"
        else:
            recipient, address, salutation = "The Police", "", "Dear Sir or Madam"
        days = DEFAULT_DAYS.get(kind)
        deadline = None
        if days:
            day = timezone.localdate() + dt.timedelta(days=days)
            hour = 15 if kind == Letter.Kind.MEETING_INVITATION else 17
            deadline = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30 if hour == 15 else 0)))
        letter = Letter.objects.create(
            case=case, kind=kind, step_id=step.step_id, recipient=recipient, recipient_address=address,
            recipient_email=email, salutation=salutation,
            subject=_subject(case, kind), body=_default_body(case, kind, step), deadline=deadline,
            restriction_kind="hold" if kind == Letter.Kind.RESTRICTION_NOTICE else "",
            context=resolve_context(case, case.clause_ids(), [e.pk for e in case.evidence.all()], extra),
            created_by=actor,
        )
        record(AuditEvent.LETTER_DRAFT, actor=actor, school=school, target=letter, summary=f"{case.reference}: drafted {letter.get_kind_display().lower()}", case=case.pk)
        return letter


def parent_contact(case) -> tuple[str, str, str, str]:
    """(name, postal address, e-mail, salutation) of the parent/carer, from the roster where known."""
    person = case.parent
    name = case.subject_name
    if person is None:
        email = case.parent_user.email if case.parent_user is not None else ""
        return name, "", email, f"Dear {name}" if case.parent_name else "Dear Parent/Carer"
    email = person.email or (case.parent_user.email if case.parent_user is not None else "")
    return person.name, person.address, email, person.salutation


def next_steps(case, step) -> list[str]:
    """The titles of the school's own steps after this one: what the letter says may come next."""
    version = case.school.current_policy() or case.policy_version
    if version is None:
        return []
    return [s.title for s in version.steps.all() if s.order > step.order]


def _subject(case, kind) -> str:
    return {
        Letter.Kind.REMOVAL_REQUEST: "Request to remove content posted about the school",
        Letter.Kind.MEETING_INVITATION: "Invitation to a meeting with the Headteacher",
        Letter.Kind.WARNING: "Formal warning: content posted on social media",
        Letter.Kind.HOST_REPORT: f"Report of content breaching your terms — {case.school.name}",
        Letter.Kind.POLICE_REFERRAL: f"Referral summary — {case.school.name}, {case.reference}",
        Letter.Kind.RESTRICTION_NOTICE: "Notice of restriction of access to the school's online forum",
    }[kind]


FIELDS = ("recipient", "recipient_address", "recipient_email", "salutation", "subject", "body", "deadline", "restriction_kind")


def _apply(letter: Letter, data: dict) -> Letter:
    """Put the form's values on the letter (in memory): for saving, or for a preview of what is on screen."""
    for field in FIELDS:
        if field in data:
            setattr(letter, field, data[field] if data[field] is not None else (None if field == "deadline" else ""))
    extra = {k: v for k, v in letter.context.items() if k not in {"clauses", "evidence"}}
    if data.get("platform"):
        extra["platform"] = platform(data["platform"])
    letter.context = resolve_context(letter.case, data.get("clauses", []), data.get("evidence", []), extra)
    return letter


def update_letter(letter: Letter, *, data: dict, actor) -> Letter:
    with transaction.atomic():
        lock_case(letter.case)
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.is_sent:
            raise CaseError("This letter has been sent and can no longer be changed. Draft a new one.")
        _apply(letter, data)
        letter.save()
        record(AuditEvent.LETTER_EDIT, actor=actor, school=letter.case.school, target=letter, summary=f"{letter.case.reference}: edited draft {letter.get_kind_display().lower()}")
        return letter


def preview_letter(letter: Letter, *, data: dict) -> bytes:
    """The PDF of the letter as it stands on screen; nothing is saved."""
    if letter.is_sent:
        raise CaseError("This letter has been sent; download the PDF that was sent.")
    return render_letter(_apply(Letter.objects.get(pk=letter.pk), data))


def _letterhead_lines(school) -> list[str]:
    """The letterhead's lines, the school's name once (older letterheads repeat it above the address)."""
    lines = [line.strip() for line in school.letterhead.splitlines() if line.strip()]
    if not lines:
        lines = [school.name, *[a.strip() for a in school.address.splitlines() if a.strip()]]
        if school.phone or school.email:
            lines.append(" · ".join(filter(None, [f"Tel {school.phone}" if school.phone else "", school.email])))
    out: list[str] = []
    for line in lines:
        if not out or line.casefold() != out[-1].casefold():
            out.append(line)
    return out


def render_letter(letter: Letter, *, sent_at=None) -> bytes:
    case = letter.case
    context = {
        "letter": letter, "case": case, "school": case.school, "ctx": letter.context,
        "date": timezone.localdate(sent_at) if sent_at else timezone.localdate(),
        "paragraphs": [p.strip() for p in letter.body.split("\n\n") if p.strip()],
        "deadline": timezone.localtime(letter.deadline) if letter.deadline else None,
        "draft": not letter.is_sent and sent_at is None,
        "letterhead": _letterhead_lines(case.school),
        "salutation": letter.salutation or f"Dear {letter.recipient}",
    }
    return render_pdf(f"cases/letters/{letter.kind}.html", context)


def check_delivery(letter: Letter, delivery: str) -> None:
    """A letter goes by a route that can reach its recipient, or it is not sent."""
    if delivery == Letter.Delivery.EMAIL and not letter.recipient_email:
        raise CaseError("There is no e-mail address for this letter. Add one, or post it or hand it over.")
    if delivery == Letter.Delivery.POST and not letter.recipient_address.strip():
        raise CaseError("There is no postal address on this letter, so it cannot be marked as posted. Add the address (the roster page keeps it for next time), or e-mail it or hand it over.")
    if delivery == Letter.Delivery.ONLINE and letter.kind != Letter.Kind.HOST_REPORT:
        raise CaseError("Only a report to the platform is submitted through its reporting route.")
    if delivery not in Letter.Delivery.values:
        raise CaseError("Choose how the letter is sent.")


def fingerprint(letter: Letter) -> str:
    """What the letter says and where it goes: a change to any of it means what was checked (or rendered)
    is not what would be sent."""
    parts = [letter.kind, letter.step_id, letter.recipient, letter.recipient_address, letter.recipient_email, letter.salutation,
             letter.subject, letter.body, letter.deadline.isoformat() if letter.deadline else "", letter.restriction_kind,
             repr(sorted(letter.context.items()))]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _check_sendable(letter: Letter, delivery: str) -> None:
    if letter.is_sent:
        raise CaseError("This letter has already been sent.")
    if letter.kind in {Letter.Kind.MEETING_INVITATION, Letter.Kind.WARNING, Letter.Kind.RESTRICTION_NOTICE} and letter.deadline is None:
        raise CaseError("Set the date in the letter before sending it.")
    if letter.kind == Letter.Kind.WARNING and not letter.context.get("clauses"):
        raise CaseError("A warning letter must quote at least one clause of the policy.")
    check_delivery(letter, delivery)


def send_letter(letter: Letter, *, actor, delivery: str = Letter.Delivery.HAND, checked: str | None = None) -> Letter:
    """Freeze the letter: PDF with its hash, delivered (e-mailed with the PDF after the commit, or marked
    posted or handed over by the actor), the step done, the deadline and reminder, the restriction.

    The PDF is rendered first, outside any transaction (seconds of CPU must not hold the database's write
    lock), from the draft as it stands and its fingerprint; then one short transaction re-reads the letter
    under its row lock and sends it only when it is unchanged and unsent, so the PDF kept is the letter
    sent. `checked` is the fingerprint the member of staff saw on the check page. A letter changed in the
    meantime raises `LetterChanged` and nothing is stored.
    """
    draft = Letter.objects.select_related("case__school").get(pk=letter.pk)
    _check_sendable(draft, delivery)
    if checked is not None and checked != fingerprint(draft):
        raise LetterChanged("The letter changed after you checked it. Check it again before sending.")
    if not draft.case.is_open:
        raise CaseError("This case is closed; nothing more can be added to it.")
    rendered = fingerprint(draft)
    now = timezone.now()
    pdf = render_letter(draft, sent_at=now)
    digest = ev.sha256(pdf)
    with transaction.atomic():
        case = lock_open_case(draft.case)
        letter = Letter.objects.select_for_update().get(pk=draft.pk)
        _check_sendable(letter, delivery)
        if fingerprint(letter) != rendered:
            raise LetterChanged("The letter changed while it was being prepared for sending. Check it again before sending.")
        restriction = None
        if letter.kind == Letter.Kind.RESTRICTION_NOTICE:
            restriction = _apply_restriction(case, letter, actor)
        letter.case = case
        letter.file = ev.store(case, pdf, digest, "pdf", folder="letters")
        letter.size, letter.sha256 = len(pdf), digest
        letter.status, letter.sent_by, letter.sent_at = Letter.Status.SENT, actor, now
        letter.delivery, letter.delivered_by_label = delivery, actor_label(actor)
        if restriction is not None:
            letter.context = {**letter.context, "restriction_id": restriction.pk}
        # The last save a letter gets: the status check in Letter.save() still sees "draft".
        letter.save()
        record(
            AuditEvent.LETTER_SENT, actor=actor, school=case.school, target=letter,
            summary=f"{case.reference}: {letter.get_kind_display().lower()} to {letter.recipient}: {letter.delivery_sentence}",
            case=case.pk, sha256=digest, size=len(pdf), delivery=delivery,
        )
        if delivery == Letter.Delivery.EMAIL:
            _email(letter, pdf)
        row = step_row(case, letter.step_id) if letter.step_id else None
        if row is not None and row.can_take:
            # A letter for a step already done (a second removal request) leaves the ladder as it is.
            record_step_done(case, row, actor=actor, outcome=f"{letter.get_kind_display()} to {letter.recipient}: {letter.delivery_sentence}.", letter=letter)
        kind = DEADLINE_KINDS.get(letter.kind)
        if kind and letter.deadline:
            add_deadline(case, kind=kind, due_at=letter.deadline, letter=letter, actor=actor)
        return letter


def _email(letter: Letter, pdf: bytes) -> None:
    """The letter goes as a PDF attachment once it is saved; replies reach the school office."""
    school = letter.case.school
    head = school.headteacher_name or "The Headteacher"
    body = (
        f"{letter.salutation or 'Dear ' + letter.recipient},\n\n"
        f"Please find attached a letter from {school.name}: “{letter.subject}” (our reference {letter.case.reference}).\n\n"
        "If you cannot open the attachment, please contact the school office and we will send you a paper copy.\n\n"
        f"Yours sincerely,\n{head}\nHeadteacher, {school.name}\n"
    )
    send_after_commit(letter.subject, body, [letter.recipient_email], reply_to=[school.email],
                      attachments=[(f"{letter.case.reference}-{letter.kind}.pdf", pdf, "application/pdf")])


def _apply_restriction(case, letter, actor):
    if case.parent_user is None:
        raise CaseError("The restriction needs a parent/carer with a Schoolgate account; this case's parent has none.")
    if letter.restriction_kind not in {"hold", "no_comment"}:
        raise CaseError("Choose the restriction before sending the notice.")
    ends_on = timezone.localdate(letter.deadline)
    clauses = ", ".join(c["heading"] or c["id"] for c in letter.context.get("clauses", ())) or "the school's social media policy"
    try:
        return restrict(
            case.school, user=case.parent_user, kind=letter.restriction_kind,
            reason=f"{case.reference}: notice of restriction under {clauses}", ends_on=ends_on, actor=actor,
        )
    except ChannelError as exc:  # the channel's own message explains it
        raise CaseError(f"The restriction could not be applied: {exc}") from exc
