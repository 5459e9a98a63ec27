"""Issue 14: one long chat scan's batches on several task workers at once ("lanes", `scans.run_scan`).

Two lanes run at the same time, each in its own thread with its own database connection, on a real database:
an SQLite file in WAL mode with its busy timeout, as `schoolgate worker` runs it (in a fresh process: the
test suite's in-memory database cannot take writes from several threads), and PostgreSQL when the suite
runs there (in this process, on the test database). Together they must save every batch exactly once,
find exactly what one lane alone finds (findings, messages, participants and their numbers, daily
counts), finish the scan once, and judge nothing inside a transaction.

With the old code (one task walking every batch in order) two tasks for one scan each scanned the whole
file: every batch was judged and saved twice and the scan was finished twice.

This file is also the SQLite process's script (`python tests/chats/test_scan_lanes.py`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MESSAGES = 600
BATCH = 20  # 31 batches (the created-group notice is message 0)


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in the scan catches it."""


class LaneJudge:
    """A predictable judge (the real one's interface): each pattern is a finding of its category. It sleeps a
    little per batch so two lanes' batches interleave, notes whether it ran inside a transaction, and can
    kill its worker on the first batch that holds a given text."""

    WORDS = {"useless": "abuse", "disgrace": "complaint", r"07\d{3} ?\d{6}": "confidential"}

    def __init__(self, delay: float = 0.0, kill_on: str | None = None):
        self.delay, self.kill_on = delay, kill_on
        self.lock = threading.Lock()
        self.judged: list[str] = []
        self.inside_transaction = 0

    def analyse_batch(self, texts, policy, roster=None, *, authors=None):
        from django.db import connection

        from schoolgate.judge.types import Finding, Verdict

        if self.kill_on is not None and self.kill_on in texts:
            self.kill_on = None
            raise WorkerKilled
        with self.lock:
            self.judged += texts
            self.inside_transaction += int(connection.in_atomic_block)
        if self.delay:
            time.sleep(self.delay)
        out = []
        for text in texts:
            findings = []
            for pattern, category in self.WORDS.items():
                for m in re.finditer(rf"\b{pattern}\b", text):
                    clauses = policy.clauses_for(category)
                    findings.append(Finding(category=category, clause=clauses[0].id if clauses else None, score=0.9,
                                            start=m.start(), end=m.end(), quote=m.group(0), breach=bool(clauses)))
            out.append(Verdict(decision="block" if findings else "allow", explanation="lane judge",
                               scores={f.category: f.score for f in findings}, findings=findings))
        return out

    def analyse(self, text, policy, roster=None, *, author=None):
        return self.analyse_batch([text], policy, roster)[0]


def long_chat(n: int = MESSAGES) -> str:
    """Parents of the school (Kelly Bennett, Ravi Shah) and people who are not (a new guest every 45 messages,
    so the numbered participants' first messages fall in many different batches)."""
    lines = ['01/04/2024, 08:00 - Dave Smith created group "Class 4"']
    for i in range(n):
        who = ["Kelly Bennett", "Ravi Shah", "Dave Smith", f"Guest {i // 45}"][i % 4]
        text = ("Mr Hughes is useless" if i % 7 == 0 else "ring me on 07700 900123" if i % 29 == 0
                else "the school is a disgrace" if i % 31 == 0 else f"message {i}")
        lines.append(f"{1 + (i // 40) % 28:02d}/04/2024, {8 + (i % 10):02d}:{i % 60:02d} - {who}: {text}")
    return "\n".join(lines) + "\n"


def new_scan(school, content: str):
    from django.core.files.base import ContentFile

    from schoolgate.chats.models import ChatScan
    from schoolgate.chats.uploads import record_upload

    scan = record_upload(school, user=None, upload=ContentFile(content.encode(), name="WhatsApp Chat with Class 4.txt"),
                         day_first=True, permission={"parent_name": "Kelly Bennett", "relation": "member",
                                                     "given_on": "2024-04-30", "scope": "Class 4", "purpose": "test"})
    ChatScan.objects.filter(pk=scan.pk).update(batch_size=BATCH)
    return scan


