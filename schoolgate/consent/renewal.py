"""The September renewal campaign: from the first day of the academic year, every parent/carer with a
child who has no current answer for some purpose is e-mailed a link to their children's consent page,
then reminded weekly (never more often) while the campaign lasts. The daily job runs it for the first
CAMPAIGN_WEEKS weeks; the Headteacher or office can run it by hand at any time (the weekly limit holds)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.mail import send_after_commit
from schoolgate.schools.models import Guardianship, Person

from .audit_events import AuditEvent
from .models import ConsentSettings, Purpose, RenewalReminder
from .queries import NO_CURRENT_ANSWER, states_for

CAMPAIGN_WEEKS = 8
MIN_DAYS_BETWEEN = 7


def families_without_answers(school, today: dt.date | None = None) -> list[tuple[Person, list[tuple[Person, list[str]]]]]:
    """(parent, [(child, purposes with no current answer)]) for every parent/carer with such a child."""
    links = Guardianship.objects.filter(child__school=school, child__kind=Person.Kind.PUPIL, parent__school=school).select_related("parent", "child", "parent__user")
    links = list(links.order_by("parent__name", "child__name"))
    states = states_for(school, {link.child_id for link in links}, today)
    families: dict[int, tuple[Person, list]] = {}
    for link in links:
        missing = [Purpose(p).label for p, s in states[link.child_id].items() if s in NO_CURRENT_ANSWER]
        if missing:
            families.setdefault(link.parent_id, (link.parent, []))[1].append((link.child, missing))
    return list(families.values())


def send_renewals(school, today: dt.date | None = None, *, actor=None, request=None) -> int:
    """E-mail each parent/carer who needs to answer and was not written to in the last week; returns how many."""
    today = today or timezone.localdate()
    year = ConsentSettings.for_school(school).academic_year(today)
    cutoff = today - dt.timedelta(days=MIN_DAYS_BETWEEN)
    path = reverse("consent:family", args=[school.slug])
    link = request.build_absolute_uri(path) if request is not None else path
    sent = 0
    with transaction.atomic():
        for parent, children in families_without_answers(school, today):
            email = parent.user.email if parent.user_id else ""
            if not email or RenewalReminder.objects.filter(school=school, parent=parent, sent_on__gt=cutoff).exists():
                continue
            first = not RenewalReminder.objects.filter(school=school, parent=parent, academic_year=year).exists()
            RenewalReminder.objects.create(school=school, parent=parent, sent_on=today, academic_year=year)
            lines = "\n".join(f"- {child.name}: {', '.join(missing)}" for child, missing in children)
            send_after_commit(
                ("" if first else "Reminder: ") + f"{school.name}: photo consent for this school year",
                f"Dear {parent.name},\n\nA new school year has started, and we need your answer on how we may use photos of your child.\n"
                f"These have no answer for this year:\n{lines}\n\nYou can grant or refuse each one in a moment here: {link}\n"
                f"You can change your mind at any time, and a refusal takes effect at once.\n\n{school.name}",
                [email],
            )
            sent += 1
        if sent:
            record(AuditEvent.RENEWAL_SENT, actor=actor, school=school, summary=f"Photo consent renewal: {sent} parent/carer e-mail(s) sent")
    return sent


def campaign_running(school, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    start = ConsentSettings.for_school(school).academic_year_start(today)
    return start <= today < start + dt.timedelta(weeks=CAMPAIGN_WEEKS)
