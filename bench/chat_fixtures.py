"""Agreement of our chat parsers with other open-source parsers' fixtures and expected results.

Run from the repository root:  .venv/bin/python bench/chat_fixtures.py [-v]

Walks every file under ../shared/data/chat_exports, pairs each input with the expected results its project
ships (or its tests assert), maps their conventions to ours, and compares message by message:
timestamp, author and text. Not a unit test: it reports, and exits 1 only if a fixture could not be read.

Their conventions, and how they map to ours:
- chat-miner (joweich) HEAD: system messages are dropped, and so are WhatsApp lines like 'John Doe:.';
  multi-line messages are joined with a space; JSON times are UTC. We compare its rows with our messages
  whose kind is not "system" (a 'Name:.' line is a system line for us: there is no ': ' after the name).
- chat-miner, older snapshots (history_*): system lines are kept with author "System" (ours: None), a
  'Name:.' line becomes (Name, "<Disappearing Message>"), Instagram media become "sentphoto" /
  "sentvideo" / "sentaudio" / "sentshare", a message with no content "disappearingmessage" (ours: kind
  "deleted"), poll notices are dropped (ours: kind "system"); times are the author's local time,
  Europe/Berlin (their test README says times were converted to the user's timezone).
- Text is compared after collapsing whitespace (they join lines with spaces and NFKC-normalise U+00A0).
  Telegram: chat-miner joins text-entity fragments with ' ' ('Link:' + 'https://...' -> 'Link: https://...');
  real exports carry the spaces as plain-string fragments, so we concatenate; such rows count as a match
  when only whitespace differs, and are marked '~'.
- Pustur/whatsapp-chat-parser ships samples only; its tests assert 5 messages for short-chat.txt with the
  blank line kept in the last one, and [] for an empty string. We refuse an empty file with NotAChatExport
  (the issue asks for a clear error): counted as agreement on "no messages".
"""

from __future__ import annotations

import csv
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schoolgate.chats.parsers import SYSTEM, Message, NotAChatExport, parse  # noqa: E402

DATA = (ROOT / "../shared/data/chat_exports").resolve()
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Row:
    timestamp: datetime
    author: str | None
    text: str


@dataclass
class Result:
    name: str
    expected: int = 0
    ours: int = 0
    ts: int = 0
    author: int = 0
    text: int = 0
    loose: int = 0  # text matches only ignoring whitespace
    note: str = ""
    failures: list[str] = field(default_factory=list)
    error: bool = False
    counted: bool = True  # False: no expected results to compare with (skipped, or only a self-check)


def norm(s: str | None) -> str:
    return " ".join((s or "").split())


def naive(ts: datetime, tz) -> datetime:
    if ts.tzinfo is None:
        return ts
    return ts.astimezone(tz).replace(tzinfo=None)


# --- expected results, in their own conventions --------------------------------------------------------

def load_target_json(path: Path) -> list[Row]:
    rows = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        if "datetime" in r:  # Messenger target: epoch milliseconds, UTC
            ts = datetime.fromtimestamp(r["datetime"] / 1000, tz=UTC).replace(tzinfo=None)
        else:
            ts = datetime.fromisoformat(r["timestamp"])
        rows.append(Row(ts, r["author"], r["message"]))
    return rows


def load_target_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Row(datetime.fromisoformat(r["timestamp"]), r["author"], r["message"]) for r in csv.DictReader(f)]


# --- our messages, mapped to their conventions ---------------------------------------------------------

def miner_head(messages: list[Message], tz=UTC) -> list[Row]:
    return [Row(naive(m.timestamp, tz), m.author, m.text) for m in messages if m.kind != SYSTEM]


_DISAPPEARING = re.compile(r"^(.+):\.$")


def miner_old_whatsapp(messages: list[Message]) -> list[Row]:
    rows = []
    for m in messages:
        if m.kind == SYSTEM:
            d = _DISAPPEARING.match(m.text)
            rows.append(Row(m.timestamp, d.group(1), "<Disappearing Message>") if d else Row(m.timestamp, "System", m.text))
        else:
            rows.append(Row(m.timestamp, m.author, m.text))
    return rows


