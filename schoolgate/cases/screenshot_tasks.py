"""Reading a screenshot added as evidence, in the task worker once the file is committed.

Any picture added to a case (the "Screenshot or file" upload) is read: the OCR takes a second or more of
CPU, so it never runs in the request's write transaction; `transaction.on_commit` enqueues it, and the
worker (`schoolgate worker`; at once in tests) reads, judges and then writes (`screenshots.read_evidence`).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save
from django.tasks import task

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .errors import CaseError
from .locking import lock_case
from .models import Evidence
from .screenshots import READ_FAILED, another_try, is_screenshot, mark_unread, read_evidence


@task
def read_screenshot_evidence(evidence_id: int, actor_id: int | None = None) -> int:
    """The first reading, or another try asked for on the case page (`queue_read_again`, by `actor_id`)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    try:
        reading = read_evidence(evidence_id, actor=actor)
    except Exception:
        # Said on the case page, which offers another try; the task is still marked failed.
        mark_unread(evidence_id, READ_FAILED)
        raise
    return len(reading.messages) if reading is not None else 0


def queue_read_again(item: Evidence, *, actor) -> str:
    """Queue another reading (or another policy check of the messages already read) in the task worker,
    like the first; audited. Returns what is being done again. Refused when there is nothing to do again."""
    with transaction.atomic():
        case = lock_case(item.case)
        if not case.is_open:
            raise CaseError("This case is closed; nothing more can be added to it.")
        item = Evidence.objects.select_for_update().get(pk=item.pk)
        why = another_try(item)
        if not why:
            raise CaseError("This screenshot has been read and checked; there is nothing to do again. To fix a misread word, correct it on the screenshot's page.")
        what = "checked against the policy again" if item.readings.exists() else "read again"
        record(AuditEvent.SCREENSHOT_READ_AGAIN, actor=actor, school=case.school, target=item,
               summary=f"{case.reference}: {item.number} to be {what}", case=case.pk, evidence=item.pk, reason=why[:300])
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(lambda: read_screenshot_evidence.enqueue(item.pk, actor_id))
        return what


def _evidence_added(sender, instance: Evidence, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and is_screenshot(instance):
        transaction.on_commit(lambda: read_screenshot_evidence.enqueue(instance.pk))


post_save.connect(_evidence_added, sender=Evidence, dispatch_uid="cases-screenshot-evidence-added")
