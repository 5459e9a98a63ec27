"""The shapes every parser yields: Message, ChatInfo, and the two errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

TEXT = "text"
MEDIA = "media"
SYSTEM = "system"
DELETED = "deleted"
KINDS = (TEXT, MEDIA, SYSTEM, DELETED)


class NotAChatExport(ValueError):
    """The file is not a chat export we can read; the message says why in plain words."""


class UnsafeArchive(ValueError):
    """A zip we refuse to open: too big when unpacked, too compressed, nested, or too many files."""


@dataclass(frozen=True, slots=True)
class Message:
    index: int
    timestamp: datetime
    author: str | None
    text: str
    kind: str = TEXT
    attachments: tuple[str, ...] = ()


@dataclass
class ChatInfo:
    """What we know about a chat. Filled in while its messages stream past; final once they are all read."""

    platform: str
    title: str | None = None
    participants: list[str] = field(default_factory=list)
    messages: int = 0
    start: datetime | None = None
    end: datetime | None = None
    # "dmy", "mdy", "ymd" for text exports (mixed files report the order used for the ambiguous lines),
    # None for JSON exports whose timestamps are not written as dates.
    date_order: str | None = None
    date_order_inferred: bool = False  # True: decided from the file itself, not given by the caller
    date_order_ambiguous: bool = False  # True: nothing in the file decided it; assumed day-first (UK)
    warnings: list[str] = field(default_factory=list)


def _before(a: datetime, b: datetime) -> bool:
    try:
        return a < b
    except TypeError:  # one naive, one aware: compare the wall-clock times
        return a.replace(tzinfo=None) < b.replace(tzinfo=None)


def track(messages: Iterable[Message], info: ChatInfo) -> Iterator[Message]:
    """Pass messages through, keeping info's counts, participants and period up to date."""
    seen = set(info.participants)
    for message in messages:
        info.messages += 1
        author = message.author
        if author is not None and author not in seen:
            seen.add(author)
            info.participants.append(author)
        ts = message.timestamp
        if info.start is None or _before(ts, info.start):
            info.start = ts
        if info.end is None or _before(info.end, ts):
            info.end = ts
        yield message
