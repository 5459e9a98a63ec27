"""The scan: every text message through the judge in batches, progress, and resuming after a dead worker."""

import pytest

from schoolgate.chats import scans
from schoolgate.chats.models import ChatFinding, ChatMessage, ChatScan, Participant, ScanBatch


def test_scan_finds_breaches_with_clauses_and_spans(scanned, fake_judge):
    findings = list(scanned.findings.order_by("message_index", "start"))
    got = [(f.message_index, f.category, f.quote) for f in findings]
    assert got == [
        (5, "abuse", "idiot"),
        (7, "confidential", "07700 900123"),
        (10, "complaint", "disgrace"),
    ]
    # Stokes Wood's policy names no clause for naming_child: the judge's advice is not reported as a breach.
    assert all(f.clause.startswith("sw-") for f in findings)
    assert scanned.messages_total == scanned.messages_done == 12
    assert scanned.percent == 100
    assert ChatMessage.objects.filter(scan=scanned).count() == 12
    assert set(ChatMessage.objects.filter(flagged=True).values_list("index", flat=True)) == {5, 7, 10}
    # System notices and media placeholders are not judged.
    judged = [t for batch in fake_judge.batches for t in batch]
    assert "<Media omitted>" not in judged and not any("created group" in t for t in judged)
    assert scanned.administrator == "Dave Smith"
    assert sum(v[0] for v in scanned.daily_counts.values()) == 12
    assert scanned.daily_counts["2024-03-14"] == [2, 1]


