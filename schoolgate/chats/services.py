"""Chat scans' state changes: record permission and upload, run/resume the scan, purge, reveal, follow-ups.

Every change is a transaction that writes the audit log. The scan commits one batch at a time: its messages,
its findings and the checkpoint (`batches_done`) in one transaction, so a worker killed between batches
loses nothing and a resumed scan skips exactly the committed batches (findings are also unique in the
database, so even a replayed batch cannot duplicate one).
"""

from __future__ import annotations

import hashlib
import os
import logging
import secrets
from datetime import datetime, timedelta

from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.policies.judging import NoPolicy, policy_view_for
from schoolgate.schools.models import Person

from . import scanning
from .models import ChatFinding, ChatMessage, ChatPermission, ChatScan, ClosureRequest, Participant
from .parsers import NotAChatExport, UnsafeArchive, parse_with_info
from .parsers.source import title_from_name

log = logging.getLogger(__name__)


class ScanError(ValueError):
    """A scan that cannot go on, with a message for the uploader."""


def aware(ts: datetime) -> datetime:
    """WhatsApp times are the phone's local time; read them as the school's (Europe/London)."""
    return timezone.make_aware(ts) if timezone.is_naive(ts) else ts


# --- upload -------------------------------------------------------------------------------------------

def record_upload(school, *, user, permission: dict, upload, day_first: bool | None, administrator: str = "", platform: str = "") -> ChatScan:
    """Save the permission and the file (already validated by the form), queue nothing yet."""
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    parent_person = match_parent(school, permission["parent_name"])
    with transaction.atomic():
        consent = ChatPermission.objects.create(school=school, recorded_by=user, parent_person=parent_person, **permission)
        scan = ChatScan(
            school=school,
            permission=consent,
            token=secrets.token_hex(16),
            uploaded_by=user,
            original_name=(upload.name or "upload")[:255],
            size=size,
            sha256=digest.hexdigest(),
            day_first=day_first,
            administrator=administrator,
            platform=platform,
            title=(title_from_name(os.path.basename(upload.name or "")) or "")[:300],
            purge_due=timezone.localdate() + timedelta(days=school.chat_file_retention_days),
        )
        scan.file.save("upload", File(upload), save=False)
        scan.save()
        record(
            "chats.permission_recorded", actor=user, school=school, target=consent,
            summary=f"Permission from {consent.parent_name} ({consent.get_relation_display()}) to view a group chat",
            given_on=consent.given_on, scope=consent.scope, purpose=consent.purpose,
        )
        record(
            "chats.uploaded", actor=user, school=school, target=scan,
            summary=f"Chat export uploaded ({size:,} bytes); original kept until {scan.purge_due:%-d %B %Y}",
            sha256=scan.sha256, permission=consent.pk, purge_due=scan.purge_due,
        )
    return scan


def enqueue_scan(scan: ChatScan) -> None:
    """Hand the scan to the background worker (the immediate backend in tests runs it here and now)."""
    from .tasks import scan_chat

    result = scan_chat.enqueue(scan.pk)
    ChatScan.objects.filter(pk=scan.pk).update(task_id=str(result.id)[:64])


# --- participants ------------------------------------------------------------------------------------

class ParentMatcher:
    """Is this chat author a parent/carer of the school? By roster name or alias, or by phone number."""

    def __init__(self, school):
        self.by_key: dict[str, Person] = {}
        for person in Person.objects.filter(school=school, kind=Person.Kind.PARENT):
            for value in [person.name, *person.aliases]:
                key = scanning.author_key(str(value))
                if key:
                    self.by_key.setdefault(key, person)

    def __call__(self, author: str) -> Person | None:
        return self.by_key.get(scanning.author_key(author))


def match_parent(school, name: str) -> Person | None:
    return ParentMatcher(school)(name)


# --- the scan -----------------------------------------------------------------------------------------

def _open(scan: ChatScan):
    if not scan.file:
        raise ScanError("The original file has been deleted (retention period over); the scan cannot run again.")
    try:
        return parse_with_info(scan.file.path, day_first=scan.day_first, platform="signal" if scan.platform == "signal" else None)
    except (NotAChatExport, UnsafeArchive) as exc:
        raise ScanError(str(exc)) from None
    except OSError as exc:
        raise ScanError(f"The uploaded file cannot be read ({exc.strerror or exc}).") from None


