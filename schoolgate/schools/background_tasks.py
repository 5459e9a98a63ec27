"""Queuing background jobs: the one task the worker runs for every kind (`background.run`)."""

from __future__ import annotations

from django.tasks import task

from . import background
from .background import BackgroundJob


@task()
def run_background_job(job_pk: int) -> str:
    return background.run(job_pk)


def enqueue(job: BackgroundJob) -> BackgroundJob:
    """Hand the job to the worker (the immediate backend in tests runs it here and now)."""
    result = run_background_job.enqueue(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def start(school, *, kind: str, title: str, user=None, params: dict | None = None, input_data: bytes | None = None) -> BackgroundJob:
    return enqueue(background.create(school, kind=kind, title=title, user=user, params=params, input_data=input_data))


def retry(job: BackgroundJob) -> bool:
    """Queue a failed job again; an import carries on after its last committed chunk."""
    if not background.requeue(job):
        return False
    enqueue(job)
    return True
