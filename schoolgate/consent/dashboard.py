"""Consent panels on the dashboard: take-downs waiting and pupils without a current answer per class (for
the Headteacher, DSL and office); for a parent/carer, a link to their children's photo consent."""

from __future__ import annotations

from django.urls import reverse

from schoolgate.schools.models import MODERATORS, Role

from .models import Purpose, TakeDown
from .queries import NO_CURRENT_ANSWER, register_by_class, states_for


def _children(request):
    return [c for m in request.memberships if m.role == Role.PARENT for c in m.children()]


def dashboard_panels(request) -> list[dict]:
    school, roles = request.school, request.roles
    panels = []
    if roles & MODERATORS:
        pending = TakeDown.objects.filter(school=school, done_at__isnull=True).count()
        if pending:
            panels.append({"level": "warning", "title": f"{pending} photo take-down{'s' if pending != 1 else ''} waiting",
                           "text": "Photos used outside the app show pupils who no longer have consent. Take them down, then mark each one done.",
                           "url": reverse("consent:take_downs", args=[school.slug])})
        classes = [(c.group, c.pupils_missing) for c in register_by_class(school) if c.pupils_missing]
        if classes:
            total = sum(n for _, n in classes)
            panels.append({"level": "info", "title": f"{total} pupil{'s' if total != 1 else ''} with no current photo consent answer",
                           "text": "By class: " + "; ".join(f"{group}: {n}" for group, n in classes) + ".",
                           "url": reverse("consent:register", args=[school.slug])})
    if Role.PARENT in roles:
        children = _children(request)
        if children:
            states = states_for(school, [c.pk for c in children], flags=False)
            waiting = sum(1 for c in children for s in states[c.pk].values() if s in NO_CURRENT_ANSWER)
            panels.append({
                "level": "warning" if waiting else "info",
                "title": "Photo consent for your children",
                "text": (f"{waiting} answer{'s' if waiting != 1 else ''} needed for this school year. " if waiting else "")
                + f"See and change how the school may use photos of your child{'ren' if len(children) != 1 else ''} ({len(Purpose)} uses).",
                "url": reverse("consent:family", args=[school.slug]),
            })
    return panels
