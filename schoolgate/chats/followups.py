"""What the school does about a scanned chat: open a case from a finding, ask the group's administrator
to close the group (the policy: "The headteacher can request that 'group chats' are closed down")."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.cases.opening import open_case
from schoolgate.judge.types import category_label
from schoolgate.pdf import render_pdf
from schoolgate.policies.models import Clause
from schoolgate.schools.models import Person

from .audit_events import AuditEvent
from .models import ChatFinding, ChatMessage, ChatScan, ClosureRequest
from .people import shown_names

log = logging.getLogger(__name__)


def _line(m: ChatMessage | None, names: dict[str, str]) -> str:
    if m is None:
        return ""
    when = timezone.localtime(m.timestamp).strftime("%d/%m/%Y %H:%M")
    who = names.get(m.author, m.author) if m.author else "(system)"
    return f"[{when}] {who}: {m.text}"


def _clause_words(scan: ChatScan, clause_id: str | None) -> str:
    """The policy's own heading for a clause (never its id): "; Sending abusive messages"."""
    if not clause_id:
        return ""
    clause = Clause.objects.filter(version__school=scan.school, clause_id=clause_id).order_by("-version_id").first()
    words = (clause.heading or clause.text[:80]) if clause is not None else ""
    return f"; {words}" if words else ""


def open_case_from_finding(finding: ChatFinding, *, actor):
    """A case about the message's author, with the message and the ones before and after it as evidence."""
    scan = finding.scan
    names = shown_names(scan)
    messages = {m.index: m for m in scan.messages.filter(index__in=[finding.message_index - 1, finding.message_index, finding.message_index + 1])}
    evidence = "\n".join(
        filter(None, [_line(messages.get(finding.message_index + d), names) for d in (-1, 0, 1)])
    ) or f"[{timezone.localtime(finding.timestamp):%d/%m/%Y %H:%M}] {names.get(finding.author, finding.author)}: {finding.quote}"
    participant = scan.participants.filter(name=finding.author).select_related("person").first()
    person = participant.person if participant else None
    label = f"Message {finding.message_index + 1} in the {scan.platform.title() or 'chat'} group '{scan.title or scan.original_name}', {timezone.localtime(finding.timestamp):%-d %B %Y %H:%M}"
    categories = sorted(set(scan.findings.filter(message_index=finding.message_index).values_list("category", flat=True)))
    with transaction.atomic():
        case = open_case(
            scan.school,
            opened_by=actor,
            concern=f"Group chat message breaching the policy ({', '.join(category_label(c) for c in categories)}"
                    + _clause_words(scan, finding.clause) + ").",
            parent_user=person.user if person is not None else None,
            parent_name=names.get(finding.author, finding.author),
            source="chat_scan",
            evidence_text=evidence,
            evidence_label=label[:300],
        )
        scan.findings.filter(message_index=finding.message_index).update(case_pk=case.pk)
        record(AuditEvent.CASE_OPENED, actor=actor, school=scan.school, target=scan,
               summary=f"Case opened from a chat finding (message {finding.message_index + 1})", case=case.pk, finding=finding.pk)
    return case


def administrator_contact(school, name: str) -> dict:
    """The group administrator as the roster knows them (a parent/carer usually): their postal address,
    e-mail and "Dear Mrs Bennett" greeting; empty values when the name is not on the roster."""
    person = Person.objects.filter(school=school, name__iexact=(name or "").strip()).first() if (name or "").strip() else None
    if person is None:
        return {"address": "", "email": "", "salutation": f"Dear {name.strip()}" if (name or "").strip() else ""}
    return {"address": person.address, "email": person.email, "salutation": person.salutation}


def closure_body_for(school, body: str, administrator_name: str) -> str:
    """The default letter greets the administrator by the name in the export ("Dear Kelly Bennett"); where
    the roster knows a title the greeting becomes "Dear Mrs Bennett". Shown on the form before sending,
    so the letter that goes is the one on screen."""
    contact = administrator_contact(school, administrator_name)
    plain = f"Dear {(administrator_name or '').strip()},"
    if contact["salutation"] and body.startswith(plain):
        return contact["salutation"] + "," + body[len(plain):]
    return body


def closure_letter_pdf(scan: ChatScan, *, administrator_name: str, administrator_address: str, body: str) -> bytes:
    """One A4 page in the case letters' layout: letterhead, the administrator's name and postal address,
    the date in words, a heading, the letter."""
    return render_pdf("chats/closure_letter.html", {
        "scan": scan, "school": scan.school, "administrator": administrator_name,
        "address_lines": [line.strip() for line in administrator_address.replace(";", "\n").splitlines() if line.strip()],
        "body": body, "today": timezone.localdate(),
    })


def send_closure_request(scan: ChatScan, *, actor, administrator_name: str, administrator_email: str, body: str, finding=None,
                         administrator_address: str = "") -> ClosureRequest:
    """Save the letter (PDF) and, with an address, e-mail it; `emailed` on the letter says whether it went."""
    if not administrator_address.strip():
        administrator_address = administrator_contact(scan.school, administrator_name)["address"]
    pdf = closure_letter_pdf(scan, administrator_name=administrator_name, administrator_address=administrator_address, body=body)
    with transaction.atomic():
        letter = ClosureRequest.objects.create(
            scan=scan, finding=finding, administrator_name=administrator_name, administrator_email=administrator_email,
            body=body, pdf=pdf, sent_by=actor,
        )
        record(AuditEvent.CLOSURE_REQUESTED, actor=actor, school=scan.school, target=scan,
               summary=f"Request to close the group chat sent to its administrator {administrator_name}",
               letter=letter.pk, emailed_to=administrator_email)
    if administrator_email:
        _email(letter, scan, pdf)
    return letter


def _email(letter: ClosureRequest, scan: ChatScan, pdf: bytes) -> None:
    # Sent here, after the letter is committed, rather than through `schoolgate.mail.send_after_commit`:
    # that helper only logs a failure, and the Headteacher must be told on the next page whether the
    # request went (`ClosureRequest.emailed`) or has to be sent by hand.
    message = EmailMessage(
        subject=f"{scan.school.name}: request to close the group chat '{scan.title or 'group chat'}'",
        body=letter.body,
        to=[letter.administrator_email],
        reply_to=[scan.school.headteacher_email] if scan.school.headteacher_email else None,
    )
    message.attach("request-to-close-group-chat.pdf", pdf, "application/pdf")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - the letter is saved; the mail can be sent by hand
        log.warning("closure request %s not e-mailed: %s", letter.pk, exc)
        return
    ClosureRequest.objects.filter(pk=letter.pk).update(emailed=True)
    letter.emailed = True