def run_scan(scan_pk: int, *, after_batch=None) -> ChatScan:
    """Scan (or resume scanning) one upload. `after_batch(number)` is called after each committed batch."""
    scan = ChatScan.objects.select_related("school").get(pk=scan_pk)
    if scan.status == ChatScan.Status.DONE:
        return scan
    try:
        return _run(scan, after_batch)
    except (ScanError, NoPolicy) as exc:
        _fail(scan, str(exc))
    except Exception as exc:  # noqa: BLE001 - any other error: keep what was committed, say so, allow a retry
        log.exception("chat scan %s failed", scan.pk)
        _fail(scan, f"The scan stopped unexpectedly ({type(exc).__name__}). What was scanned is kept; it can be resumed.")
    scan.refresh_from_db()
    return scan


def _fail(scan: ChatScan, message: str) -> None:
    with transaction.atomic():
        ChatScan.objects.filter(pk=scan.pk).update(status=ChatScan.Status.FAILED, error=message, finished_at=timezone.now())
        record("chats.scan_failed", school=scan.school, target=scan, summary=message[:500])


def _count(scan: ChatScan) -> int:
    messages, info = _open(scan)
    for _ in messages:
        pass
    return info.messages


def _run(scan: ChatScan, after_batch) -> ChatScan:
    policy = policy_view_for(scan.school)
    roster = scan.school.roster()
    now = timezone.now()
    if not scan.messages_total:
        # A counting pass first (the parsers are fast; the judge is the slow part) so progress means something.
        total = _count(scan)
        if not total:
            raise ScanError("The file holds no messages.")
        scan.messages_total = total
    ChatScan.objects.filter(pk=scan.pk).update(
        status=ChatScan.Status.RUNNING, messages_total=scan.messages_total, error="",
        started_at=scan.started_at or now, heartbeat_at=now,
    )
    resumed_at = scan.batches_done
    if resumed_at:
        record("chats.scan_resumed", school=scan.school, target=scan,
               summary=f"Scan resumed after {resumed_at} committed batch(es) ({scan.messages_done:,} messages)")
    matcher = ParentMatcher(scan.school)

    def judge_author(name):
        person = matcher(name)
        return person.as_judge_person() if person is not None else None
    participants = {p.name: p for p in scan.participants.all()}
    next_number = max([p.number or 0 for p in participants.values()], default=0) + 1
    messages, info = _open(scan)
    size = scan.batch_size
    for number, batch in scanning.batches(messages, size):
        if number < scan.batches_done:
            # Committed before the worker died; the participants' counts for it are committed too.
            continue
        found = scanning.judge_messages(batch, policy, roster, author_of=judge_author)
        with transaction.atomic():
            # Rows already committed for this batch (a replayed batch): counted once, never twice.
            existing = set(scan.messages.filter(index__gte=batch[0].index, index__lte=batch[-1].index).values_list("index", flat=True))
            fresh = [m for m in batch if m.index not in existing]
            touched = {}
            for m in fresh:
                if m.author is None:
                    continue
                p = participants.get(m.author)
                if p is None:
                    person = matcher(m.author)
                    p = Participant.objects.create(
                        scan=scan, name=m.author[:200], person=person, number=None if person else next_number,
                    )
                    if person is None:
                        next_number += 1
                    participants[m.author] = p
                ts = aware(m.timestamp)
                p.messages += 1
                p.first_at = min(p.first_at, ts) if p.first_at else ts
                p.last_at = max(p.last_at, ts) if p.last_at else ts
                touched[p.pk] = p
            Participant.objects.bulk_update(touched.values(), ["messages", "first_at", "last_at"])
            ChatMessage.objects.bulk_create(
                [
                    ChatMessage(scan=scan, index=m.index, timestamp=aware(m.timestamp), author=(m.author or "")[:200],
                                text=m.text, kind=m.kind, flagged=m.index in found)
                    for m in fresh
                ],
                ignore_conflicts=True,
            )
            by_index = {m.index: m for m in batch}
            ChatFinding.objects.bulk_create(
                [
                    ChatFinding(scan=scan, message_index=b.message_index, category=b.category, clause=b.clause,
                                start=b.start, end=b.end, score=b.score, quote=b.quote,
                                author=(by_index[b.message_index].author or "")[:200],
                                timestamp=aware(by_index[b.message_index].timestamp))
                    for breaches in found.values() for b in breaches
                ],
                ignore_conflicts=True,
            )
            counts = dict(ChatScan.objects.select_for_update().get(pk=scan.pk).daily_counts)
            for m in fresh:
                day = aware(m.timestamp).astimezone(timezone.get_current_timezone()).date().isoformat()
                pair = counts.setdefault(day, [0, 0])
                pair[0] += 1
                pair[1] += len(found.get(m.index, ()))
            scan.batches_done = number + 1
            scan.messages_done = batch[-1].index + 1
            ChatScan.objects.filter(pk=scan.pk).update(
                batches_done=scan.batches_done, messages_done=scan.messages_done, daily_counts=counts,
                heartbeat_at=timezone.now(),
            )
        if after_batch is not None:
            after_batch(number)
    return _finish(scan, info)


