"""The row lock every change to a case takes first, so two changes to one case never interleave."""

from __future__ import annotations

from .errors import CaseError
from .models import Case


def lock_case(case: Case) -> Case:
    """The case re-read with its row locked (call inside `transaction.atomic`)."""
    return Case.objects.select_for_update().select_related("school").get(pk=case.pk)


def lock_open_case(case: Case) -> Case:
    """`lock_case`, refused with a message for staff when the case is closed."""
    locked = lock_case(case)
    if not locked.is_open:
        raise CaseError("This case is closed; nothing more can be added to it.")
    return locked
