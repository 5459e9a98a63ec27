"""Background tasks: the scan runs in the worker (`schoolgate worker`), never in a web request.

Queuing lives here, above `scans` (which queues nothing), so the two never import each other.
"""

from __future__ import annotations

from django.tasks import task

from .models import ChatScan
from .scans import requeue, run_scan, stalled


@task()
def scan_chat(scan_pk: int) -> str:
    return run_scan(scan_pk).status


def enqueue_scan(scan: ChatScan) -> None:
    """Hand the scan to the background worker (the immediate backend in tests runs it here and now)."""
    result = scan_chat.enqueue(scan.pk)
    ChatScan.objects.filter(pk=scan.pk).update(task_id=str(result.id)[:64])


def resume_scan(scan: ChatScan, *, actor=None) -> bool:
    """Queue a stalled or failed scan again; it continues after its last committed batch."""
    if not requeue(scan, actor=actor):
        return False
    enqueue_scan(scan)
    return True


def resume_stalled(stdout=None) -> int:
    resumed = 0
    for scan in stalled():
        if resume_scan(scan):
            resumed += 1
            if stdout is not None:
                stdout.write(f"{scan.school.name}: resumed stalled chat scan {scan.pk}")
    return resumed
