"""The stored scan of one upload, run by any number of workers at once: split it, claim batches, save them, finish.

How a scan runs (each step is safe to repeat, and any step can die without losing or duplicating anything):
- `run_scan` is one "lane". `tasks.enqueue_scan` queues SCHOOLGATE_SCAN_LANES of them, so a long scan's
  batches run on several task workers together; a lane that finds no work left ends at once.
- The first lane splits the scan (`_prepare`): one counting pass over the file, then one `ScanBatch` row per
  `batch_size` messages. A second lane arriving meanwhile counts too and then finds the rows made.
- A lane claims the lowest pending batch with one conditional UPDATE in its own short transaction
  (`_claim`: the same SQL on SQLite, where the write lock makes it atomic, and PostgreSQL, where the row
  lock does; 0 rows updated means another lane won it). A batch claimed longer ago than
  `ChatScan.STALL_AFTER` belongs to a dead worker and is claimable again.
- Reading and judging a batch happen outside any transaction (CPU work never holds the write lock). Each lane
  keeps its place in the file (`_Reader`): lanes claim batches in order, so a lane reads forward through the
  file once, skipping the others' batches, and reopens it only to go back to a batch a dead worker left.
- Saving a batch is one short transaction (`_save`): the scan row is locked first (saves of one scan take
  turns, so participants and daily counts add up), the batch is marked done only if it is not done
  already (a batch judged twice, after a claim ran out, is saved once), then its messages, findings,
  participants and daily counts; `batches_done`/`messages_done` become the count and sum of done batches.
- The lane that finds every batch done finishes the scan (`_finalise`) under the scan row's lock, only
  if it is still queued or running: two lanes cannot both finish it.

This module queues nothing: `tasks` runs `run_scan` in the worker and queues a scan again after `requeue`.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Greatest
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.policies.judging import NoPolicy, policy_view_for

from . import scanning
from .audit_events import AuditEvent
from .models import ChatFinding, ChatMessage, ChatScan, Participant, ScanBatch
from .parsers import NotAChatExport, UnsafeArchive, parse_with_info, read_info
from .people import ParentMatcher
from .scanning import aware

log = logging.getLogger(__name__)

ACTIVE = (ChatScan.Status.QUEUED, ChatScan.Status.RUNNING)


class ScanError(ValueError):
    """A scan that cannot go on, with a message for the uploader."""


def _options(scan: ChatScan) -> dict:
    return {"day_first": scan.day_first, "platform": "signal" if scan.platform == "signal" else None}


def _unreadable(exc: Exception) -> ScanError:
    if isinstance(exc, (NotAChatExport, UnsafeArchive)):
        return ScanError(str(exc))
    return ScanError(f"The uploaded file cannot be read ({getattr(exc, 'strerror', None) or exc}).")


def _open(scan: ChatScan, *, info: bool = False):
    """The file's messages (an iterator), or with info=True the whole file's ChatInfo (a full pass)."""
    if not scan.file:
        raise ScanError("The original file has been deleted (retention period over); the scan cannot run again.")
    try:
        if info:
            return read_info(scan.file.path, **_options(scan))
        return parse_with_info(scan.file.path, **_options(scan))[0]
    except (NotAChatExport, UnsafeArchive, OSError) as exc:
        raise _unreadable(exc) from None


def run_scan(scan_pk: int, *, after_batch=None) -> ChatScan:
    """One lane of one upload's scan: split it if nobody has, then claim, judge and save batches until none is
    left, and finish the scan if every batch is saved. Any number of lanes may run at once, in any processes.
    `after_batch(number)` is called after each batch this lane saved."""
    scan = ChatScan.objects.select_related("school").get(pk=scan_pk)
    if scan.status not in ACTIVE:
        return scan  # done, or failed (a person or the daily job queues it again: `requeue`)
    lane = uuid.uuid4().hex
    try:
        _prepare(scan)
        _lane(scan, lane, after_batch)
        _finalise(scan)
    except (ScanError, NoPolicy) as exc:
        _fail(scan, lane, str(exc))
    except Exception as exc:  # noqa: BLE001 - any other error: keep what was saved, say so, allow a retry
        log.exception("chat scan %s failed", scan.pk)
        _fail(scan, lane, f"The scan stopped unexpectedly ({type(exc).__name__}). What was scanned is kept; it can be resumed.")
    scan.refresh_from_db()
    return scan


@transaction.atomic
def _fail(scan: ChatScan, lane: str, message: str) -> None:
    locked = ChatScan.objects.select_for_update().get(pk=scan.pk)  # the scan row first, as every writer here
    # This lane's batch goes back to the others at once (a dead worker's waits for its claim to run out).
    ScanBatch.objects.filter(scan=scan, status=ScanBatch.Status.CLAIMED, claimed_by=lane).update(
        status=ScanBatch.Status.PENDING, claimed_by="", claimed_at=None)
    if locked.status not in ACTIVE:
        return  # already failed by another lane (or finished): one failure recorded, not one per lane
    ChatScan.objects.filter(pk=scan.pk).update(status=ChatScan.Status.FAILED, error=message, finished_at=timezone.now())
    record(AuditEvent.SCAN_FAILED, school=scan.school, target=scan, summary=message[:500])


def _prepare(scan: ChatScan) -> None:
    """Split the scan into batches (once), and mark it running."""
    if not ScanBatch.objects.filter(scan=scan).exists():
        info = _open(scan, info=True)  # the counting pass, outside any transaction
        if not info.messages:
            raise ScanError("The file holds no messages.")
        size = max(1, scan.batch_size)
        with transaction.atomic():
            locked = ChatScan.objects.select_for_update().get(pk=scan.pk)
            if not ScanBatch.objects.filter(scan=scan).exists():
                # A scan begun before batches had rows saved its first `batches_done` batches in order.
                ScanBatch.objects.bulk_create([
                    ScanBatch(scan=scan, number=n, first_index=first, messages=min(size, info.messages - first),
                              status=ScanBatch.Status.DONE if n < locked.batches_done else ScanBatch.Status.PENDING)
                    for n, first in enumerate(range(0, info.messages, size))
                ])
                ChatScan.objects.filter(pk=scan.pk).update(
                    messages_total=info.messages,
                    platform=scan.platform or info.platform,
                    title=(info.title or scan.title or "")[:300],
                    period_start=aware(info.start) if info.start else None,
                    period_end=aware(info.end) if info.end else None,
                    date_order_note=" ".join(info.warnings),
                )
    now = timezone.now()
    # Only the lane that moves the scan from queued to running says it started (or resumed): one entry, not K.
    if ChatScan.objects.filter(pk=scan.pk, status=ChatScan.Status.QUEUED).update(
            status=ChatScan.Status.RUNNING, error="", started_at=scan.started_at or now, heartbeat_at=now):
        saved = ScanBatch.objects.filter(scan=scan, status=ScanBatch.Status.DONE).aggregate(n=Count("pk"), m=Sum("messages"))
        if saved["n"]:
            record(AuditEvent.SCAN_RESUMED, school=scan.school, target=scan,
                   summary=f"Scan resumed after {saved['n']} saved batch(es) ({saved['m'] or 0:,} messages)")


def _lane(scan: ChatScan, lane: str, after_batch) -> None:
    policy = policy_view_for(scan.school)
    roster = scan.school.roster()
    matcher = ParentMatcher(scan.school)

    def judge_author(name):
        person = matcher(name)
        return person.as_judge_person() if person is not None else None

    reader = _Reader(scan)
    try:
        while (batch := _claim(scan, lane)) is not None:
            messages = reader.read(batch.first_index, batch.messages)
            judged = scanning.JudgedBatch(batch.number, messages,
                                          scanning.judge_messages(messages, policy, roster, author_of=judge_author))
            if _save(scan, batch, judged, matcher) and after_batch is not None:
                after_batch(batch.number)
    finally:
        reader.close()


def _claimable(scan: ChatScan, stale_before):
    return ScanBatch.objects.filter(scan=scan).filter(
        Q(status=ScanBatch.Status.PENDING) | Q(status=ScanBatch.Status.CLAIMED, claimed_at__lt=stale_before))


def _claim(scan: ChatScan, lane: str) -> ScanBatch | None:
    """The lowest claimable batch, now this lane's; None when there is none (or the scan stopped).

    Each claim is one UPDATE ... WHERE (still claimable), in its own transaction, checked by the rows it
    updated: on SQLite the write lock makes it atomic; on PostgreSQL a second lane's UPDATE of the same row
    waits for the first to commit, re-checks the WHERE and updates nothing. Either way one lane wins."""
    while True:
        if not ChatScan.objects.filter(pk=scan.pk, status__in=ACTIVE).exists():
            return None  # failed by another lane: stop claiming (what is saved stays saved)
        now = timezone.now()
        stale = now - ChatScan.STALL_AFTER
        candidates = list(_claimable(scan, stale).order_by("number").values_list("pk", flat=True)[:8])
        if not candidates:
            return None
        for pk in candidates:
            if _claimable(scan, stale).filter(pk=pk).update(
                    status=ScanBatch.Status.CLAIMED, claimed_by=lane, claimed_at=now, claims=F("claims") + 1):
                return ScanBatch.objects.get(pk=pk)


class _Reader:
    """One lane's place in the file. Lanes claim batches in order, so reading forward (and skipping the other
    lanes' batches) reads the file once per lane; going back, to a batch a dead worker left, reopens it."""

    def __init__(self, scan: ChatScan):
        self.scan, self.messages, self.next = scan, None, 0

    def read(self, first: int, count: int) -> list:
        if self.messages is None or first < self.next:
            self.close()
            self.messages, self.next = _open(self.scan), 0
        out = []
        try:
            while self.next < first + count:
                m = next(self.messages, None)
                if m is None:
                    break
                self.next = m.index + 1
                if m.index >= first:
                    out.append(m)
        except (NotAChatExport, UnsafeArchive, OSError) as exc:
            raise _unreadable(exc) from None
        if len(out) != count:
            raise ScanError("The uploaded file has changed since the scan began (a batch of messages is missing).")
        return out

    def close(self) -> None:
        close = getattr(self.messages, "close", None)
        if close is not None:
            close()
        self.messages = None


