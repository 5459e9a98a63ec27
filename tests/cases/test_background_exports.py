"""Case documents prepared by the worker: progress on the page, a download only for the member of staff who
asked and may still see the case, a plain failure that can be retried, and no rendering inside a write."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.cases import background_jobs
from schoolgate.cases.staffing import assign
from schoolgate.schools.background import BackgroundJob, run

SW = "stokes-wood"


@pytest.fixture
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_pack_is_queued_then_shows_progress_then_a_download(stokes, open_for, login, queued):
    case = open_for(stokes)
    client = login("head@stokes-wood.demo")
    url = reverse("cases:evidence_pack", args=[SW, case.pk])
    assert "Prepare the evidence pack" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    job = BackgroundJob.objects.get(kind="evidence_pack")
    page = client.get(url).content.decode()
    assert "Waiting for the background worker" in page and 'hx-trigger="every 2s"' in page
    assert 'hx-get="/stokes-wood/cases/documents/' in page and "onclick" not in page and "style=" not in page
    # Half way: the page says how far it has got.
    BackgroundJob.objects.filter(pk=job.pk).update(status="running", done=1, total=2, heartbeat_at=timezone.now())
    partial = client.get(reverse("cases:job_progress", args=[SW, job.pk])).content.decode()
    assert "Preparing… 1 of 2" in partial and 'hx-trigger="every 2s"' in partial
    BackgroundJob.objects.filter(pk=job.pk).update(status="queued")
    assert run(job.pk) == "done"
    partial = client.get(reverse("cases:job_progress", args=[SW, job.pk])).content.decode()
    assert "hx-trigger" not in partial and f"Download {case.reference}-evidence-pack.pdf" in partial
    response = client.get(reverse("cases:job_download", args=[SW, job.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="case.view_evidence_pack", target_id=str(case.pk)).exists()


def test_downloads_are_only_for_who_asked_and_may_still_see_the_case(stokes, open_for, login, user):
    case = open_for(stokes)
    assign(case, user=user("office@stokes-wood.demo"), actor=case.opened_by)
    office = login("office@stokes-wood.demo")
    assert office.post(reverse("cases:evidence_pack", args=[SW, case.pk])).status_code == 302
    job = BackgroundJob.objects.get(kind="evidence_pack")
    download = reverse("cases:job_download", args=[SW, job.pk])
    assert office.get(download).status_code == 200
    # The DSL may see the case, but did not ask for this copy; a parent and another school see nothing.
    for email in ("dsl@stokes-wood.demo", "hughes@stokes-wood.demo", "parent@stokes-wood.demo", "head@high-hesket.demo"):
        assert login(email).get(download).status_code in (403, 404), email
    # Taken off the case: the copy prepared earlier cannot be downloaded any more.
    assign(case, user=user("head@stokes-wood.demo"), actor=case.opened_by)
    assert login("office@stokes-wood.demo").get(download).status_code == 404


def test_a_failed_job_says_so_plainly_and_can_be_retried(stokes, open_for, login, monkeypatch):
    case = open_for(stokes)
    real = background_jobs.evidence_pack_pdf

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(background_jobs, "evidence_pack_pdf", broken)
    client = login("head@stokes-wood.demo")
    url = reverse("cases:evidence_pack", args=[SW, case.pk])
    client.post(url)
    job = BackgroundJob.objects.get(kind="evidence_pack")
    assert job.status == "failed" and "Something went wrong while preparing this (RuntimeError)" in job.error
    page = client.get(url).content.decode()
    assert "This could not be prepared" in page and "Try again" in page and "renderer crashed" not in page
    assert client.get(reverse("cases:job_download", args=[SW, job.pk])).status_code == 404
    monkeypatch.setattr(background_jobs, "evidence_pack_pdf", real)
    assert client.post(reverse("cases:job_retry", args=[SW, job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and not job.error
    assert client.get(reverse("cases:job_download", args=[SW, job.pk])).content.startswith(b"%PDF")


def test_a_job_whose_worker_died_is_marked_failed_not_left_running(stokes, open_for, login, queued):
    case = open_for(stokes)
    client = login("head@stokes-wood.demo")
    url = reverse("cases:case_export", args=[SW, case.pk, "chronology-pdf"])
    client.post(url)
    job = BackgroundJob.objects.get(kind="case_chronology")
    BackgroundJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now() - dt.timedelta(minutes=11))
    partial = client.get(reverse("cases:job_progress", args=[SW, job.pk])).content.decode()
    assert "worker stopped" in partial and "Try again" in partial and "hx-trigger" not in partial
    assert BackgroundJob.objects.get(pk=job.pk).status == "failed"


def test_pdfs_are_rendered_outside_any_transaction(stokes, open_for, login, monkeypatch):
    case = open_for(stokes)
    seen = []
    real = background_jobs.render_pdf

    def watching(*args, **kwargs):
        seen.append(len(connection.atomic_blocks))
        return real(*args, **kwargs)

    monkeypatch.setattr(background_jobs, "render_pdf", watching)
    monkeypatch.setattr("schoolgate.cases.packs.render_pdf", watching)
    client = login("head@stokes-wood.demo")
    outside = len(connection.atomic_blocks)  # pytest-django's own test transaction
    for url in (reverse("cases:evidence_pack", args=[SW, case.pk]), reverse("cases:case_export", args=[SW, case.pk, "chronology-pdf"]),
                reverse("cases:parent_export", args=[SW, case.parent.pk])):
        client.post(url)
    assert len(seen) == 3
    # Inside pytest-django's test transaction, the work opened no transaction of its own around the render.
    assert seen == [outside] * 3 and BackgroundJob.objects.filter(status="done").count() == 3


def test_unknown_document_kinds_and_other_peoples_jobs_are_404(stokes, open_for, login):
    case = open_for(stokes)
    client = login("head@stokes-wood.demo")
    assert client.get(reverse("cases:case_export", args=[SW, case.pk, "everything"])).status_code == 404
    assert client.get(reverse("cases:job_progress", args=[SW, 999999])).status_code == 404
    assert client.post(reverse("cases:job_retry", args=[SW, 999999])).status_code == 404


def test_the_daily_job_fails_dead_jobs_and_deletes_old_files(stokes, open_for, login, settings):
    from io import StringIO

    from schoolgate.schools.jobs import daily

    case = open_for(stokes)
    client = login("head@stokes-wood.demo")
    client.post(reverse("cases:evidence_pack", args=[SW, case.pk]))
    old = BackgroundJob.objects.get(kind="evidence_pack")
    path = old.path(old.file)
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600
    BackgroundJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    dead = BackgroundJob.objects.create(school=stokes, kind="case_chronology", title="x", params={"case": case.pk},
                                        status="running", heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    daily(stdout=out)
    assert "1 background job(s) whose worker stopped marked failed" in out.getvalue() and "1 prepared download(s)" in out.getvalue()
    assert not path.exists() and BackgroundJob.objects.get(pk=old.pk).file == ""
    assert BackgroundJob.objects.get(pk=dead.pk).status == "failed"
    page = client.get(reverse("cases:evidence_pack", args=[SW, case.pk])).content.decode()
    assert "prepared files are kept for a week" in page and "Prepare a fresh copy" in page
    assert client.get(reverse("cases:job_download", args=[SW, old.pk])).status_code == 404
