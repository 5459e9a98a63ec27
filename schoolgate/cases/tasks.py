"""Background tasks (django.tasks): the reminder for a case deadline, run at its due time.

Scheduling lives here only: `deadlines.add_deadline` calls `schedule_reminder` once the deadline is committed.
"""

from __future__ import annotations

from django.tasks import task

from .models import Deadline
from .reminders import send_due_reminder


@task
def remind_deadline(deadline_id: int) -> bool:
    return send_due_reminder(deadline_id)


def schedule_reminder(deadline_id: int):
    """Enqueue the reminder to run at the deadline's due time; the task's id is kept on the deadline."""
    deadline = Deadline.objects.filter(pk=deadline_id).first()
    if deadline is None:
        return None
    task_ = remind_deadline
    if task_.get_backend().supports_defer:
        task_ = task_.using(run_after=deadline.due_at)
    # A backend that cannot defer runs it now; the task does nothing before the due time and the
    # daily job catches up.
    result = task_.enqueue(deadline_id)
    Deadline.objects.filter(pk=deadline_id).update(task_id=str(result.id)[:100])
    return result
