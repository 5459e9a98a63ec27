"""The reminder for a case deadline that has passed unmet: an audit entry and an e-mail to the case's staff.

Run by the `remind_deadline` task at the due time (`tasks`) and by the daily catch-up (`jobs`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.mail import send_after_commit

from .audit_events import AuditEvent
from .models import Deadline


def send_due_reminder(deadline_id: int) -> bool:
    """Remind the case's staff of a deadline that has passed unmet; once only. True when sent."""
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().select_related("case__school").filter(pk=deadline_id).first()
        if deadline is None or deadline.met_at is not None or deadline.reminded_at is not None:
            return False
        if deadline.due_at > timezone.now() or not deadline.case.is_open:
            return False
        case = deadline.case
        deadline.reminded_at = timezone.now()
        deadline.save(update_fields=["reminded_at"])
        record(AuditEvent.DEADLINE_DUE, school=case.school, target=case,
               summary=f"{case.reference}: {deadline.short_name} ({timezone.localtime(deadline.due_at):%-d %B %Y}) has passed")
        emails = {u.email for u in (case.assigned_to, case.opened_by) if u is not None and u.email}
        if case.school.headteacher_email:
            emails.add(case.school.headteacher_email)
        when = f"{timezone.localtime(deadline.due_at):%-d %B %Y}"
        subject = f"{case.reference}: {deadline.short_name} ({when}) has passed"
        body = (f"On case {case.reference} ({case.subject_name}), {deadline.short_name} was {when}: "
                f"“{deadline.described}”. It has passed and nothing has been recorded yet. "
                "Open the case in Schoolgate to record what happened and choose the next step.")
        send_after_commit(subject, body, emails)
        return True