def _save(scan: ChatScan, batch: ScanBatch, judged: scanning.JudgedBatch, matcher: ParentMatcher) -> bool:
    """One batch's messages, findings, participants' counts, daily counts and its done mark, together.
    False (and nothing written) if another lane saved this batch first."""
    with transaction.atomic():
        locked = ChatScan.objects.select_for_update().get(pk=scan.pk)  # saves of one scan take turns
        now = timezone.now()
        if not ScanBatch.objects.filter(pk=batch.pk).exclude(status=ScanBatch.Status.DONE).update(
                status=ScanBatch.Status.DONE, done_at=now):
            return False
        found = judged.breaches
        # Messages already saved (a batch saved again after its done mark was lost): counted once, never twice.
        existing = set(scan.messages.filter(index__gte=judged.messages[0].index, index__lte=judged.done - 1)
                       .values_list("index", flat=True))
        fresh = [m for m in judged.messages if m.index not in existing]
        _count_participants(scan, judged, fresh, matcher)
        ChatMessage.objects.bulk_create(
            [
                ChatMessage(scan=scan, index=m.index, timestamp=aware(m.timestamp), author=(m.author or "")[:200],
                            text=m.text, kind=m.kind, flagged=m.index in found)
                for m in fresh
            ],
            ignore_conflicts=True,
        )
        by_index = {m.index: m for m in judged.messages}
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
        counts = scanning.merge_counts(dict(locked.daily_counts), judged.daily_counts(fresh))
        done = ScanBatch.objects.filter(scan=scan, status=ScanBatch.Status.DONE).aggregate(n=Count("pk"), m=Sum("messages"))
        ChatScan.objects.filter(pk=scan.pk).update(
            batches_done=done["n"], messages_done=Greatest(F("messages_done"), done["m"] or 0),  # never backwards
            daily_counts=counts, heartbeat_at=now,
        )
    return True


