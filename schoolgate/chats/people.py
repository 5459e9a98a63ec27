"""The people in a scanned chat: which authors are the school's parents/carers, how each is shown, revealing one.

Authors who are not parents of the school are shown as "Participant N" until a reason to name them is
recorded (data minimisation: the school has no need to know who else is in a parents' group).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import Person

from .audit_events import AuditEvent
from .models import ChatScan, Participant
from .scanning import author_key


class ParentMatcher:
    """Is this chat author a parent/carer of the school? By roster name or alias, or by phone number."""

    def __init__(self, school):
        self.by_key: dict[str, Person] = {}
        for person in Person.objects.filter(school=school, kind=Person.Kind.PARENT):
            for value in [person.name, *person.aliases]:
                key = author_key(str(value))
                if key:
                    self.by_key.setdefault(key, person)

    def __call__(self, author: str) -> Person | None:
        return self.by_key.get(author_key(author))


def match_parent(school, name: str) -> Person | None:
    return ParentMatcher(school)(name)


def shown_names(scan: ChatScan) -> dict[str, str]:
    """author as the export writes them -> the name the school's pages show."""
    return {p.name: p.shown_name for p in scan.participants.all()}


@transaction.atomic
def reveal(participant: Participant, *, actor, reason: str) -> None:
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.revealed_at or locked.is_parent:
        return
    Participant.objects.filter(pk=locked.pk).update(revealed_by=actor, revealed_at=timezone.now())
    record(AuditEvent.PARTICIPANT_REVEALED, actor=actor, school=locked.scan.school, target=locked.scan,
           summary=f"Participant {locked.number} in a scanned chat revealed", reason=reason, participant=locked.number)
