"""Dashboard panels for chat scans: scans in progress or stopped, and originals due for deletion this week."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from .models import ChatScan


def dashboard_panels(request) -> list[dict]:
    if not request.roles & {"headteacher", "dsl"}:
        return []
    school = request.school
    panels = []
    scans = ChatScan.objects.filter(school=school)
    for scan in scans.filter(status__in=[ChatScan.Status.QUEUED, ChatScan.Status.RUNNING, ChatScan.Status.FAILED]):
        url = reverse("chats:detail", args=[school.slug, scan.pk])
        if scan.status == ChatScan.Status.FAILED or scan.is_stalled:
            panels.append({"level": "warning", "title": f"Chat scan stopped: {scan}", "text": "Open it to resume; nothing already scanned is lost.", "url": url})
        else:
            panels.append({"level": "info", "title": f"Chat scan in progress: {scan}", "text": f"{scan.percent}% of {scan.messages_total or '…'} messages.", "url": url})
    soon = timezone.localdate() + timedelta(days=7)
    due = scans.filter(purged_at__isnull=True, purge_due__lte=soon).count()
    if due:
        panels.append({
            "level": "info",
            "title": f"{due} chat file(s) due for deletion within a week",
            "text": "Originals are deleted after the retention period; flagged messages and their context stay with the report.",
            "url": reverse("chats:list", args=[school.slug]),
        })
    return panels
