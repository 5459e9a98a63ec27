"""Background jobs: long work (evidence packs, chronology PDFs, subject access exports, large roster imports)
done by the task worker, with progress on the page and a file to download when it is ready.

One model and one life cycle for every kind of job, so each kind only says how its work is done:

- queued -> running (heartbeat on every step of progress) -> done (with its file) or failed (with a plain
  reason). A failed job can be retried; its work starts again (exports) or carries on after its last
  committed step (imports, which record their checkpoint in `done`).
- A worker killed mid-job leaves the row "running" with a heartbeat that stops moving; `fail_dead` marks it
  failed (the progress page, the worker's start and the daily jobs call it), so nothing stays "running" for
  ever and the person can retry.

The work itself never runs inside a write transaction: a builder reads and renders with autocommit, and
only the short status updates write. Which kinds exist is asked of the apps (`background_jobs.job_kinds()`),
so this module, low in the layers, runs the cases app's exports without importing it.

This module defines the model without importing `.models` (string references), so `models` can import it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from schoolgate.plugins import hooks

log = logging.getLogger(__name__)

# A running job whose heartbeat is older than this has lost its worker. Builders beat at least once per
# step; the longest single step (one WeasyPrint render of a large pack) is well under this.
DEAD_AFTER = timedelta(minutes=10)
# Prepared files hold children's and parents' data: kept long enough to download, then deleted (daily job).
KEEP_FILES = timedelta(days=7)


class BackgroundJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the background worker"
        RUNNING = "running", "Preparing"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="background_jobs")
    kind = models.CharField(max_length=40)
    # What the job is about (a case, a parent/carer): its ids, checked again before any download.
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200, help_text="What is being prepared, in words for the page.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Input (an uploaded file) and output, under MEDIA_ROOT/jobs/, mode 0600.
    input_file = models.CharField(max_length=300, blank=True)
    file = models.CharField(max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        app_label = "schools"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "kind", "status"])]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_dead(self) -> bool:
        beat = self.heartbeat_at or self.created_at
        return self.status == self.Status.RUNNING and beat is not None and timezone.now() - beat > DEAD_AFTER

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    def path(self, name: str) -> Path:
        return Path(settings.MEDIA_ROOT) / name

    def read(self) -> bytes:
        return self.path(self.file).read_bytes()


@dataclass(frozen=True)
class Output:
    """What an export builder hands back: the file to keep for download."""

    filename: str
    content_type: str
    data: bytes
    summary: str = ""


class JobFailed(Exception):
    """A job that cannot be done, with the reason in plain words for the person who asked for it."""


Progress = Callable[[int, int], None]
Builder = Callable[[BackgroundJob, Progress], "Output | str"]


def kinds() -> dict[str, Builder]:
    """kind -> builder, from every installed app's `background_jobs.job_kinds()`."""
    found: dict[str, Builder] = {}
    for hook in hooks("background_jobs", "job_kinds"):
        found.update(hook())
    return found