def outcome(scan) -> dict:
    """Everything a scan found and saved, without ids, to compare a two-lane scan with a one-lane scan."""
    from schoolgate.audit.models import AuditEntry
    from schoolgate.chats.models import ChatFinding, ChatMessage, ScanBatch

    scan.refresh_from_db()
    return {
        "status": scan.status,
        "messages_done": scan.messages_done, "messages_total": scan.messages_total, "batches_done": scan.batches_done,
        "administrator": scan.administrator, "participant_count": scan.participant_count,
        "daily_counts": scan.daily_counts,
        "findings": sorted(list(r) for r in ChatFinding.objects.filter(scan=scan).values_list(
            "message_index", "category", "clause", "start", "end", "quote", "author")),
        "messages": ChatMessage.objects.filter(scan=scan).count(),
        "flagged": sorted(ChatMessage.objects.filter(scan=scan, flagged=True).values_list("index", flat=True)),
        "participants": sorted([p.name, p.number, p.messages, p.first_at.isoformat(), p.last_at.isoformat(), p.person_id]
                               for p in scan.participants.all()),
        "batches": sorted(ScanBatch.objects.filter(scan=scan).values_list("status", flat=True).distinct()),
        "finished": AuditEntry.objects.filter(action="chats.scan_finished", target_id=str(scan.pk)).count(),
    }


def two_lanes(school) -> dict:
    """A one-lane reference scan, then the same file scanned by two lanes at once (threads, own connections)."""
    from django.conf import settings
    from django.db import connection

    from schoolgate.chats.scans import run_scan

    settings.SCHOOLGATE_JUDGE = alone = LaneJudge()
    reference = new_scan(school, long_chat())
    run_scan(reference.pk)
    expected = outcome(reference)

    settings.SCHOOLGATE_JUDGE = judge = LaneJudge(delay=0.02)
    scan = new_scan(school, long_chat())
    saved: dict[int, list[int]] = {0: [], 1: []}
    errors: list[str] = []
    go = threading.Barrier(2)

    def lane(n):
        try:
            go.wait()
            run_scan(scan.pk, after_batch=saved[n].append)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=lane, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"expected": expected, "got": outcome(scan), "saved": saved, "errors": errors,
            "judged": sorted(judge.judged), "judged_alone": sorted(alone.judged),
            "inside_transaction": judge.inside_transaction + alone.inside_transaction}


