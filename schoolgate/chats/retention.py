"""Data minimisation: after the school's retention period the original file goes, and every message that is
neither flagged nor next to a flagged one goes with it. Findings, and the report built from them, stay."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .models import ChatScan


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
        record(AuditEvent.PURGED, school=scan.school, target=scan,
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
