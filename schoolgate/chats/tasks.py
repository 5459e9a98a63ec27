"""Background tasks: the scan runs in the worker (`schoolgate worker`), never in a web request.

A scan is queued as SCHOOLGATE_SCAN_LANES tasks ("lanes", default 2): each task worker that picks one up
claims the scan's batches alongside the others (`scans.run_scan`), so one long chat is scanned by several
workers at once; a lane that starts when no batch is left ends at once.

Queuing lives here, above `scans` (which queues nothing), so the two never import each other.
"""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from .models import ChatScan
from .scans import requeue, run_scan, stalled


@task()
def scan_chat(scan_pk: int) -> str:
    return run_scan(scan_pk).status


def lanes() -> int:
    return max(1, int(getattr(settings, "SCHOOLGATE_SCAN_LANES", 2)))


def enqueue_scan(scan: ChatScan) -> None:
    """Hand the scan to the background workers, as `lanes()` tasks (the immediate backend in tests runs the
    first here and now to the end; the others then find nothing left)."""
    first = None
    for _ in range(lanes()):
        result = scan_chat.enqueue(scan.pk)
        first = first or str(result.id)
    ChatScan.objects.filter(pk=scan.pk).update(task_id=first[:64])


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
