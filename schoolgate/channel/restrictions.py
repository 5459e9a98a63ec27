"""Restricting a member's commenting (the policy's "block or restrict that individual's access"), lifting
it, and which restriction is in force. `restrict` is also the step a case's notice of restriction takes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.mail import send_after_commit
from schoolgate.schools.models import Membership, actor_label

from .audit_events import AuditEvent
from .errors import ChannelError
from .models import Notification, Restriction


def active_restriction(school, user) -> Restriction | None:
    """The restriction in force today, the strongest first (no commenting beats held comments)."""
    found = list(Restriction.objects.active().filter(school=school, user=user))
    found.sort(key=lambda r: (r.kind != Restriction.Kind.NO_COMMENT, -r.ends_on.toordinal()))
    return found[0] if found else None


@transaction.atomic
def restrict(school, *, user, kind: str, reason: str, ends_on: dt.date, actor) -> Restriction:
    """Restrict a member's commenting ("hold" = every comment held and flagged; "no_comment" = none)."""
    if kind not in Restriction.Kind.values:
        raise ChannelError(f"Unknown restriction '{kind}'.")
    if not (reason or "").strip():
        raise ChannelError("Give the reason for the restriction; the parent will see it.")
    if ends_on < timezone.localdate():
        raise ChannelError("The end date is in the past.")
    if not Membership.objects.filter(school=school, user=user).exists():
        raise ChannelError("That person is not a member of this school.")
    restriction = Restriction.objects.create(
        school=school, user=user, user_label=actor_label(user), kind=kind, reason=reason.strip(), ends_on=ends_on,
        created_by=actor, created_by_label=actor_label(actor),
    )
    until = f"{ends_on:%-d %B %Y}"
    record(AuditEvent.RESTRICT, actor=actor, school=school, target=restriction,
           summary=f"{restriction.get_kind_display()} for {restriction.user_label} until {until}", reason=restriction.reason,
           kind=kind, ends_on=ends_on, user=user.get_username())
    Notification.objects.create(
        school=school, user=user, title="Your use of the school channel is restricted",
        text=f"{restriction.get_kind_display()} until {until}. Reason: {restriction.reason}",
        url=reverse("channel:home", args=[school.slug]),
    )
    send_after_commit(
        f"{school.name}: your use of the school channel is restricted",
        f"Dear {restriction.user_label},\n\n{restriction.get_kind_display()} until {until}.\nReason: {restriction.reason}\n\n{school.name}",
        [user.email],
    )
    return restriction


@transaction.atomic
def lift(restriction: Restriction, *, actor) -> Restriction:
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_at is not None:
        raise ChannelError(f"This restriction was already lifted by {restriction.lifted_by_label}.")
    restriction.lifted_at, restriction.lifted_by, restriction.lifted_by_label = timezone.now(), actor, actor_label(actor)
    restriction.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label"])
    record(AuditEvent.RESTRICTION_LIFT, actor=actor, school=restriction.school, target=restriction,
           summary=f"Lifted restriction for {restriction.user_label}")
    return restriction
