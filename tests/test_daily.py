"""`schoolgate daily`: every app's daily job runs from the one command, each doing its real work."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from schoolgate.cases.closing import close_case
from schoolgate.cases.deadlines import add_deadline
from schoolgate.cases.models import Case, Deadline
from schoolgate.cases.opening import open_case
from schoolgate.chats.models import ChatScan
from schoolgate.chats.scans import run_scan
from schoolgate.chats.uploads import record_upload
from schoolgate.policies.models import Acknowledgement

CHAT = "\n".join([
    "01/03/2024, 09:00 - Sarah Jones: Has anyone got the trip letter?",
    "01/03/2024, 09:05 - Dan Price: Mr Hughes is a liar, honestly",
    "01/03/2024, 09:06 - Sarah Jones: Thanks, found it",
]) + "\n"


@pytest.fixture
def due_work(stokes, user, fake_judge, django_capture_on_commit_callbacks):
    head = user("head@stokes-wood.demo")
    parent = user("parent@stokes-wood.demo")
    # Policies: one person has not acknowledged the current version and was never reminded.
    ack = Acknowledgement.objects.create(version=stokes.current_policy(), user=parent, notified_at=timezone.now() - dt.timedelta(days=10))
    # Cases: an open case whose removal deadline passed yesterday, and a closed case past retention.
    with django_capture_on_commit_callbacks(execute=False):  # the worker would remind at the due time; daily catches up
        overdue = open_case(stokes, opened_by=head, concern="Posts about staff", parent_user=parent, evidence_text="He is a liar")
        add_deadline(overdue, kind=Deadline.Kind.REMOVAL, due_at=timezone.now() - dt.timedelta(days=1), actor=head)
    old = open_case(stokes, opened_by=head, concern="An old matter", parent_name="Someone Else")
    close_case(old, outcome="Resolved", actor=head)
    Case.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=365 * stokes.case_retention_years + 2))
    # Chats: a scanned chat whose original is past the school's retention date.
    scan = record_upload(stokes, user=head, upload=ContentFile(CHAT.encode(), name="WhatsApp Chat with Y4.txt"), day_first=True, permission={
        "parent_name": "Kelly Bennett", "relation": "member", "given_on": dt.date(2024, 3, 2), "scope": "Y4 group, March", "purpose": "Posts about staff"})
    run_scan(scan.pk)
    ChatScan.objects.filter(pk=scan.pk).update(purge_due=timezone.localdate() - dt.timedelta(days=1))
    mail.outbox.clear()
    return {"ack": ack, "overdue": overdue, "old": old, "scan": scan}


def test_daily_runs_every_apps_job(due_work, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("daily", stdout=out)
    text = out.getvalue()

    # Policies: the reminder went, and is recorded.
    due_work["ack"].refresh_from_db()
    assert due_work["ack"].reminders_sent == 1 and "acknowledgement reminder(s) sent" in text
    assert any(m.to == ["parent@stokes-wood.demo"] and "social media policy" in m.subject for m in mail.outbox)
    # Cases: the passed deadline was reminded once; the closed case past retention is gone.
    assert Deadline.objects.get(case=due_work["overdue"]).reminded_at is not None
    assert "cases: 1 deadline reminder(s) sent" in text
    assert not Case.objects.filter(pk=due_work["old"].pk).exists() and f"purged {due_work['old'].reference}" in text
    # Chats: the original file is deleted; the flagged message and its neighbours are kept.
    scan = ChatScan.objects.get(pk=due_work["scan"].pk)
    assert scan.purged_at is not None and not scan.file and "past its retention date" in text

    # A second run the same day has nothing left to do.
    again = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("daily", stdout=again)
    assert again.getvalue() == ""
