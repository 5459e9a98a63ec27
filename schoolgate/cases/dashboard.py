"""Dashboard panels for cases: overdue deadlines first, then open cases waiting on this member of staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .deadlines import overdue_deadlines
from .models import Case


def dashboard_panels(request) -> list[dict]:
    roles = getattr(request, "roles", frozenset())
    if not roles - {"parent"}:
        return []
    visible = Case.objects.visible_to(request.user, request.school, roles)
    panels = []
    for d in overdue_deadlines(visible)[:10]:
        days = (timezone.now() - d.due_at).days
        panels.append({
            "level": "warning",
            "title": f"Overdue on {d.case.reference}: {d.short_name} has passed",
            "text": f"{d.case.subject_name}: {d.described[0].lower()}{d.described[1:]}"
                    + (f" ({days} days ago)" if days else "") + ". Record what happened and choose the next step.",
            "url": reverse("cases:detail", args=[request.school.slug, d.case.pk]),
        })
    open_count = visible.filter(status=Case.Status.OPEN).count()
    if open_count:
        panels.append({"level": "info", "title": f"{open_count} open case(s)", "text": "Cases following the policy's procedure.", "url": reverse("cases:list", args=[request.school.slug])})
    return panels
