"""One long chat scan on 1 and then 2 task workers (`schoolgate worker`): messages per second for each.

Run from the repository root (the machine as quiet as you can make it):

    .venv/bin/python bench/scan_workers.py [--messages 10000] [--workers 1 2] [--database-url postgres://...]

For each worker count: a fresh database (an SQLite file in a new data directory, or a new database on the
PostgreSQL server given), the demo schools, one generated WhatsApp export (bench/chats.py's generator)
uploaded and queued as the web upload queues it (`tasks.enqueue_scan`: SCHOOLGATE_SCAN_LANES tasks, 2 by
default); then N `schoolgate worker --batch` processes are started and the scan is timed until done.
Each worker is started in its own session, as `schoolgate run` and systemd start them: Linux's scheduler
(autogroup) shares the CPU between sessions, so workers in this script's one session would share one
session's slice of a busy machine, and two would get no more CPU than one.

Printed per run:
  wall msg/s    messages / (workers started -> scan done): includes starting Python and loading the judge.
  steady msg/s  from the ScanBatch rows' save times, once every lane has saved its first batch (workers up,
                judge loaded) to the last batch: messages saved in between / seconds.
  worker CPU s  each worker process's CPU time (user + system): on a busy machine the wall times mostly
                measure the other work; CPU time per worker shows whether the work itself split in two.
  CPU msg/s     messages / (the busiest worker's CPU s - one worker's start-up CPU s): the rate with a free
                core per worker and no waiting, i.e. what the wall rate approaches on a quiet machine.
and the load average before and after (other work on the machine skews both). The parse cost of the lanes'
reading (each lane reads the file once, skipping the other lanes' batches) is printed beside the judge's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _django(data_dir: str, database_url: str) -> None:
    os.environ["SCHOOLGATE_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    from schoolgate import datadir

    datadir.prepare()
    import django

    django.setup()


def child_setup(data_dir: str, database_url: str, chat: str) -> None:
    """A fresh database with the demo schools, the chat uploaded and its scan queued (nothing scanned)."""
    _django(data_dir, database_url)
    from datetime import date

    from django.core.files.base import ContentFile

    from schoolgate.bootstrap import ensure_database
    from schoolgate.chats.tasks import enqueue_scan
    from schoolgate.chats.uploads import record_upload
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    ensure_database()
    build()
    school = School.objects.get(slug="stokes-wood")
    path = Path(chat)
    scan = record_upload(school, user=None, upload=ContentFile(path.read_bytes(), name=path.name), day_first=True,
                         permission={"parent_name": "Bench", "relation": "member", "given_on": date(2024, 1, 1),
                                     "scope": "generated export", "purpose": "benchmark of the scan workers"})
    enqueue_scan(scan)
    print(json.dumps({"scan": scan.pk}))


def child_result(data_dir: str, database_url: str, scan_pk: int) -> None:
    _django(data_dir, database_url)
    from schoolgate.chats.models import ChatScan, ScanBatch

    scan = ChatScan.objects.get(pk=scan_pk)
    rows = list(ScanBatch.objects.filter(scan=scan).values("claimed_by", "done_at", "messages", "claims"))
    lanes: dict[str, float] = {}
    for r in rows:
        t = r["done_at"].timestamp()
        lanes[r["claimed_by"]] = min(lanes.get(r["claimed_by"], t), t)
    t0 = max(lanes.values())
    last = max(r["done_at"].timestamp() for r in rows)
    after = sum(r["messages"] for r in rows if r["done_at"].timestamp() > t0)
    print(json.dumps({
        "status": scan.status, "error": scan.error, "messages": scan.messages_done, "findings": scan.findings.count(),
        "lanes_that_saved": len(lanes), "batches_per_lane": sorted(sum(1 for r in rows if r["claimed_by"] == k) for k in lanes),
        "claims": sum(r["claims"] for r in rows), "batches": len(rows),
        "steady_messages": after, "steady_s": last - t0,
        "started": scan.started_at.timestamp(), "finished": scan.finished_at.timestamp() if scan.finished_at else None,
    }))


def child_parse_vs_judge(chat: str, n: int) -> None:
    """Seconds to parse the whole file once (what each lane's reading costs) and to judge its first n messages."""
    _django(tempfile.mkdtemp(prefix="schoolgate-bench-"), "")
    from schoolgate.bootstrap import ensure_database
    from schoolgate.chats import scanning
    from schoolgate.chats.parsers import parse
    from schoolgate.judge.types import Person, Roster
    from schoolgate.policies.judging import judge_batch, policy_view_for
    from schoolgate.schools.models import School

    ensure_database()

    t = time.perf_counter()
    messages = list(parse(chat, day_first=True))
    parse_s = time.perf_counter() - t
    policy = policy_view_for(School.objects.get(slug="stokes-wood"))
    roster = Roster((Person("Olivia Brown", "pupil", "Year 4"),))
    texts = [m.text for m in messages[:n] if m.kind == "text"]
    judge_batch(policy, roster, texts[:8], [None] * 8)  # model load is not per message
    t = time.perf_counter()
    for i in range(0, len(texts), scanning.BATCH_SIZE):
        chunk = texts[i: i + scanning.BATCH_SIZE]
        judge_batch(policy, roster, chunk, [None] * len(chunk))
    judge_s = time.perf_counter() - t
    print(json.dumps({"messages": len(messages), "parse_s": parse_s, "judged": min(n, len(messages)), "judge_s": judge_s}))


def _child(*args: str, env=None) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _postgres_database(base_url: str, name: str, *, drop: bool = False) -> str:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(base_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(workers: int, chat: Path, database_url: str) -> dict:
    data_dir = tempfile.mkdtemp(prefix="schoolgate-bench-workers-")
    db_name = f"schoolgate_bench_workers_{os.getpid()}_{workers}"
    url = _postgres_database(database_url, db_name) if database_url else ""
    try:
        scan = _child("--setup", data_dir, url, str(chat))["scan"]
        env = {**os.environ, "SCHOOLGATE_DATA_DIR": data_dir, "DATABASE_URL": url}
        load_before = os.getloadavg()
        t0 = time.time()
        procs = [subprocess.Popen([str(ROOT / ".venv/bin/schoolgate"), "worker", "--batch", "--no-startup-delay",
                                   "--interval", "0.1"], env=env, cwd=ROOT, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for _ in range(workers)]
        cpu = []
        for p in procs:
            _, status, usage = os.wait4(p.pid, 0)  # the worker's own CPU time, user + system
            p.returncode = os.waitstatus_to_exitcode(status)
            cpu.append(usage.ru_utime + usage.ru_stime)
            if p.returncode:
                raise SystemExit(f"worker failed: {p.stderr.read()[-2000:]}")
        wall = time.time() - t0
        result = _child("--result", data_dir, url, str(scan))
        result.update(workers=workers, wall_s=wall, cpu_s=cpu, load_before=load_before, load_after=os.getloadavg())
        return result
    finally:
        if database_url:
            _postgres_database(database_url, db_name, drop=True)
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--database-url", default="", help="a PostgreSQL server (a database is made and dropped per run); "
                                                        "default: an SQLite file")
    ap.add_argument("--setup", nargs=3)
    ap.add_argument("--result", nargs=3)
    ap.add_argument("--parse-vs-judge", nargs=2)
    args = ap.parse_args()
    if args.setup:
        child_setup(*args.setup)
        return 0
    if args.result:
        child_result(args.result[0], args.result[1], int(args.result[2]))
        return 0
    if args.parse_vs_judge:
        child_parse_vs_judge(args.parse_vs_judge[0], int(args.parse_vs_judge[1]))
        return 0

    from bench.chats import generate

    with tempfile.TemporaryDirectory(prefix="schoolgate-bench-") as tmp:
        chat = Path(tmp) / "WhatsApp Chat with Y4 Parents.txt"
        generate(chat, args.messages)
        where = "PostgreSQL" if args.database_url else "SQLite file"
        print(f"{args.messages:,} generated messages, {chat.stat().st_size / 1024**2:.1f} MB; {where}; "
              f"{os.cpu_count()} CPUs; lanes per scan: {os.environ.get('SCHOOLGATE_SCAN_LANES', '2')}")
        pj = _child("--parse-vs-judge", str(chat), str(min(2000, args.messages)))
        print(f"one lane's reading of the file: {pj['parse_s']:.2f} s for {pj['messages']:,} messages; "
              f"the judge: {pj['judge_s']:.2f} s for the first {pj['judged']:,} "
              f"(~{pj['judge_s'] / pj['judged'] * pj['messages']:.0f} s for the file)")
        # Start-up: a 300-message scan, so every part of the judge is loaded (it loads its models lazily).
        tiny = Path(tmp) / "WhatsApp Chat with Few.txt"
        generate(tiny, 300)
        startup = run(1, tiny, args.database_url)["cpu_s"][0]
        print(f"a worker's start-up CPU (Django, the judge loaded, one 300-message scan): {startup:.1f} s")
        print(f"\n{'workers':>7} {'wall s':>7} {'wall msg/s':>10} {'steady msg/s':>12} {'CPU msg/s':>9} {'lanes':>5} {'batches/lane':>13} "
              f"{'claims':>6} {'findings':>8} {'worker CPU s':>12}  load avg before -> after")
        rates = {}
        for n in args.workers:
            r = run(n, chat, args.database_url)
            if r["status"] != "done":
                print(f"{n:>7} scan {r['status']}: {r['error']}")
                continue
            steady = r["steady_messages"] / r["steady_s"] if r["steady_s"] > 0 else float("nan")
            by_cpu = r["messages"] / max(0.01, max(r["cpu_s"]) - startup)
            rates[n] = (r["messages"] / r["wall_s"], steady, by_cpu)
            print(f"{n:>7} {r['wall_s']:>7.1f} {rates[n][0]:>10,.0f} {steady:>12,.0f} {by_cpu:>9,.0f} {r['lanes_that_saved']:>5} "
                  f"{'/'.join(map(str, r['batches_per_lane'])):>13} {r['claims']:>6} {r['findings']:>8} "
                  f"{'+'.join(f'{c:.1f}' for c in r['cpu_s']):>12}  "
                  f"{' '.join(f'{x:.2f}' for x in r['load_before'])} -> {' '.join(f'{x:.2f}' for x in r['load_after'])}")
        if 1 in rates and 2 in rates:
            print(f"\n2 workers / 1 worker: wall x{rates[2][0] / rates[1][0]:.2f}, steady x{rates[2][1] / rates[1][1]:.2f}, "
                  f"CPU x{rates[2][2] / rates[1][2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
