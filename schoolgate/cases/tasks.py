"""Background tasks (django.tasks): the reminder for a case deadline, run at its due time."""

from django.tasks import task


@task
def remind_deadline(deadline_id: int) -> bool:
    from .services import send_due_reminder

    return send_due_reminder(deadline_id)
