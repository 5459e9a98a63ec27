"""Large roster files: imported by the background worker in committed chunks, with progress on a page; a
worker that dies mid-import is marked failed, and the retry carries on with nobody added twice."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.schools import roster
from schoolgate.schools.background import BackgroundJob
from schoolgate.schools.models import Guardianship, Person

SW = "stokes-wood"


def big_file(pupils: int) -> bytes:
    lines = ["name,role,group,aliases"]
    lines += [f"Pupil {n:05d},pupil,Year {n % 6 + 1}," for n in range(pupils)]
    lines += [f"Parent {n:05d},parent,pupil {n:05d}," for n in range(0, pupils, 2)]  # case ignored
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(roster, "INLINE_ROWS", 10)
    monkeypatch.setattr("schoolgate.schools.views.INLINE_ROWS", 10)
    monkeypatch.setattr(roster, "CHUNK", 7)


def upload(client, data):
    return client.post(reverse("schools:roster", args=[SW]), {"file": SimpleUploadedFile("big.csv", data, "text/csv")})


def test_a_large_file_is_queued_with_progress_then_imported(stokes, login, small_chunks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not run at once
    before = Person.objects.filter(school=stokes).count()
    client = login("office@stokes-wood.demo")
    response = upload(client, big_file(30))
    assert response.status_code == 302
    job = BackgroundJob.objects.get(kind="roster_import")
    assert response["Location"] == reverse("schools:roster_import", args=[SW, job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the background worker" in page and 'hx-trigger="every 2s"' in page
    assert Person.objects.filter(school=stokes).count() == before  # nothing written by the web request
    upload_path = job.path(job.input_file)
    assert upload_path.exists() and upload_path.stat().st_mode & 0o777 == 0o600
    assert roster_run(job) == "done"
    job.refresh_from_db()
    assert job.input_file == "" and not upload_path.exists()  # the uploaded file is not kept once imported
    partial = client.get(reverse("schools:roster_import_progress", args=[SW, job.pk])).content.decode()
    assert "hx-trigger" not in partial and "Ready" in partial and "45 added" in partial
    assert Person.objects.filter(school=stokes).count() == before + 45
    assert Guardianship.objects.filter(child__school=stokes, parent__name__startswith="Parent ").count() == 15


def roster_run(job):
    from schoolgate.schools.background import run

    return run(job.pk)


def test_a_bad_large_file_is_refused_on_the_page_and_queues_nothing(stokes, login, small_chunks):
    response = upload(login("office@stokes-wood.demo"), big_file(30) + b"Someone,teacher,,\n")
    assert response.status_code == 400 and "line 47" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_a_worker_killed_mid_import_is_marked_failed_and_the_retry_duplicates_nothing(stokes, login, small_chunks, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = login("office@stokes-wood.demo")
    before = Person.objects.filter(school=stokes).count()
    imports = AuditEntry.objects.filter(action="roster.import", school=stokes).count()
    job = BackgroundJob.objects.get(pk=upload(client, big_file(30))["Location"].rstrip("/").rsplit("/", 1)[1])
    real_apply, calls = roster._apply, []

    def dies_on_the_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("worker killed")  # not an Exception: the job is left "running", as a kill leaves it
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(roster, "_apply", dies_on_the_third_chunk)
    with pytest.raises(SystemExit):
        roster_run(job)
    job.refresh_from_db()
    assert job.status == "running" and job.done == 14
    assert Person.objects.filter(school=stokes).count() == before + 14  # two chunks committed, with their checkpoint
    # The heartbeat stops; the page marks it failed and offers a retry.
    BackgroundJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=11))
    page = client.get(reverse("schools:roster_import", args=[SW, job.pk])).content.decode()
    assert "This could not be prepared" in page and "worker stopped" in page and "Try again" in page
    monkeypatch.setattr(roster, "_apply", real_apply)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert client.post(reverse("schools:roster_import_retry", args=[SW, job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2
    assert Person.objects.filter(school=stokes).count() == before + 45
    assert Person.objects.filter(school=stokes, name__startswith="Pupil ").values("name").distinct().count() == 30
    assert job.summary == "Roster imported: 45 added, 0 updated, 0 unchanged, 15 parent–child links."
    assert AuditEntry.objects.filter(action="roster.import", school=stokes).count() == imports + 1


def test_an_import_page_is_for_moderators_of_that_school(stokes, hesket, login, small_chunks):
    job_url = upload(login("office@stokes-wood.demo"), big_file(30))["Location"]
    assert login("parent@stokes-wood.demo").get(job_url).status_code == 403
    assert login("head@high-hesket.demo").get(job_url).status_code == 404


def test_the_command_imports_a_large_file_in_committed_chunks(stokes, small_chunks, tmp_path, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr("schoolgate.schools.management.commands.roster.INLINE_ROWS", 10)
    commits = []
    real = roster._checkpoint
    monkeypatch.setattr(roster, "_checkpoint", lambda job, done, total, result: commits.append(done) or real(job, done, total, result))
    path = tmp_path / "big.csv"
    path.write_bytes(big_file(30))
    before = Person.objects.filter(school=stokes).count()
    call_command("roster", "import", str(path), "--school", "stokes-wood")
    assert commits == [7, 14, 21, 28, 35, 42, 45, 46]  # seven chunks, then the links
    assert Person.objects.filter(school=stokes).count() == before + 45
    call_command("roster", "import", str(path), "--school", "stokes-wood")  # again: nobody twice
    assert Person.objects.filter(school=stokes).count() == before + 45
