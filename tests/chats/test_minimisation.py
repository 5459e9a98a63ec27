"""Data minimisation: after the school's retention period the original goes, and unflagged messages with it."""

import os
from datetime import timedelta

from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.chats.jobs import daily
from schoolgate.chats.models import ChatMessage, ChatScan


def test_nothing_is_deleted_before_the_retention_date(scanned):
    path = scanned.file.path
    daily()
    scanned.refresh_from_db()
    assert os.path.exists(path) and scanned.purged_at is None
    assert ChatMessage.objects.filter(scan=scanned).count() == 12


def test_after_the_retention_date_only_flagged_messages_and_context_remain(scanned, login):
    path = scanned.file.path
    ChatScan.objects.filter(pk=scanned.pk).update(purge_due=timezone.localdate() - timedelta(days=1))
    daily()
    scanned.refresh_from_db()
    assert not os.path.exists(path) and not scanned.file and scanned.purged_at is not None
    kept = set(ChatMessage.objects.filter(scan=scanned).values_list("index", flat=True))
    # Flagged: 5, 7, 10; each with the message before and after.
    assert kept == {4, 5, 6, 7, 8, 9, 10, 11}
    assert scanned.findings.count() == 3  # findings stay
    assert AuditEntry.objects.filter(action="chats.purged").exists()
    # The report still reads, with its context and timeline, and says what happened.
    page = login("head@stokes-wood.demo").get(f"/stokes-wood/chats/{scanned.pk}/").content.decode()
    assert "original file was deleted" in page and "Please keep it civil" in page and "<svg" in page
    # A second run changes nothing; the scan cannot be resumed without its file.
    daily()
    assert set(ChatMessage.objects.filter(scan=scanned).values_list("index", flat=True)) == kept


def test_retention_follows_the_schools_setting(stokes, fake_judge, upload, chat_file):
    stokes.chat_file_retention_days = 7
    stokes.save()
    upload(chat_file)
    scan = ChatScan.objects.get()
    assert scan.purge_due == timezone.localdate() + timedelta(days=7)
