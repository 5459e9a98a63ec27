"""Daily job: acknowledgement reminders for published policies."""

from .models import PolicyVersion
from .review_cycle import send_reminders


def daily(stdout=None):
    for version in PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).select_related("school"):
        sent = send_reminders(version)
        if sent and stdout is not None:
            stdout.write(f"{version.school.name}: {sent} acknowledgement reminder(s) sent")
