"""Chat-export parse rate and memory on a generated 1,000,000-message WhatsApp export; judge rate hook.

Run from the repository root:  .venv/bin/python bench/chats.py [--messages 1000000] [--judge-messages 20000]

Each measurement runs in a fresh subprocess so its peak RSS (resource.getrusage(RUSAGE_SELF).ru_maxrss)
is its own. Target: peak under 500 MB, i.e. the parser streams.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = [
    "Sarah Jones", "Tom Whitfield", "Priya Patel", "Mohammed Khan", "Emma O'Brien", "Jo Clarke", "Dan Hughes",
    "Aisha Begum", "+44 7700 900123", "+44 7700 900456", "Kate 🌸", "Lee-Anne Walsh", "Gareth Evans", "Marta Nowak",
]
TEXTS = [
    "Morning all, does anyone know when the trip money is due?",
    "Friday I think, it's on the letter",
    "Thanks!",
    "Reminder: non-uniform day tomorrow, £1 for the charity",
    "Has anyone seen a blue water bottle? Name on it: Olivia",
    "Can someone pick up from after-school club at 5:30? Running late",
    "😂😂",
    "The parents evening slots are open on the app now",
    "Is it PE on Tuesday or Wednesday this term?",
    "Honestly the way that teacher spoke to the kids was out of order",
    "I'll bring cakes for the fair",
    "Does anyone have the homework sheet? We left it at school",
    "Happy birthday to Jack! 🎂",
    "Meeting at the gate at 8:40 if anyone wants to walk together",
    "Please can we keep this group for school stuff only",
    "ok",
    "Yes same here",
    "Just had an email from the office: school closes at 1pm on Friday",
]
CONTINUATIONS = ["It says so in the newsletter too.", "", "See you there x", "Thanks everyone for sorting it", "- bring a coat"]
SYSTEM = [
    "{a} added {b}", "{a} left", "{a} joined using this group's invite link", "{a} changed the subject from \"Y4 Parents\" to \"Year 4 Parents: 2024\"",
    "{a} changed this group's icon", "{a} removed {b}",
]


def generate(path: Path, n: int, seed: int = 42) -> None:
    """n messages, Android day-first 24h layout: ~8% multi-line, ~2% system, ~4% media, ~1% deleted."""
    rng = random.Random(seed)
    t = datetime(2023, 9, 1, 7, 0)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(f"{t:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. No one outside of this chat, "
                "not even WhatsApp, can read or listen to them. Tap to learn more.\n")
        f.write(f"{t:%d/%m/%Y, %H:%M} - Sarah Jones created group \"Y4 Parents\"\n")
        out = []
        for _ in range(n - 2):
            t += timedelta(seconds=rng.randrange(0, 300))
            stamp = f"{t:%d/%m/%Y, %H:%M}"
            r = rng.random()
            author = rng.choice(NAMES)
            if r < 0.02:
                out.append(f"{stamp} - {rng.choice(SYSTEM).format(a=author, b=rng.choice(NAMES))}\n")
            elif r < 0.06:
                out.append(f"{stamp} - {author}: <Media omitted>\n")
            elif r < 0.07:
                out.append(f"{stamp} - {author}: This message was deleted\n")
            elif r < 0.15:
                extra = "\n".join(rng.choice(CONTINUATIONS) for _ in range(rng.randint(1, 3)))
                out.append(f"{stamp} - {author}: {rng.choice(TEXTS)}\n{extra}\n")
            else:
                out.append(f"{stamp} - {author}: {rng.choice(TEXTS)}\n")
            if len(out) >= 10000:
                f.writelines(out)
                out.clear()
        f.writelines(out)


def child_parse(path: str, day_first: bool | None) -> None:
    from schoolgate.chats.parsers import parse_with_info

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c0 = time.process_time()
    t0 = time.perf_counter()
    messages, info = parse_with_info(path, day_first=day_first)
    t1 = time.perf_counter()
    count = 0
    for _ in messages:
        count += 1
    t2 = time.perf_counter()
    print(json.dumps({
        "messages": count, "prepass_s": t1 - t0, "total_s": t2 - t0, "cpu_s": time.process_time() - c0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "base_mb": base / 1024,
        "participants": len(info.participants), "date_order": info.date_order,
    }))


def measure(path: Path, day_first: bool | None) -> dict:
    args = [sys.executable, __file__, "--child-parse", str(path)]
    if day_first is not None:
        args.append("--day-first" if day_first else "--month-first")
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------------
# HOOK (lead): whole scan rate with the judge, side by side with the judge alone, on the same messages.
# Extend here; main() prints whatever rows this returns.
# ---------------------------------------------------------------------------------------------------------
def small_roster():
    from schoolgate.judge.types import Person, Roster

    pupils = ["Olivia Brown", "Jack Smith", "Amelia Khan", "Noah Jones", "Isla Patel", "Leo Evans"]
    staff = ["Mrs Whitfield", "Mr Hughes", "Miss Clarke"]
    return Roster(tuple([Person(n, "pupil", "Year 4") for n in pupils] + [Person(n, "staff", "teacher") for n in staff]
                        + [Person(n, "parent") for n in NAMES if not n.startswith("+")]))


def scan_rate(messages, path: Path | None = None, batch: int = 200) -> list[tuple[str, int, float]] | str:
    """Rows (label, messages, seconds), or a line saying why the judge could not be timed.

    judge alone: analyse_batch over the texts of these messages, already parsed.
    whole scan:  parse the same export from disk and judge it as it streams, in batches (what the scan task does).
    Only kind "text" messages go to the judge (system, media placeholders and deleted notices are not judged).
    """
    try:
        from schoolgate.judge import analyse_batch  # type: ignore[attr-defined]
        from schoolgate.judge.stream import load_policy_view  # type: ignore[import-not-found]
    except ImportError as exc:
        return f"judge not timed: schoolgate.judge does not expose analyse_batch / stream.load_policy_view yet ({exc})"
    policy = load_policy_view("stokes-wood")
    roster = small_roster()
    texts = [m.text for m in messages if m.kind == "text"]
    analyse_batch(texts[:8], policy, roster)  # warm-up: model load is not a per-message cost
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        analyse_batch(texts[i : i + batch], policy, roster)
    alone = time.perf_counter() - t0
    rows = [("judge alone (parsed texts)", len(messages), alone)]
    if path is not None:
        from schoolgate.chats.parsers import parse

        t0 = time.perf_counter()
        pending, seen = [], 0
        for m in parse(path):
            seen += 1
            if m.kind == "text":
                pending.append(m.text)
            if len(pending) >= batch:
                analyse_batch(pending, policy, roster)
                pending = []
        if pending:
            analyse_batch(pending, policy, roster)
        rows.append(("whole scan: parse + judge", seen, time.perf_counter() - t0))
        rows.append(django_scan_rate(path, roster))
    return rows


def django_scan_rate(path: Path, roster) -> tuple[str, int, float]:
    """The scan task itself (schoolgate.chats.scans.run_scan): counting pass, parse, judge, and per batch
    one transaction writing messages, findings, participants and the checkpoint, on a fresh SQLite database."""
    import shutil

    data_dir = Path(tempfile.mkdtemp(prefix="schoolgate-bench-db-"))
    os.environ["SCHOOLGATE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    import django

    django.setup()
    from django.core.files.base import ContentFile

    from schoolgate.bootstrap import ensure_database
    from schoolgate.chats.models import ChatScan
    from schoolgate.chats.scans import run_scan
    from schoolgate.chats.uploads import record_upload
    from schoolgate.schools.models import Person, School

    try:
        ensure_database()
        school = School.objects.get(slug="stokes-wood")
        for p in roster.people:
            Person.objects.get_or_create(school=school, kind=p.role, name=p.name, defaults={"group": p.group})
        upload = ContentFile(path.read_bytes(), name=path.name)
        scan = record_upload(school, user=None, upload=upload, day_first=True, permission={
            "parent_name": "Bench", "relation": "member", "given_on": datetime.now().date(),
            "scope": "generated export", "purpose": "benchmark of the scan task"})
        t0 = time.perf_counter()
        scan = run_scan(scan.pk)
        secs = time.perf_counter() - t0
        assert scan.status == ChatScan.Status.DONE, scan.error
        return (f"scan task (DB, {scan.batch_size}/batch)", scan.messages_total, secs)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--judge-messages", type=int, default=20_000)
    ap.add_argument("--child-parse")
    ap.add_argument("--day-first", action="store_true")
    ap.add_argument("--month-first", action="store_true")
    args = ap.parse_args()
    if args.child_parse:
        child_parse(args.child_parse, True if args.day_first else False if args.month_first else None)
        return 0

    with tempfile.TemporaryDirectory(prefix="schoolgate-bench-") as tmp:
        path = Path(tmp) / "WhatsApp Chat with Y4 Parents.txt"
        t0 = time.perf_counter()
        generate(path, args.messages)
        gen_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1024**2
        print(f"generated {args.messages:,} messages, {size_mb:.0f} MB, in {gen_s:.1f} s ({path.name})")
        zpath = Path(tmp) / "WhatsApp Chat - Y4 Parents.zip"
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.write(path, "_chat.txt")

        rows = [
            (".txt, day/month order inferred (2 passes)", measure(path, None)),
            (".txt, --day-first given (1 pass)", measure(path, True)),
            (".zip (deflated _chat.txt), inferred", measure(zpath, None)),
        ]
        print(f"\n{'case':44} {'messages':>10} {'wall s':>7} {'msg/s':>9} {'CPU s':>7} {'msg/CPU s':>9} "
              f"{'1st pass s':>10} {'peak RSS MB':>11} {'baseline MB':>11}")
        for label, r in rows:
            print(f"{label:44} {r['messages']:>10,} {r['total_s']:>7.2f} {r['messages'] / r['total_s']:>9,.0f} "
                  f"{r['cpu_s']:>7.2f} {r['messages'] / r['cpu_s']:>9,.0f} "
                  f"{r['prepass_s']:>10.2f} {r['peak_mb']:>11.0f} {r['base_mb']:>11.0f}")
        ok = all(r["peak_mb"] < 500 for _, r in rows)
        print(f"peak under 500 MB: {'yes' if ok else 'NO'} (baseline = the interpreter with the parser imported)")

        # Judge: the first N messages of the same export, as their own file so the whole-scan row parses them too.
        from schoolgate.chats.parsers import parse

        small = Path(tmp) / "first.txt"
        with path.open(encoding="utf-8") as src, small.open("w", encoding="utf-8") as dst:
            taken = 0
            for line in src:
                if line[:1].isdigit() and " - " in line[:24]:
                    taken += 1
                    if taken > args.judge_messages:
                        break
                dst.write(line)
        messages = list(parse(small, day_first=True))
        result = scan_rate(messages, small)
        print(f"\njudge on the first {len(messages):,} messages (policy stokes-wood, {len(small_roster())}-person roster):")
        if isinstance(result, str):
            print("  " + result)
        else:
            print(f"  {'case':34} {'messages':>9} {'seconds':>8} {'msg/s':>8}")
            for label, n, secs in result:
                print(f"  {label:34} {n:>9,} {secs:>8.2f} {n / secs:>8,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
