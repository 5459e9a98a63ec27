"""Tasks left "running" by a worker that died (killed, out of memory, the machine restarted).

django-tasks-db marks a task running when a worker claims it and never looks at it again, so a task whose
worker died stays "running" for ever and its work is never finished. Once a day (`jobs.daily`), a task
running for longer than STUCK_AFTER is marked failed with `WorkerDied`, and queued again when it is one of
the tasks below, each safe to run twice because it checks, under a row lock, what was already done:

- consent propagation (`consent_lost_task`): a post already re-redacted is left alone;
- a deadline's reminder (`remind_deadline`): sent once, `reminded_at` set under the lock;
- a background job (`run_background_job`): a finished job is left alone, an import carries on after its
  last committed chunk, an export is prepared again.

Chat scans are not here: their own heartbeat finds a stalled scan and resumes it (`chats.tasks.resume_stalled`).
The task paths are strings, so this module, low in the layers, imports none of those apps.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

STUCK_AFTER = timedelta(hours=1)  # each of these tasks takes seconds to minutes
RERUNNABLE = frozenset({
    "schoolgate.consent.tasks.consent_lost_task",
    "schoolgate.cases.tasks.remind_deadline",
    "schoolgate.schools.background_tasks.run_background_job",
})


class WorkerDied(RuntimeError):
    """Recorded on a task whose worker stopped before it finished."""


def rescue(stdout=None, *, now=None) -> int:
    """Mark stuck tasks failed and queue them again; returns how many were queued again."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - STUCK_AFTER
    requeued = 0
    stuck = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff, task_path__in=RERUNNABLE)
    for pk in stuck.values_list("pk", flat=True):
        with transaction.atomic():
            row = DBTaskResult.objects.select_for_update(skip_locked=True).filter(pk=pk, status="RUNNING").first()
            if row is None:
                continue
            row.set_failed(WorkerDied(f"The worker stopped before this task finished (started {row.started_at:%Y-%m-%d %H:%M} UTC); queued again."))
            row.task.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            requeued += 1
    if requeued and stdout is not None:
        stdout.write(f"{requeued} task(s) left running by a worker that stopped: marked failed and queued again.")
    return requeued
