"""What the school does about a scanned chat: open a case from a finding, ask the group's administrator
to close the group (the policy: "The headteacher can request that 'group chats' are closed down")."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.cases.opening import open_case

from .audit_events import AuditEvent
from .models import ChatFinding, ChatMessage, ChatScan, ClosureRequest
from .pdf import closure_letter_pdf
from .people import shown_names

log = logging.getLogger(__name__)


def _line(m: ChatMessage | None, names: dict[str, str]) -> str:
    if m is None:
        return ""
    when = timezone.localtime(m.timestamp).strftime("%d/%m/%Y %H:%M")
    who = names.get(m.author, m.author) if m.author else "(system)"
    return f"[{when}] {who}: {m.text}"


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
            concern=f"Group chat message breaching the policy ({', '.join(categories)}; clause {finding.clause}).",
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


def send_closure_request(scan: ChatScan, *, actor, administrator_name: str, administrator_email: str, body: str, finding=None) -> ClosureRequest:
    """Save the letter (PDF) and, with an address, e-mail it; `emailed` on the letter says whether it went."""
    pdf = closure_letter_pdf(scan, administrator_name=administrator_name, body=body)
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