def _count_participants(scan: ChatScan, judged: scanning.JudgedBatch, fresh, matcher: ParentMatcher) -> None:
    """Add this batch's authors to the scan's Participant rows (read afresh: other lanes add to them too)."""
    seen = judged.authors(fresh)
    if not seen:
        return
    first_index = {}
    for m in fresh:
        if m.author is not None:
            first_index.setdefault(m.author, m.index)
    rows = {p.name: p for p in Participant.objects.filter(scan=scan, name__in=[a[:200] for a in seen])}
    new = []
    for author in sorted(seen):
        if author[:200] not in rows:
            p = Participant(scan=scan, name=author[:200], person=matcher(author), messages=0)
            rows[p.name] = p
            new.append(p)
    for author, count in seen.items():
        p = rows[author[:200]]
        p.messages += count.messages
        p.first_at = min(p.first_at, count.first) if p.first_at else count.first
        p.last_at = max(p.last_at, count.last) if p.last_at else count.last
        p.first_index = min(p.first_index, first_index[author]) if p.first_index is not None else first_index[author]
    Participant.objects.bulk_create(new)
    Participant.objects.bulk_update([p for p in rows.values() if p.pk and p not in new],
                                    ["messages", "first_at", "last_at", "first_index"])


def _finalise(scan: ChatScan) -> bool:
    """Finish the scan once every batch is saved: participants' numbers, the administrator, status done, the
    audit entry. Under the scan row's lock and only while it is queued or running, so it happens once."""
    with transaction.atomic():
        locked = ChatScan.objects.select_for_update().get(pk=scan.pk)
        if locked.status not in ACTIVE:
            return False
        batches = ScanBatch.objects.filter(scan=scan)
        if not batches.exists() or batches.exclude(status=ScanBatch.Status.DONE).exists():
            return False  # other lanes are still scanning; the last of them finishes
        administrator = locked.administrator
        if not administrator:
            creator = scan.messages.filter(kind="system", text__contains=" created group").order_by("index").first()
            if creator is not None:
                administrator = creator.text.split(" created group", 1)[0].strip()[:200]
        _number_participants(scan)
        ChatScan.objects.filter(pk=scan.pk).update(
            status=ChatScan.Status.DONE,
            finished_at=timezone.now(),
            messages_done=locked.messages_total,
            administrator=administrator,
            participant_count=scan.participants.count(),
        )
        findings = scan.findings.count()
        record(AuditEvent.SCAN_FINISHED, school=scan.school, target=scan,
               summary=f"Chat scanned: {locked.messages_total:,} messages, {findings} breach finding(s)")
    return True


