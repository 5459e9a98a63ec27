"""The scan's core, shared by the background task and the CLI: messages in batches -> the judge -> breaches.

Only ordinary text messages go to the judge: system notices, media placeholders and deleted-message notices
carry no words of the author's. A breach is a finding whose category this school's policy names (it cites
a clause); the judge's advice findings are not breaches of the policy and are not reported.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Iterable, Iterator

from schoolgate.chats.parsers import TEXT, Message
from schoolgate.judge.types import Finding, PolicyView, Roster

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


def batches(messages: Iterable[Message], size: int = BATCH_SIZE) -> Iterator[tuple[int, list[Message]]]:
    """(batch number, messages) by message index, so batch n is always the same messages for the same file."""
    for number, group in groupby(messages, key=lambda m: m.index // size):
        yield number, list(group)


def _analyse_batch(texts, policy, roster, authors=None):
    from schoolgate.judge import analyse_batch  # loading the judge's models is not free: on first use

    return analyse_batch(texts, policy, roster, authors=authors)


def judge_messages(messages: list[Message], policy: PolicyView, roster: Roster, author_of=None) -> dict[int, list[Breach]]:
    """message index -> its breaches (only messages with at least one).

    author_of(name) -> judge Person or None: the author as the roster knows them (a parent writing about
    their own child is not naming someone else's child)."""
    judged = [m for m in messages if m.kind == TEXT and m.text.strip()]
    if not judged:
        return {}
    authors = [author_of(m.author) if (author_of and m.author) else None for m in judged]
    verdicts = _analyse_batch([m.text for m in judged], policy, roster, authors)
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
