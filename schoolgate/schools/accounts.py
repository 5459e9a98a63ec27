"""Log-ins and roles at a school: who may give whom which role, and the audited changes."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .models import Membership, Role

# Who may hand out which roles: the Headteacher any; the office parents/carers and teachers.
GRANTS = {
    Role.HEADTEACHER: set(Role.values),
    Role.OFFICE: {Role.PARENT, Role.TEACHER},
}


class RoleError(ValueError):
    pass


def grantable_roles(held_roles) -> set[str]:
    roles: set[str] = set()
    for held in held_roles:
        roles |= {str(r) for r in GRANTS.get(held, ())}
    return roles


@transaction.atomic
def give_role(school, *, email: str, full_name: str, role: str, person=None, actor, request=None) -> Membership:
    """Create the account if new; they choose their password from the e-mailed link."""
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(username__iexact=email).first()
    created = user is None
    if created:
        first, _, last = full_name.strip().partition(" ")
        user = User(username=email, email=email, first_name=first, last_name=last)
        # A long random password nobody knows (Django's reset e-mail skips unusable passwords).
        user.set_password(secrets.token_urlsafe(32))
        user.save()
    membership, made = Membership.objects.get_or_create(user=user, school=school, role=role, defaults={"person": person})
    if not made:
        raise RoleError(f"{email} already has the role {membership.get_role_display()} here.")
    record(
        AuditEvent.MEMBERSHIP_ADD,
        actor=actor,
        school=school,
        target=membership,
        summary=f"Gave {email} the role {membership.get_role_display()}" + (" (new account)" if created else ""),
        role=role,
        new_account=created,
    )
    if created:
        transaction.on_commit(lambda: _send_welcome(email, request))
    return membership


@transaction.atomic
def remove_role(membership: Membership, *, actor) -> None:
    school = membership.school
    if membership.role == Role.HEADTEACHER and not school.memberships.filter(role=Role.HEADTEACHER).exclude(pk=membership.pk).exists():
        raise RoleError("The school must keep at least one Headteacher account.")
    record(
        AuditEvent.MEMBERSHIP_REMOVE,
        actor=actor,
        school=school,
        target=membership,
        summary=f"Removed the role {membership.get_role_display()} from {membership.user.username}",
        role=membership.role,
    )
    membership.delete()


def _send_welcome(email: str, request) -> None:
    # Django's own password-reset e-mail doubles as "choose your password": no password ever travels by e-mail.
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(request=request, use_https=bool(request and request.is_secure()), domain_override=None if request else "localhost")