def _finish(scan: ChatScan, info) -> ChatScan:
    administrator = scan.administrator
    if not administrator:
        creator = scan.messages.filter(kind="system", text__contains=" created group").order_by("index").first()
        if creator is not None:
            administrator = creator.text.split(" created group", 1)[0].strip()[:200]
    with transaction.atomic():
        ChatScan.objects.filter(pk=scan.pk).update(
            status=ChatScan.Status.DONE,
            finished_at=timezone.now(),
            messages_total=info.messages,
            messages_done=info.messages,
            platform=scan.platform or info.platform,
            title=(info.title or scan.title or "")[:300],
            administrator=administrator,
            period_start=aware(info.start) if info.start else None,
            period_end=aware(info.end) if info.end else None,
            participant_count=scan.participants.count(),
            date_order_note=" ".join(info.warnings),
        )
        findings = scan.findings.count()
        record("chats.scan_finished", school=scan.school, target=scan,
               summary=f"Chat scanned: {info.messages:,} messages, {findings} breach finding(s)")
    scan.refresh_from_db()
    return scan


def resume_scan(scan: ChatScan, *, actor=None) -> bool:
    """Queue a stalled or failed scan again; it continues after its last committed batch."""
    with transaction.atomic():
        locked = ChatScan.objects.select_for_update().get(pk=scan.pk)
        if not (locked.is_stalled or locked.status == ChatScan.Status.FAILED) or not locked.file:
            return False
        ChatScan.objects.filter(pk=scan.pk).update(status=ChatScan.Status.QUEUED, error="", heartbeat_at=timezone.now())
        record("chats.scan_requeued", actor=actor, school=scan.school, target=scan,
               summary=f"Scan queued again from batch {locked.batches_done + 1}")
    enqueue_scan(scan)
    return True


def resume_stalled(stdout=None) -> int:
    resumed = 0
    cutoff = timezone.now() - ChatScan.STALL_AFTER
    for scan in ChatScan.objects.filter(status=ChatScan.Status.RUNNING, heartbeat_at__lt=cutoff).select_related("school"):
        if resume_scan(scan):
            resumed += 1
            if stdout is not None:
                stdout.write(f"{scan.school.name}: resumed stalled chat scan {scan.pk}")
    return resumed


# --- data minimisation -------------------------------------------------------------------------------

def purge(scan: ChatScan) -> int:
    """Delete the original file and every message that is neither flagged nor next to a flagged one."""
    flagged = list(scan.messages.filter(flagged=True).values_list("index", flat=True))
    flagged += list(scan.findings.values_list("message_index", flat=True))
    keep = set()
    for i in flagged:
        keep.update((i - 1, i, i + 1))
    with transaction.atomic():
        deleted, _ = scan.messages.exclude(index__in=keep).delete() if len(keep) < 900 else _delete_except(scan, keep)
        name = scan.file.name
        if scan.file:
            scan.file.delete(save=False)
        ChatScan.objects.filter(pk=scan.pk).update(file="", purged_at=timezone.now())
        record("chats.purged", school=scan.school, target=scan,
               summary=f"Retention period over: original file deleted, {deleted:,} unflagged message(s) deleted, {len(keep & set(scan.messages.values_list('index', flat=True))):,} kept",
               file=name)
    return deleted