def test_progress_fragment_polls_while_running(scanned, login):
    ChatScan.objects.filter(pk=scanned.pk).update(status="running", messages_done=6, messages_total=12)
    client = login("head@stokes-wood.demo")
    page = client.get(f"/stokes-wood/chats/{scanned.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="50"' in page
    frag = client.get(f"/stokes-wood/chats/{scanned.pk}/progress/", HTTP_HX_REQUEST="true")
    assert frag.status_code == 200 and "6 of 12" in frag.content.decode() and "HX-Refresh" not in frag
    ChatScan.objects.filter(pk=scanned.pk).update(status="done")
    frag = client.get(f"/stokes-wood/chats/{scanned.pk}/progress/", HTTP_HX_REQUEST="true")
    assert frag["HX-Refresh"] == "true" and "every 1s" not in frag.content.decode()


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in the scan catches it."""


def _snapshot(scan):
    return sorted(ChatFinding.objects.filter(scan=scan).values_list("message_index", "category", "clause", "start", "end", "quote"))


def _big_chat(n=50):
    lines = ["01/04/2024, 08:00 - Dave Smith created group \"Class 4\""]
    for i in range(n):
        who = ["Kelly Bennett", "Ravi Shah", "Dave Smith"][i % 3]
        text = "Mr Hughes is useless" if i % 7 == 0 else ("Olly said hi" if i % 11 == 0 else f"message {i}")
        lines.append(f"{1 + i // 20:02d}/04/2024, {8 + (i % 10):02d}:{i % 60:02d} - {who}: {text}")
    return "\n".join(lines) + "\n"


def test_resume_after_killed_worker_loses_and_duplicates_nothing(stokes, fake_judge, upload, settings):
    # Reference: the same export scanned in one go.
    upload(_big_chat(), name="WhatsApp Chat with Class 4.txt")
    clean = ChatScan.objects.get()
    expected = _snapshot(clean)
    assert len(expected) > 5

    # The same file again, with a worker that dies after committing 3 batches of 8.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # queue, don't run
    upload(_big_chat(), name="WhatsApp Chat with Class 4.txt")
    scan = ChatScan.objects.exclude(pk=clean.pk).get()
    ChatScan.objects.filter(pk=scan.pk).update(batch_size=8)

    def die(number):
        if number == 2:
            raise WorkerKilled

    with pytest.raises(WorkerKilled):
        scans.run_scan(scan.pk, after_batch=die)
    scan.refresh_from_db()
    assert scan.status == "running" and scan.batches_done == 3 and scan.messages_done == 24
    partial = _snapshot(scan)
    assert partial == [f for f in expected if f[0] < 24]  # committed batches are complete
    assert ChatMessage.objects.filter(scan=scan).count() == 24

    # A replayed batch (as if its done mark were lost) must not duplicate findings or counts either.
    ScanBatch.objects.filter(scan=scan, number=2).update(status="pending", done_at=None)
    judged_before = sum(len(b) for b in fake_judge.batches)
    scans.run_scan(scan.pk)
    scan.refresh_from_db()
    assert scan.status == "done"
    assert _snapshot(scan) == expected
    assert ChatMessage.objects.filter(scan=scan).count() == 51
    # Batches 0 and 1 were skipped on resume: only messages from index 16 on were judged again.
    assert sum(len(b) for b in fake_judge.batches) - judged_before == len([i for i in range(16, 51)])
    assert Participant.objects.filter(scan=scan).count() == 3
    assert sum(Participant.objects.filter(scan=scan).values_list("messages", flat=True)) == 50


def test_stalled_scan_is_resumed_by_the_daily_job(stokes, fake_judge, upload, settings):
    from datetime import timedelta

    from django.utils import timezone

    from schoolgate.chats.jobs import daily

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    upload(_big_chat(20), name="WhatsApp Chat with Class 4.txt")
    scan = ChatScan.objects.get()
    ChatScan.objects.filter(pk=scan.pk).update(batch_size=5)

    def die(number):
        raise WorkerKilled

    with pytest.raises(WorkerKilled):
        scans.run_scan(scan.pk, after_batch=die)
    ChatScan.objects.filter(pk=scan.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    daily()
    scan.refresh_from_db()
    assert scan.status == "done" and scan.messages_done == 21


def test_resume_button_for_a_failed_scan(scanned, login):
    ChatScan.objects.filter(pk=scanned.pk).update(status="failed", error="boom")
    client = login("head@stokes-wood.demo")
    assert "Resume the scan" in client.get(f"/stokes-wood/chats/{scanned.pk}/").content.decode()
    assert client.get(f"/stokes-wood/chats/{scanned.pk}/resume/").status_code == 405
    response = client.post(f"/stokes-wood/chats/{scanned.pk}/resume/")
    assert response.status_code == 302
    scanned.refresh_from_db()
    assert scanned.status == "done" and scanned.findings.count() == 3


def test_judge_failure_marks_the_scan_failed_not_a_500(stokes, broken_judge, upload, chat_file):
    response = upload(chat_file)
    assert response.status_code == 302
    scan = ChatScan.objects.get()
    assert scan.status == "failed" and "resumed" in scan.error


def test_watching_a_stalled_scan_resumes_it(stokes, fake_judge, upload, settings, login):
    from datetime import timedelta

    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    upload(_big_chat(20), name="WhatsApp Chat with Class 4.txt")
    scan = ChatScan.objects.get()
    ChatScan.objects.filter(pk=scan.pk).update(batch_size=5)

    def die(number):
        raise WorkerKilled

    with pytest.raises(WorkerKilled):
        scans.run_scan(scan.pk, after_batch=die)
    client = login("head@stokes-wood.demo")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.get(f"/stokes-wood/chats/{scan.pk}/progress/", HTTP_HX_REQUEST="true")
    scan.refresh_from_db()
    assert scan.status == "running"  # not stalled yet: a slow batch is not a dead worker
    ChatScan.objects.filter(pk=scan.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=6))
    frag = client.get(f"/stokes-wood/chats/{scan.pk}/progress/", HTTP_HX_REQUEST="true")
    scan.refresh_from_db()
    assert scan.status == "done" and frag["HX-Refresh"] == "true"
    from schoolgate.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="chats.scan_resumed").exists()
