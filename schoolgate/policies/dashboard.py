"""Dashboard panels for the policy: the annual review coming due, and acknowledgements still missing."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone


def dashboard_panels(request) -> list[dict]:
    school, roles = request.school, request.roles
    panels = []
    current = school.current_policy()
    if current is None:
        if roles - {"parent"}:
            panels.append({"level": "warning", "title": "No published policy", "text": "Publish a policy so the judge can cite it.", "url": None})
        return panels
    state = current.review_state()
    if roles & {"headteacher", "dsl", "governor", "office"} and state != "ok":
        when = current.next_review.strftime("%-d %B %Y")
        days = (timezone.localdate() - current.next_review).days
        if state == "overdue":
            text = f"The policy's review was due on {when} ({days} days ago). Start the annual review and publish the new version."
            title = "Policy review overdue"
        else:
            text = f"The policy is due for review on {when}."
            title = "Policy review due soon"
        panels.append({"level": "warning", "title": title, "text": text, "url": reverse("policies:staff", args=[school.slug])})
    ack = current.acknowledgements.filter(user=request.user, acknowledged_at__isnull=True).first()
    if ack is not None:
        panels.append(
            {
                "level": "warning",
                "title": "Please read the updated policy",
                "text": f"{school.name} published version {current.version} of its social media policy. Please read it and confirm.",
                "url": reverse("policies:public", args=[school.slug]),
            }
        )
    if roles & {"headteacher", "dsl"}:
        pending = current.acknowledgements.filter(acknowledged_at__isnull=True).count()
        if pending:
            panels.append(
                {"level": "info", "title": f"{pending} people have not acknowledged the policy", "text": "See who, and send reminders.", "url": reverse("policies:staff", args=[school.slug])}
            )
    return panels