def miner_old_instagram(messages: list[Message]) -> list[Row]:
    rows = []
    for m in messages:
        if m.kind == SYSTEM:
            continue
        text = m.text
        if m.kind == "deleted":
            text = "disappearingmessage"
        elif m.kind == "media":
            a = " ".join(m.attachments)
            text = ("sentshare" if a.startswith("http") else "sentphoto" if "/photos/" in a
                    else "sentvideo" if "/videos/" in a else "sentaudio" if "/audio/" in a else "sentfile")
        rows.append(Row(naive(m.timestamp, BERLIN), m.author, text))
    return rows


def miner_old_telegram(messages: list[Message]) -> list[Row]:
    return [Row(naive(m.timestamp, BERLIN), m.author, m.text) for m in messages if m.kind != SYSTEM]


# --- comparison ------------------------------------------------------------------------------------------

def compare(name: str, ours: list[Row], expected: list[Row], note: str = "") -> Result:
    res = Result(name, expected=len(expected), ours=len(ours), note=note)
    left = list(ours)
    for exp in expected:
        def score(o: Row, exp=exp) -> tuple:
            return (o.timestamp == exp.timestamp) + (o.author == exp.author) + (norm(o.text) == norm(exp.text)) * 2, \
                   "".join(o.text.split()) == "".join(exp.text.split())
        best = max(left, key=score, default=None)
        if best is None:
            res.failures.append(f"missing: {exp}")
            continue
        left.remove(best)
        ok_ts, ok_author = best.timestamp == exp.timestamp, best.author == exp.author
        ok_text = norm(best.text) == norm(exp.text)
        loose = not ok_text and "".join(best.text.split()) == "".join(exp.text.split())
        res.ts += ok_ts
        res.author += ok_author
        res.text += ok_text or loose
        res.loose += loose
        if not (ok_ts and ok_author and (ok_text or loose)):
            res.failures.append(f"ours {best} != expected {exp}")
    for extra in left:
        res.failures.append(f"extra (not in expected): {extra}")
    return res


def run(path: Path, **options) -> list[Message]:
    return list(parse(path, **options))