def _delete_except(scan, keep: set[int]):
    # Very large scans: delete by index ranges between kept messages instead of a huge NOT IN list.
    deleted, prev = 0, -1
    for i in sorted(keep) + [10**12]:
        if i > prev + 1:
            n, _ = scan.messages.filter(index__gt=prev, index__lt=i).delete()
            deleted += n
        prev = i
    return deleted, {}


def purge_due(today=None, stdout=None) -> int:
    today = today or timezone.localdate()
    done = 0
    for scan in ChatScan.objects.filter(purge_due__lte=today, purged_at__isnull=True).exclude(
        status__in=[ChatScan.Status.QUEUED]
    ).select_related("school"):
        if scan.status == ChatScan.Status.RUNNING and not scan.is_stalled:
            continue  # still being scanned: the next day's run purges it
        n = purge(scan)
        if scan.status == ChatScan.Status.RUNNING:
            ChatScan.objects.filter(pk=scan.pk).update(
                status=ChatScan.Status.FAILED, error="The retention period ended before the scan finished; the original was deleted."
            )
        done += 1
        if stdout is not None:
            stdout.write(f"{scan.school.name}: chat '{scan}' past its retention date: original deleted, {n:,} message(s) removed")
    return done


# --- people ------------------------------------------------------------------------------------------

def reveal(participant: Participant, *, actor, reason: str) -> None:
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.revealed_at or locked.is_parent:
            return
        Participant.objects.filter(pk=locked.pk).update(revealed_by=actor, revealed_at=timezone.now())
        record("chats.participant_revealed", actor=actor, school=locked.scan.school, target=locked.scan,
               summary=f"Participant {locked.number} in a scanned chat revealed", reason=reason, participant=locked.number)


# --- follow-ups --------------------------------------------------------------------------------------

def _line(m: ChatMessage | None, names: dict[str, str]) -> str:
    if m is None:
        return ""
    when = timezone.localtime(m.timestamp).strftime("%d/%m/%Y %H:%M")
    who = names.get(m.author, m.author) if m.author else "(system)"
    return f"[{when}] {who}: {m.text}"


def shown_names(scan: ChatScan) -> dict[str, str]:
    return {p.name: p.shown_name for p in scan.participants.all()}


def open_case_from_finding(finding: ChatFinding, *, actor):
    from schoolgate.cases.services import open_case  # the cases app: imported when used

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
        record("chats.case_opened", actor=actor, school=scan.school, target=scan,
               summary=f"Case opened from a chat finding (message {finding.message_index + 1})", case=case.pk, finding=finding.pk)
    return case


def send_closure_request(scan: ChatScan, *, actor, administrator_name: str, administrator_email: str, body: str, finding=None) -> ClosureRequest:
    from .pdf import closure_letter_pdf

    pdf = closure_letter_pdf(scan, administrator_name=administrator_name, body=body)
    with transaction.atomic():
        letter = ClosureRequest.objects.create(
            scan=scan, finding=finding, administrator_name=administrator_name, administrator_email=administrator_email,
            body=body, pdf=pdf, sent_by=actor,
        )
        record("chats.closure_requested", actor=actor, school=scan.school, target=scan,
               summary=f"Request to close the group chat sent to its administrator {administrator_name}",
               letter=letter.pk, emailed_to=administrator_email)
    if administrator_email:
        from django.core.mail import EmailMessage

        message = EmailMessage(
            subject=f"{scan.school.name}: request to close the group chat '{scan.title or 'group chat'}'",
            body=body,
            to=[administrator_email],
            reply_to=[scan.school.headteacher_email] if scan.school.headteacher_email else None,
        )
        message.attach("request-to-close-group-chat.pdf", pdf, "application/pdf")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - the letter is saved; the mail can be sent by hand
            log.warning("closure request %s not e-mailed: %s", letter.pk, exc)
        else:
            ClosureRequest.objects.filter(pk=letter.pk).update(emailed=True)
            letter.emailed = True
    return letter