def _store(job: BackgroundJob, suffix: str, data: bytes) -> str:
    """Write bytes under MEDIA_ROOT/jobs/<school id>/ with an unguessable name, mode 0600; return the name."""
    name = f"jobs/{job.school_id}/{job.pk}-{secrets.token_hex(8)}{suffix}"
    path = job.path(name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return name


def create(school, *, kind: str, title: str, user=None, params: dict | None = None, input_data: bytes | None = None) -> BackgroundJob:
    if kind not in kinds():
        raise ValueError(f"unknown background job kind {kind!r}")
    job = BackgroundJob.objects.create(school=school, kind=kind, title=title[:200], created_by=user, params=params or {})
    if input_data is not None:
        job.input_file = _store(job, ".in", input_data)
        job.save(update_fields=["input_file"])
    return job


def latest(school, *, kind: str, user, params: dict) -> BackgroundJob | None:
    """This person's newest job of this kind about the same thing (the page shows its state)."""
    job = BackgroundJob.objects.filter(school=school, kind=kind, created_by=user, params=params).first()
    if job is not None and job.is_dead:
        fail_dead()
        job.refresh_from_db()
    return job


def _beat(job: BackgroundJob) -> Progress:
    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        BackgroundJob.objects.filter(pk=job.pk).update(done=done, total=total, heartbeat_at=timezone.now())

    return progress


def run(job_pk: int) -> str:
    """Do one job (in the worker). A job already done is left alone, so a task delivered twice does nothing."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().select_related("school").filter(pk=job_pk).first()
        if job is None or job.status == BackgroundJob.Status.DONE:
            return "done" if job else "missing"
        job.status, job.error, job.attempts = BackgroundJob.Status.RUNNING, "", job.attempts + 1
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "error", "attempts", "heartbeat_at"])
    builder = kinds().get(job.kind)
    try:
        if builder is None:
            raise JobFailed("This kind of job is no longer available.")
        result = builder(job, _beat(job))
    except JobFailed as exc:
        fail(job, str(exc))
        return BackgroundJob.Status.FAILED
    except Exception as exc:  # noqa: BLE001 - any other error: say so plainly, keep what was committed, allow a retry
        log.exception("background job %s (%s) failed", job.pk, job.kind)
        fail(job, f"Something went wrong while preparing this ({type(exc).__name__}). Try again; if it fails again, tell your administrator.")
        return BackgroundJob.Status.FAILED
    _finish(job, result)
    return BackgroundJob.Status.DONE


def _finish(job: BackgroundJob, result: Output | str) -> None:
    fields = {"status": BackgroundJob.Status.DONE, "finished_at": timezone.now(), "heartbeat_at": timezone.now()}
    if isinstance(result, Output):
        # The file is written before the row says "done": a worker killed in between leaves a job to retry.
        fields.update(file=_store(job, Path(result.filename).suffix, result.data), filename=result.filename[:200],
                      content_type=result.content_type, size=len(result.data), sha256=hashlib.sha256(result.data).hexdigest(),
                      summary=result.summary[:500])
    else:
        fields["summary"] = str(result)[:500]
    if job.total:
        fields["done"] = job.total
    BackgroundJob.objects.filter(pk=job.pk).update(**fields, input_file="")
    _unlink(job, job.input_file)  # an uploaded file is not kept once its work is done


def _unlink(job: BackgroundJob, name: str) -> None:
    if name:
        job.path(name).unlink(missing_ok=True)


def fail(job: BackgroundJob, message: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.FAILED, error=message[:2000], finished_at=timezone.now())


def fail_dead(stdout=None) -> int:
    """Mark failed every running job whose worker has stopped beating (killed, out of memory, machine restarted)."""
    cutoff = timezone.now() - DEAD_AFTER
    count = BackgroundJob.objects.filter(status=BackgroundJob.Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=BackgroundJob.Status.FAILED, finished_at=timezone.now(),
        error="The background worker stopped while preparing this (it was restarted or ran out of memory). Try again: "
              "nothing is lost or done twice.",
    )
    if count and stdout is not None:
        stdout.write(f"{count} background job(s) whose worker stopped marked failed; they can be retried.")
    return count


def purge_files(stdout=None) -> int:
    """Delete the files of jobs finished more than KEEP_FILES ago (the rows stay: what was prepared, when, by whom)."""
    cutoff = timezone.now() - KEEP_FILES
    purged = 0
    for job in BackgroundJob.objects.filter(finished_at__lt=cutoff).exclude(file="", input_file=""):
        _unlink(job, job.file)
        _unlink(job, job.input_file)
        BackgroundJob.objects.filter(pk=job.pk).update(file="", input_file="")
        purged += 1
    if purged and stdout is not None:
        stdout.write(f"{purged} prepared download(s) older than {KEEP_FILES.days} days deleted.")
    return purged


def daily(stdout=None) -> None:
    fail_dead(stdout)
    purge_files(stdout)


def requeue(job: BackgroundJob) -> bool:
    """A failed job queued again (the caller enqueues it); False if it is not failed."""
    return bool(BackgroundJob.objects.filter(pk=job.pk, status=BackgroundJob.Status.FAILED).update(
        status=BackgroundJob.Status.QUEUED, error="", heartbeat_at=timezone.now()))