def main(verbose: bool) -> int:
    miner = DATA / "joweich_chat-miner"
    pustur = DATA / "Pustur_whatsapp-chat-parser"
    used: set[Path] = set()
    results: list[Result] = []

    def rel(p: Path) -> str:
        return str(p.relative_to(DATA))

    def attempt(name: str, inputs: list[Path], targets: list[Path], fn) -> None:
        used.update(inputs)
        used.update(targets)
        try:
            results.append(fn())
        except Exception as exc:  # a crash is a result to report, not a reason to stop
            results.append(Result(name, note=f"ERROR {type(exc).__name__}: {exc}", error=True))

    # chat-miner HEAD: several inputs share one target.json
    head = miner / "HEAD/test"
    for kind, pattern, options in (("whatsapp", "*.txt", {}), ("telegram", "test_*.json", {}),
                                   ("instagram", "test_*.json", {}), ("signal", "*.txt", {"platform": "signal"})):
        target = head / kind / "target.json"
        for p in sorted((head / kind).glob(pattern)):
            attempt(rel(p), [p], [target],
                    lambda p=p, target=target, options=options: compare(rel(p), miner_head(run(p, **options)), load_target_json(target)))

    # older chat-miner snapshots
    for target in sorted(miner.glob("history_*/test/whatsapp/*_target.csv")):
        p = target.with_name(target.name.replace("_target.csv", ".txt"))
        attempt(rel(p), [p], [target], lambda p=p, target=target: compare(rel(p), miner_old_whatsapp(run(p)), load_target_csv(target)))
    for target in sorted(miner.glob("history_*/test/instagram/*_target.csv")):
        p = target.with_name(target.name.replace("_target.csv", ".json"))
        attempt(rel(p), [p], [target], lambda p=p, target=target: compare(rel(p), miner_old_instagram(run(p)), load_target_csv(target)))
    for target in sorted(miner.glob("history_*/test/facebookMessenger/target.json")):
        p = target.with_name("testlog.json")
        attempt(rel(p), [p], [target], lambda p=p, target=target: compare(rel(p), miner_head(run(p)), load_target_json(target)))
    for target in sorted(miner.glob("history_*/test/telegram/test_target.csv")):
        # This snapshot kept only the expected CSV; its input is the same two messages as HEAD's export.
        p = head / "telegram/test_single_export.json"
        attempt(rel(target), [], [target], lambda p=p, target=target: compare(
            rel(target), miner_old_telegram(run(p)), load_target_csv(target), note="input: HEAD test_single_export.json"))
    for target in sorted(miner.glob("history_*/test/signal/test_target.csv")):
        used.add(target)
        results.append(Result(rel(target), expected=len(load_target_csv(target)), counted=False,
                              note="SKIPPED: the snapshot kept the expected CSV but not its input"))
    for p in sorted(miner.glob("history_*/test/whatsapp/testlog.txt")):
        def self_check(p=p) -> Result:
            lines = sum(1 for line in p.read_text(encoding="utf-8").splitlines() if re.match(r"^\u200e?\[?\d", line))
            ours = run(p)
            return Result(rel(p), expected=lines, ours=len(ours), counted=False,
                          note=f"no expected results shipped; self-check: {len(ours)} messages from {lines} date lines")
        attempt(rel(p), [p], [], self_check)

    # Pustur: expectations from its tests (tests/shared/indexTests.ts)
    short = next(pustur.glob("history_*/samples/short-chat.txt"))
    def pustur_short() -> Result:
        ours = run(short)
        # Their test asserts the count and one text (ending '\n': we strip trailing whitespace).
        ok = len(ours) == 5 and ours[4].text == "How are you?\n\nIs everything alright?"
        return Result(rel(short), expected=1, ours=len(ours), ts=1, author=1, text=int(ok),
                      note=f"their test asserts: 5 messages (ours {len(ours)}), messages[4] keeps its blank line")
    attempt(rel(short), [short], [], pustur_short)
    empty = next(pustur.glob("history_*/samples/empty.txt"))
    def pustur_empty() -> Result:
        try:
            ours = run(empty)
            return Result(rel(empty), ours=len(ours), note="their test: []")
        except NotAChatExport as exc:
            return Result(rel(empty), note=f"their test: [] / ours: NotAChatExport ({str(exc)[:40]}...)")
    attempt(rel(empty), [empty], [], pustur_empty)

    # every file accounted for
    others = [p for p in sorted(DATA.rglob("*")) if p.is_file() and p not in used]
    for p in others:
        if p.name in ("LICENSE", "README.md"):
            continue
        results.append(Result(rel(p), note="UNUSED: no rule for this file", error=True))

    width = max(len(r.name) for r in results)
    print(f"{'fixture'.ljust(width)}  exp ours  timestamp  author     text       note")
    total = [0, 0, 0, 0]
    for r in results:
        def cell(n: int, r=r) -> str:
            return (f"{n}/{r.expected}" if r.counted else "-").ljust(9)
        mark = "~" if r.loose else " "
        print(f"{r.name.ljust(width)}  {r.expected:>3} {r.ours:>4}  {cell(r.ts)}  {cell(r.author)}  {cell(r.text)}{mark} {r.note}")
        if verbose:
            for f in r.failures:
                print("      ", f)
        if not r.counted:
            continue
        total[0] += r.expected
        total[1] += r.ts
        total[2] += r.author
        total[3] += r.text
    n = max(total[0], 1)
    print(f"\n{'all compared rows'.ljust(width)}  {total[0]:>3}       {total[1]}/{total[0]} ({100 * total[1] / n:.0f}%)  "
          f"{total[2]}/{total[0]} ({100 * total[2] / n:.0f}%)  {total[3]}/{total[0]} ({100 * total[3] / n:.0f}%)")
    print("~ : text equal ignoring whitespace (Telegram entity joining, see the module docstring)")
    extra = sum(1 for r in results for f in r.failures if f.startswith("extra"))
    print(f"messages of ours with no expected row: {extra}; skipped: "
          f"{sum(1 for r in results if r.note.startswith('SKIPPED'))}; errors: {sum(r.error for r in results)}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main("-v" in sys.argv))
