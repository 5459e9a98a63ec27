"""The poster permission: which staff may post on the school channel ("only administrators and
approved users can add posts")."""

from __future__ import annotations

from django.db import transaction

from schoolgate.audit.models import record
from schoolgate.schools.models import Membership, Role, actor_label

from .audit_events import AuditEvent
from .errors import ChannelError


@transaction.atomic
def set_poster(membership: Membership, *, allowed: bool, actor) -> Membership:
    if membership.role == Role.PARENT:
        raise ChannelError("Only staff can be given the poster permission.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.can_post != allowed:
        membership.can_post = allowed
        membership.save(update_fields=["can_post"])
        record(AuditEvent.POSTER_GRANT if allowed else AuditEvent.POSTER_REVOKE, actor=actor, school=membership.school, target=membership,
               summary=f"{'Granted' if allowed else 'Removed'} poster permission: {actor_label(membership.user)} ({membership.get_role_display()})")
    return membership
