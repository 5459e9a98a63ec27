"""Reading a screenshot added as evidence, in the task worker once the file is committed.

Any picture added to a case (the "Screenshot or file" upload) is read: the OCR takes a second or more of
CPU, so it never runs in the request's write transaction; `transaction.on_commit` enqueues it, and the
worker (`schoolgate worker`; at once in tests) reads, judges and then writes (`screenshots.read_evidence`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.tasks import task

from .models import Evidence
from .screenshots import is_screenshot, read_evidence


@task
def read_screenshot_evidence(evidence_id: int) -> int:
    reading = read_evidence(evidence_id)
    return len(reading.messages) if reading is not None else 0


def _evidence_added(sender, instance: Evidence, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and is_screenshot(instance):
        transaction.on_commit(lambda: read_screenshot_evidence.enqueue(instance.pk))


post_save.connect(_evidence_added, sender=Evidence, dispatch_uid="cases-screenshot-evidence-added")