def check_two_lanes(result: dict) -> None:
    assert not result["errors"], result["errors"]
    expected, got = result["expected"], result["got"]
    assert expected["status"] == "done" and expected["finished"] == 1
    assert expected["messages_total"] == MESSAGES + 1 and len(expected["findings"]) > 30
    assert expected["participant_count"] == 3 + MESSAGES // 45 + 1  # three named, the guests numbered
    # Every batch saved exactly once, by one lane or the other, and both lanes did some of them.
    first, second = result["saved"].values()
    assert sorted(first + second) == list(range(-(-(MESSAGES + 1) // BATCH))), result["saved"]
    assert first and second, result["saved"]
    # Each message judged once, and never inside a transaction.
    assert result["judged"] == result["judged_alone"], "a message was judged twice, or not at all"
    assert result["inside_transaction"] == 0
    # The same findings, messages, participants (numbered in order of first message), counts; finished once.
    assert got == expected


def test_two_lanes_on_an_sqlite_file_share_the_batches(tmp_path):
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "schoolgate.settings",
           "DATABASE_URL": ""}
    env.pop("SECRET_KEY", None)
    done = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    check_two_lanes(json.loads(done.stdout.strip().splitlines()[-1]))


def test_two_lanes_on_postgresql_share_the_batches(transactional_db, stokes, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the SQLite case runs in its own process above)")
    check_two_lanes(two_lanes(stokes))


def test_a_lane_killed_mid_batch_leaves_it_to_be_claimed_again(stokes, settings):
    """The killed lane's batch is not taken from it while its claim is fresh (it may only be slow); once the claim
    is older than the stall time another lane scans it, and nothing is lost, duplicated or finished twice."""
    from django.utils import timezone

    from schoolgate.chats.models import ChatScan, ScanBatch
    from schoolgate.chats.scans import run_scan

    settings.SCHOOLGATE_JUDGE = LaneJudge()
    reference = new_scan(stokes, long_chat(200))
    run_scan(reference.pk)
    expected = outcome(reference)

    settings.SCHOOLGATE_JUDGE = judge = LaneJudge(kill_on="message 61")  # batch 3: messages 60-79
    scan = new_scan(stokes, long_chat(200))
    with pytest.raises(WorkerKilled):
        run_scan(scan.pk)
    killed = ScanBatch.objects.get(scan=scan, number=3)
    assert killed.status == "claimed" and killed.claimed_at is not None

    # Another worker's lane: every other batch, but not the one a (maybe slow) worker still holds.
    run_scan(scan.pk)
    scan.refresh_from_db()
    assert scan.status == "running"
    assert list(ScanBatch.objects.filter(scan=scan).exclude(status="done").values_list("number", flat=True)) == [3]
    assert scan.messages_done == 201 - 20 and scan.batches_done == 10
    assert not scan.messages.filter(index__gte=60, index__lt=80).exists()

    # The claim runs out (the worker is dead): the next lane scans batch 3 and finishes the scan.
    ScanBatch.objects.filter(pk=killed.pk).update(claimed_at=timezone.now() - ChatScan.STALL_AFTER - timedelta(seconds=1))
    judged_before = len(judge.judged)
    run_scan(scan.pk)
    assert len(judge.judged) - judged_before == 20
    assert outcome(scan) == expected
    assert ScanBatch.objects.get(pk=killed.pk).claims == 2


def test_a_batch_is_saved_once_and_the_scan_finished_once(stokes, settings):
    """A batch judged by two lanes (the first one's claim ran out while it was slow) is saved by whichever
    finishes first; finishing a finished scan does nothing."""
    from schoolgate.audit.models import AuditEntry
    from schoolgate.chats import scanning, scans
    from schoolgate.chats.models import ScanBatch
    from schoolgate.chats.people import ParentMatcher
    from schoolgate.policies.judging import policy_view_for

    settings.SCHOOLGATE_JUDGE = LaneJudge()
    scan = new_scan(stokes, long_chat(100))
    scans.run_scan(scan.pk)
    before = outcome(scan)
    assert before["status"] == "done" and before["finished"] == 1
    batch = ScanBatch.objects.get(scan=scan, number=2)
    messages = scans._Reader(scan).read(batch.first_index, batch.messages)
    judged = scanning.JudgedBatch(2, messages, scanning.judge_messages(messages, policy_view_for(stokes), None))
    assert scans._save(scan, batch, judged, ParentMatcher(stokes)) is False
    assert scans._finalise(scan) is False
    assert scans.run_scan(scan.pk).status == "done"
    assert outcome(scan) == before
    assert AuditEntry.objects.filter(action="chats.scan_finished").count() == 1


def test_a_failed_lane_stops_the_others_and_hands_back_its_batch(stokes, settings):
    from schoolgate.chats.models import ScanBatch
    from schoolgate.chats.scans import run_scan
    from schoolgate.chats.tasks import resume_scan

    class Failing(LaneJudge):
        def analyse_batch(self, texts, policy, roster=None, *, authors=None):
            if "message 61" in texts:
                raise RuntimeError("model files missing")
            return super().analyse_batch(texts, policy, roster, authors=authors)

    settings.SCHOOLGATE_JUDGE = Failing()
    scan = new_scan(stokes, long_chat(200))
    run_scan(scan.pk)
    scan.refresh_from_db()
    assert scan.status == "failed" and "resumed" in scan.error
    assert ScanBatch.objects.get(scan=scan, number=3).status == "pending"  # not left claimed by a live lane
    assert scan.messages_done == 60
    settings.SCHOOLGATE_JUDGE = LaneJudge()
    assert resume_scan(scan)
    scan.refresh_from_db()
    assert scan.status == "done" and scan.messages_done == 201


def test_a_lane_reads_forward_and_reopens_the_file_to_go_back(stokes):
    """A lane keeps its place in the file (lanes claim in order, so it reads the file once); a batch behind
    that place (one a dead worker left) reopens the file and reads the same messages."""
    from schoolgate.chats import scans

    scan = new_scan(stokes, long_chat(100))
    reader = scans._Reader(scan)
    later = reader.read(40, 20)
    assert [m.index for m in later] == list(range(40, 60)) and reader.next == 60
    assert [m.index for m in reader.read(80, 20)] == list(range(80, 100))
    earlier = reader.read(20, 20)
    assert [m.index for m in earlier] == list(range(20, 40)) and earlier[0].text == "message 19"
    with pytest.raises(scans.ScanError, match="has changed"):
        reader.read(95, 20)  # past the end: the file is not the one the scan was split from
    reader.close()


def test_enqueue_queues_one_task_per_lane(stokes, settings):
    from schoolgate.chats.models import ChatScan
    from schoolgate.chats.tasks import enqueue_scan

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.SCHOOLGATE_SCAN_LANES = 3
    from django.tasks import default_task_backend

    default_task_backend.clear()
    scan = new_scan(stokes, long_chat(40))
    enqueue_scan(scan)
    assert [r.args for r in default_task_backend.results] == [[scan.pk]] * 3
    assert ChatScan.objects.get(pk=scan.pk).task_id == str(default_task_backend.results[0].id)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    from schoolgate import datadir

    datadir.prepare()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    school = School.objects.get(slug="stokes-wood")
    connections.close_all()
    json.dump(two_lanes(school), sys.stdout)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
