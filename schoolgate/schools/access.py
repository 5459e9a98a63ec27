"""One mechanism for every school-scoped view: log-in, membership, role.

`@school_view(roles)` loads the school from the URL's `slug`, answers 404 to anyone who is not a member
(a parent of school A learns nothing about school B's pages), 403 to a member whose role is not allowed,
and sets `request.school` and `request.roles` for the view.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import EVERYONE, Membership


def roles_for(user, school) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(Membership.objects.filter(user=user, school=school).values_list("role", flat=True))


def school_view(roles=EVERYONE):
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # One query for the school, the person's memberships there and their roster entries: a school that
            # does not exist and one the person is not a member of both answer 404, as before.
            memberships = list(Membership.objects.filter(user=request.user, school__slug=slug).select_related("school", "person"))
            if not memberships:
                raise Http404("No such school")
            school = memberships[0].school
            for m in memberships:
                m.school = school  # one School object for the request, whichever membership is asked
            held = frozenset(m.role for m in memberships)
            if not held & allowed:
                raise PermissionDenied("Your role at this school does not allow this page.")
            request.school = school
            request.roles = held
            request.memberships = memberships
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


# Database ids are 64-bit; a longer number in a form is simply not one of ours.
MAX_ID = 2**63 - 1


def id_from(value) -> int | None:
    """An id from form data or a query string, or None for anything that is not one ("abc", "1.5", "²",
    a 30-digit number): the view then answers 4xx instead of letting the database raise."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
