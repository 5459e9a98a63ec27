"""Background tasks (django.tasks): telling later apps that consent was lost, once the loss is committed.

Scheduling lives here only: `losses.consent_lost` calls `enqueue_loss` on commit.
"""

from __future__ import annotations

from django.tasks import task

from .propagation import announce_loss


@task
def consent_lost_task(school_id: int, pupil_ids: list[int], purposes: list[str]) -> int:
    return announce_loss(school_id, pupil_ids, purposes)


def enqueue_loss(school_id: int, pupil_ids: list[int], purposes: list[str]):
    return consent_lost_task.enqueue(school_id, sorted(pupil_ids), sorted(purposes))
