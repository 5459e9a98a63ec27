"""The shapes every parser yields: Message, ChatInfo, and the two errors; the sane range of a message's date."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

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


# No chat export holds a message from before 1990 or from the future: dates outside [EARLIEST, now + 1 day]
# come from a damaged or crafted file (a chat "dated 31/12/9999", or dates spread from year 100 to 9999, which
# would make a timeline of ten thousand years). They are clamped to the nearest end of the range, and
# ChatInfo.warnings says so (a stored scan shows it in its report's notes).
EARLIEST = datetime(1990, 1, 1)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The Unix times datetime can hold (a day inside year 1 and year 9999, whatever the local time zone).
_FIRST_UNIX = datetime(1, 1, 2, tzinfo=UTC).timestamp()
_LAST_UNIX = datetime(9999, 12, 30, tzinfo=UTC).timestamp()


def from_unix(value, scale: int = 1) -> datetime | None:
    """A UTC datetime from a Unix time in seconds (scale 1) or milliseconds (scale 1000), given as a number or a
    string of one. None when it is not a number at all; a number past what a datetime holds is held at its end
    (and then clamped to the sane range by `track`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = int(value)
        except ValueError:  # "1.7e9", or digits past int()'s limit ("inf" then, held at the end)
            try:
                value = float(value)
            except ValueError:
                return None
    if not isinstance(value, (int, float)):
        return None
    try:
        seconds = value / scale
    except OverflowError:  # an integer too big for a float
        seconds = math.inf if value > 0 else -math.inf
    if math.isnan(seconds):
        return None
    return datetime.fromtimestamp(min(max(seconds, _FIRST_UNIX), _LAST_UNIX), tz=UTC)


def as_name(value) -> str | None:
    """An author as the export names them: a string (or a number, e.g. a phone number); anything else is none."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _day(d: datetime) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


class _Clamp:
    """Holds timestamps inside [EARLIEST, now + 1 day], naive ones against local time, aware ones against UTC."""

    def __init__(self):
        self.naive = (EARLIEST, datetime.now() + timedelta(days=1))
        self.aware = (EARLIEST.replace(tzinfo=UTC), datetime.now(UTC) + timedelta(days=1))
        self.count = 0
        self.lowest: datetime | None = None
        self.highest: datetime | None = None

    def __call__(self, ts: datetime) -> datetime:
        lo, hi = self.naive if ts.tzinfo is None else self.aware
        if lo <= ts <= hi:
            return ts
        self.count += 1
        bare = ts.replace(tzinfo=None)
        self.lowest = bare if self.lowest is None or bare < self.lowest else self.lowest
        self.highest = bare if self.highest is None or bare > self.highest else self.highest
        return lo if ts < lo else hi

    def note(self) -> str:
        lo, hi = self.naive
        written = _day(self.lowest) if self.lowest == self.highest else f"from {_day(self.lowest)} to {_day(self.highest)}"  # type: ignore[arg-type]
        return (
            f"{self.count:,} message(s) carried dates outside {_day(lo)} – {_day(hi)} ({written}), which no real chat "
            "export has: they are shown at the nearest end of that range, and their dates cannot be relied on "
            "(the file may have been damaged or altered)."
        )


def _before(a: datetime, b: datetime) -> bool:
    try:
        return a < b
    except TypeError:  # one naive, one aware: compare the wall-clock times
        return a.replace(tzinfo=None) < b.replace(tzinfo=None)


def track(messages: Iterable[Message], info: ChatInfo) -> Iterator[Message]:
    """Pass messages through, keeping info's counts, participants and period up to date, with every date held
    inside the sane range (a warning in info once the stream is read says how many were not)."""
    seen = set(info.participants)
    clamp = _Clamp()
    for message in messages:
        ts = clamp(message.timestamp)
        if ts is not message.timestamp:
            message = replace(message, timestamp=ts)
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
    if clamp.count:
        info.warnings.append(clamp.note())
