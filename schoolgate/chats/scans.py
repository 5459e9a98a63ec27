"""The stored scan of one upload: run it (or resume it) batch by batch, fail it, finish it, mark it to run again.

The scan commits one batch at a time: its messages, its findings and the checkpoint (`batches_done`) in one
transaction, so a worker killed between batches loses nothing and a resumed scan skips exactly the
committed batches (findings are also unique in the database, so even a replayed batch cannot duplicate one).

This module queues nothing: `tasks` runs `run_scan` in the worker and queues a scan again after `requeue`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.policies.judging import NoPolicy, policy_view_for

from . import scanning
from .audit_events import AuditEvent
from .models import ChatFinding, ChatMessage, ChatScan, Participant
from .parsers import NotAChatExport, UnsafeArchive, parse_with_info
from .people import ParentMatcher
from .scanning import aware

log = logging.getLogger(__name__)


class ScanError(ValueError):
    """A scan that cannot go on, with a message for the uploader."""


def _open(scan: ChatScan, *, count: bool = False):
    if not scan.file:
        raise ScanError("The original file has been deleted (retention period over); the scan cannot run again.")
    options = {"day_first": scan.day_first, "platform": "signal" if scan.platform == "signal" else None}
    try:
        if count:
            return scanning.count_messages(scan.file.path, **options)
        return parse_with_info(scan.file.path, **options)
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


@transaction.atomic
def _fail(scan: ChatScan, message: str) -> None:
    ChatScan.objects.filter(pk=scan.pk).update(status=ChatScan.Status.FAILED, error=message, finished_at=timezone.now())
    record(AuditEvent.SCAN_FAILED, school=scan.school, target=scan, summary=message[:500])


def _run(scan: ChatScan, after_batch) -> ChatScan:
    policy = policy_view_for(scan.school)
    roster = scan.school.roster()
    now = timezone.now()
    if not scan.messages_total:
        total = _open(scan, count=True)
        if not total:
            raise ScanError("The file holds no messages.")
        scan.messages_total = total
    ChatScan.objects.filter(pk=scan.pk).update(
        status=ChatScan.Status.RUNNING, messages_total=scan.messages_total, error="",
        started_at=scan.started_at or now, heartbeat_at=now,
    )
    if scan.batches_done:
        record(AuditEvent.SCAN_RESUMED, school=scan.school, target=scan,
               summary=f"Scan resumed after {scan.batches_done} committed batch(es) ({scan.messages_done:,} messages)")
    matcher = ParentMatcher(scan.school)

    def judge_author(name):
        person = matcher(name)
        return person.as_judge_person() if person is not None else None

    participants = _Participants(scan, matcher)
    messages, info = _open(scan)
    # Batches committed before the worker died are skipped (their participants' counts are committed too).
    for batch in scanning.scan(messages, policy, roster, batch_size=scan.batch_size, author_of=judge_author,
                               start_batch=scan.batches_done):
        _commit(scan, batch, participants)
        if after_batch is not None:
            after_batch(batch.number)
    return _finish(scan, info)


class _Participants:
    """The scan's Participant rows by author; a new author who is not a parent gets the next number."""

    def __init__(self, scan: ChatScan, matcher: ParentMatcher):
        self.scan, self.matcher = scan, matcher
        self.by_name = {p.name: p for p in scan.participants.all()}
        self.next_number = max([p.number or 0 for p in self.by_name.values()], default=0) + 1

    def get(self, author: str) -> Participant:
        p = self.by_name.get(author)
        if p is None:
            person = self.matcher(author)
            p = Participant.objects.create(scan=self.scan, name=author[:200], person=person,
                                           number=None if person else self.next_number)
            if person is None:
                self.next_number += 1
            self.by_name[author] = p
        return p


@transaction.atomic
def _commit(scan: ChatScan, batch: scanning.JudgedBatch, participants: _Participants) -> None:
    """One batch's messages, findings, participants' counts, daily counts and the checkpoint, together."""
    found = batch.breaches
    # Rows already committed for this batch (a replayed batch): counted once, never twice.
    existing = set(scan.messages.filter(index__gte=batch.messages[0].index, index__lte=batch.done - 1).values_list("index", flat=True))
    fresh = [m for m in batch.messages if m.index not in existing]
    touched = []
    for author, seen in batch.authors(fresh).items():
        p = participants.get(author)
        p.messages += seen.messages
        p.first_at = min(p.first_at, seen.first) if p.first_at else seen.first
        p.last_at = max(p.last_at, seen.last) if p.last_at else seen.last
        touched.append(p)
    Participant.objects.bulk_update(touched, ["messages", "first_at", "last_at"])
    ChatMessage.objects.bulk_create(
        [
            ChatMessage(scan=scan, index=m.index, timestamp=aware(m.timestamp), author=(m.author or "")[:200],
                        text=m.text, kind=m.kind, flagged=m.index in found)
            for m in fresh
        ],
        ignore_conflicts=True,
    )
    by_index = {m.index: m for m in batch.messages}
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
    scanning.merge_counts(counts, batch.daily_counts(fresh))
    scan.batches_done = batch.number + 1
    scan.messages_done = batch.done
    ChatScan.objects.filter(pk=scan.pk).update(
        batches_done=scan.batches_done, messages_done=scan.messages_done, daily_counts=counts,
        heartbeat_at=timezone.now(),
    )


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
        record(AuditEvent.SCAN_FINISHED, school=scan.school, target=scan,
               summary=f"Chat scanned: {info.messages:,} messages, {findings} breach finding(s)")
    scan.refresh_from_db()
    return scan


@transaction.atomic
def requeue(scan: ChatScan, *, actor=None) -> bool:
    """Mark a stalled or failed scan queued again (the caller then queues it: `tasks.resume_scan`)."""
    locked = ChatScan.objects.select_for_update().get(pk=scan.pk)
    if not (locked.is_stalled or locked.status == ChatScan.Status.FAILED) or not locked.file:
        return False
    ChatScan.objects.filter(pk=scan.pk).update(status=ChatScan.Status.QUEUED, error="", heartbeat_at=timezone.now())
    record(AuditEvent.SCAN_REQUEUED, actor=actor, school=scan.school, target=scan,
           summary=f"Scan queued again from batch {locked.batches_done + 1}")
    return True


def stalled():
    """Scans whose worker stopped saving batches (died or restarted)."""
    cutoff = timezone.now() - ChatScan.STALL_AFTER
    return ChatScan.objects.filter(status=ChatScan.Status.RUNNING, heartbeat_at__lt=cutoff).select_related("school")