def _number_participants(scan: ChatScan) -> None:
    """Participant 1, 2, ... for authors who are not parents, in order of first message (as one lane would)."""
    others = [p for p in scan.participants.all() if p.person_id is None]
    others.sort(key=lambda p: (-1 if p.first_index is None else p.first_index, p.first_at or timezone.now(), p.pk))
    scan.participants.update(number=None)  # (scan, number) is unique: clear, then number
    for n, p in enumerate(others, start=1):
        p.number = n
    Participant.objects.bulk_update(others, ["number"])


@transaction.atomic
def requeue(scan: ChatScan, *, actor=None) -> bool:
    """Mark a stalled or failed scan queued again (the caller then queues it: `tasks.resume_scan`)."""
    locked = ChatScan.objects.select_for_update().get(pk=scan.pk)
    if not (locked.is_stalled or locked.status == ChatScan.Status.FAILED) or not locked.file:
        return False
    ChatScan.objects.filter(pk=scan.pk).update(status=ChatScan.Status.QUEUED, error="", heartbeat_at=timezone.now())
    # Its workers are gone (no batch saved for minutes) or it failed: their batches can be claimed at once.
    ScanBatch.objects.filter(scan=scan, status=ScanBatch.Status.CLAIMED).update(
        status=ScanBatch.Status.PENDING, claimed_by="", claimed_at=None)
    record(AuditEvent.SCAN_REQUEUED, actor=actor, school=scan.school, target=scan,
           summary=f"Scan queued again: {locked.batches_done} batch(es) ({locked.messages_done:,} messages) already saved")
    return True


def stalled():
    """Scans whose worker stopped saving batches (died or restarted)."""
    cutoff = timezone.now() - ChatScan.STALL_AFTER
    return ChatScan.objects.filter(status=ChatScan.Status.RUNNING, heartbeat_at__lt=cutoff).select_related("school")
