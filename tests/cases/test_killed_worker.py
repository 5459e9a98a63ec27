"""A worker killed mid-job loses nothing and duplicates nothing (issue 14, part 2): deadlines' reminders,
letters sent, and the tasks a dead worker leaves "running" (marked failed, queued again, run once)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.cases import jobs, letters
from schoolgate.cases.deadlines import add_deadline
from schoolgate.cases.letters import draft_letter, send_letter, update_letter
from schoolgate.cases.models import Deadline, Letter
from schoolgate.schools import orphans


@pytest.fixture
def locmem(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def overdue(case, n):
    return [add_deadline(case, kind=Deadline.Kind.REMOVAL, due_at=timezone.now() - dt.timedelta(days=1 + i)) for i in range(n)]


def test_reminders_killed_mid_loop_are_sent_once_each_on_the_rerun(stokes, open_for, locmem, monkeypatch, django_capture_on_commit_callbacks):
    case = open_for(stokes)
    deadlines = overdue(case, 3)
    real, calls = jobs.send_due_reminder, []

    def dies_on_the_second(pk):
        calls.append(pk)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(pk)

    monkeypatch.setattr(jobs, "send_due_reminder", dies_on_the_second)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        jobs.remind_overdue()
    assert Deadline.objects.filter(pk__in=[d.pk for d in deadlines], reminded_at__isnull=False).count() == 1
    monkeypatch.setattr(jobs, "send_due_reminder", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.remind_overdue() == 2
        assert jobs.remind_overdue() == 0
    assert Deadline.objects.filter(pk__in=[d.pk for d in deadlines], reminded_at__isnull=True).count() == 0
    assert len(mail.outbox) == 3
    assert AuditEntry.objects.filter(action="case.deadline_due", target_id=str(case.pk)).count() == 3


def test_a_letter_whose_sending_dies_is_still_a_draft_and_is_sent_once_on_the_retry(stokes, open_for, locmem, monkeypatch, django_capture_on_commit_callbacks):
    case = open_for(stokes)
    letter = draft_letter(case, step_id="discuss", actor=case.opened_by)
    letter = update_letter(letter, data={"recipient": letter.recipient, "recipient_address": letter.recipient_address, "subject": letter.subject,
                                         "body": letter.body, "deadline": timezone.now() + dt.timedelta(days=2), "restriction_kind": letter.restriction_kind,
                                         "recipient_email": "kelly@example.org",
                                         "clauses": [c["id"] for c in letter.context["clauses"]], "evidence": [str(e["id"]) for e in letter.context["evidence"]]},
                           actor=case.opened_by)
    real = letters.add_deadline

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(letters, "add_deadline", dies)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        send_letter(letter, actor=case.opened_by, delivery=Letter.Delivery.EMAIL)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT and not letter.sha256
    assert not mail.outbox and not case.deadlines.exists() and not case.step_actions.exists()
    assert not AuditEntry.objects.filter(action="case.letter_sent").exists()
    monkeypatch.setattr(letters, "add_deadline", real)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_letter(letter, actor=case.opened_by, delivery=Letter.Delivery.EMAIL)
    assert sent.is_sent and len(mail.outbox) == 1 and case.deadlines.count() == 1 and case.step_actions.count() == 1
    assert AuditEntry.objects.filter(action="case.letter_sent").count() == 1
    from schoolgate.cases.errors import CaseError

    with pytest.raises(CaseError, match="already been sent"):
        send_letter(letter, actor=case.opened_by, delivery=Letter.Delivery.EMAIL)
    assert len(mail.outbox) == 1


def test_a_task_left_running_by_a_dead_worker_is_failed_queued_again_and_runs_once(stokes, open_for, locmem, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from schoolgate.cases.tasks import remind_deadline

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case = open_for(stokes)
    (deadline,) = overdue(case, 1)
    result = remind_deadline.enqueue(deadline.pk)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("worker-that-died")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - dt.timedelta(hours=2))
    # A task still within its time is left alone.
    fresh = DBTaskResult.objects.get(pk=remind_deadline.enqueue(deadline.pk).id)
    fresh.claim("worker-still-working")
    assert orphans.rescue() == 1
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path.endswith("WorkerDied")
    again = DBTaskResult.objects.filter(status="READY", task_path=row.task_path).get()
    assert again.args_kwargs == row.args_kwargs
    assert DBTaskResult.objects.get(pk=fresh.pk).status == "RUNNING"
    assert orphans.rescue() == 0  # nothing stuck any more
    # The worker runs the queued copy, and any copy after it: one reminder.
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_deadline.call(deadline.pk) is True
        assert remind_deadline.call(deadline.pk) is False
    assert len(mail.outbox) == 1
