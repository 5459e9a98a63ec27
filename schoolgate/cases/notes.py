"""Staff notes on a case: private by default (withheld from the parent's subject access export)."""

from __future__ import annotations

from django.db import transaction

from schoolgate.audit.models import record
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .errors import CaseError
from .locking import lock_case
from .models import MAX_TEXT, Note


def add_note(case, *, text, author, private: bool = True) -> Note:
    """A note may be added to a closed case too (what happened after it closed)."""
    text = (text or "").strip()
    if not text:
        raise CaseError("The note is empty.")
    with transaction.atomic():
        case = lock_case(case)
        note = Note.objects.create(case=case, text=text[:MAX_TEXT], private=private, author=author, author_label=actor_label(author, nobody="system"))
        record(AuditEvent.NOTE, actor=author, school=case.school, target=note, summary=f"{case.reference}: staff note added", case=case.pk)
        return note
