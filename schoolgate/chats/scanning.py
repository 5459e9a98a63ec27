"""The scan's one loop, shared by the stored scan (`scans.run_scan`, in the worker) and the CLI (`scan-chat`):
messages in batches -> the judge -> breaches, with each batch's daily counts and authors.

Only ordinary text messages go to the judge: system notices, media placeholders and deleted-message notices
carry no words of the author's. A breach is a finding whose category this school's policy names (it cites
a clause); the judge's advice findings are not breaches of the policy and are not reported.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.utils import timezone

from schoolgate.chats.parsers import TEXT, Message, parse_with_info
from schoolgate.judge.types import Finding, PolicyView, Roster
from schoolgate.policies.judging import judge_batch

BATCH_SIZE = 200


@dataclass(frozen=True)
class Breach:
    message_index: int
    category: str
    clause: str
    start: int
    end: int
    score: float
    quote: str


@dataclass(frozen=True)
class AuthorCount:
    messages: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class JudgedBatch:
    """One batch of the scan: its messages and, by message index, the breaches found in them."""

    number: int
    messages: list[Message]
    breaches: dict[int, list[Breach]]

    @property
    def done(self) -> int:
        """Messages read so far, this batch included (indexes are 0-based and contiguous)."""
        return self.messages[-1].index + 1

    def daily_counts(self, messages: Iterable[Message] | None = None) -> dict[str, list[int]]:
        """day (the school's local date, ISO) -> [messages, breaches], for this batch or some of its messages."""
        counts: dict[str, list[int]] = {}
        for m in self.messages if messages is None else messages:
            pair = counts.setdefault(local_day(m.timestamp), [0, 0])
            pair[0] += 1
            pair[1] += len(self.breaches.get(m.index, ()))
        return counts

    def authors(self, messages: Iterable[Message] | None = None) -> dict[str, AuthorCount]:
        """author as the export writes them -> messages, first and last time (system notices have none)."""
        out: dict[str, AuthorCount] = {}
        for m in self.messages if messages is None else messages:
            if m.author is None:
                continue
            ts = aware(m.timestamp)
            seen = out.get(m.author)
            out[m.author] = AuthorCount(1, ts, ts) if seen is None else AuthorCount(seen.messages + 1, min(seen.first, ts), max(seen.last, ts))
        return out


def scan(messages: Iterable[Message], policy: PolicyView, roster: Roster | None, *, batch_size: int = BATCH_SIZE,
         author_of=None, start_batch: int = 0) -> Iterator[JudgedBatch]:
    """The scan loop: each batch judged, in order. Batches before `start_batch` (committed by an earlier run of
    a resumed scan) are read past without judging. Judge errors propagate: the caller decides what a failed
    batch means (the stored scan keeps what it committed and can be resumed)."""
    for number, batch in batches(messages, batch_size):
        if number < start_batch:
            continue
        yield JudgedBatch(number, batch, judge_messages(batch, policy, roster, author_of=author_of))


def merge_counts(into: dict[str, list[int]], counts: dict[str, list[int]]) -> dict[str, list[int]]:
    for day, (messages, breaches) in counts.items():
        pair = into.setdefault(day, [0, 0])
        pair[0] += messages
        pair[1] += breaches
    return into


def count_messages(source, **options) -> int:
    """A counting pass (the parsers are fast; the judge is the slow part), so progress means something."""
    messages, info = parse_with_info(source, **options)
    for _ in messages:
        pass
    return info.messages


def aware(ts: datetime) -> datetime:
    """WhatsApp times are the phone's local time; read them as the school's (Europe/London)."""
    return timezone.make_aware(ts) if timezone.is_naive(ts) else ts


def local_day(ts: datetime) -> str:
    return aware(ts).astimezone(timezone.get_current_timezone()).date().isoformat()


def batches(messages: Iterable[Message], size: int = BATCH_SIZE) -> Iterator[tuple[int, list[Message]]]:
    """(batch number, messages) by message index, so batch n is always the same messages for the same file."""
    for number, group in groupby(messages, key=lambda m: m.index // size):
        yield number, list(group)


def judge_messages(messages: list[Message], policy: PolicyView, roster: Roster | None, author_of=None) -> dict[int, list[Breach]]:
    """message index -> its breaches (only messages with at least one).

    author_of(name) -> judge Person or None: the author as the roster knows them (a parent writing about
    their own child is not naming someone else's child)."""
    judged = [m for m in messages if m.kind == TEXT and m.text.strip()]
    if not judged:
        return {}
    authors = [author_of(m.author) if (author_of and m.author) else None for m in judged]
    verdicts = judge_batch(policy, roster, [m.text for m in judged], authors)
    out: dict[int, list[Breach]] = {}
    for message, verdict in zip(judged, verdicts):
        found = _breaches(message, verdict.findings)
        if found:
            out[message.index] = found
    return out


def _breaches(message: Message, findings: Iterable[Finding]) -> list[Breach]:
    seen, out = set(), []
    for f in findings:
        if not f.breach or not f.clause:
            continue
        key = (f.category, f.start)
        if key in seen:  # the unique key of a stored finding
            continue
        seen.add(key)
        start, end = max(0, int(f.start)), min(len(message.text), int(f.end))
        out.append(Breach(message.index, f.category, f.clause, start, max(start, end), float(f.score), message.text[start:end]))
    return out


class ContextLines:
    """The flagged messages and the message before and after each, kept as the scan streams past
    (the CLI's PDF report; the stored scan keeps every message until its retention date instead)."""

    def __init__(self):
        self.lines: dict[int, Message] = {}
        self._previous: Message | None = None
        self._want_next: set[int] = set()

    def add(self, batch: JudgedBatch) -> None:
        for m in batch.messages:
            if m.index in batch.breaches:
                self.lines[m.index] = m
                if self._previous is not None:
                    self.lines[self._previous.index] = self._previous
                self._want_next.add(m.index + 1)
            if m.index in self._want_next:
                self.lines[m.index] = m
            self._previous = m


_PHONE_JUNK = re.compile(r"[^\d+]")


def normalise_name(name: str) -> str:
    return " ".join((name or "").casefold().split())


def normalise_phone(value: str) -> str | None:
    """'+44 7700 900123', '07700 900123', '0044 7700-900123' -> '07700900123'; None if not a phone number."""
    digits = _PHONE_JUNK.sub("", value or "")
    if digits.startswith("+"):
        digits = "00" + digits[1:]
    if "+" in digits:
        return None
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits if 9 <= len(digits) <= 15 and sum(c.isdigit() for c in value) >= 9 else None


def author_key(author: str) -> str:
    return normalise_phone(author) or normalise_name(author)


def roster_author_lookup(roster: Roster):
    """author name/phone -> the roster's parent/staff Person, for the judge's `authors` (CLI with --roster)."""
    index = {}
    for person in roster.people:
        if person.role in ("parent", "staff", "governor"):
            for value in (person.name, *person.aliases):
                index.setdefault(author_key(value), person)
    return lambda author: index.get(author_key(author))


class Progress:
    """A one-line progress bar on a terminal (stderr); silent when the stream is not a terminal."""

    def __init__(self, total: int, stream=None, label: str = "Scanning"):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total, self.label, self.last = max(total, 1), label, 0.0

    def update(self, done: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        share = min(1.0, done / self.total)
        filled = int(30 * share)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {done:,}/{self.total:,} messages")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.update(self.total, force=True)
            self.stream.write("\n")
            self.stream.flush()


def iso(ts: datetime | None) -> str | None:
    return ts.isoformat() if ts is not None else None
