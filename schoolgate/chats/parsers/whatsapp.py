"""WhatsApp .txt exports (Android and iOS, any of the date/time layouts real phones write), streamed.

Also reads the same line layout written by other tools (e.g. signal-export's '[2019-12-24, 12:23] Name: text').
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from .base import DELETED, MEDIA, SYSTEM, TEXT, ChatInfo, Message

# One message's first line. Android: '12/03/2024, 18:45 - Name: text'; iOS: '[12/03/2024, 18:45:10] Name: text'.
# Date: d/m/y, m/d/y or y/m/d with '/', '.' or '-', 1-4 digit fields, sometimes a trailing dot ('24.12.19.').
# Time: 24h or 12h (AM, am, a.m., a. m., p.m.), with or without seconds, sometimes '13:34.' or '13.34'.
# Spaces may be U+00A0 or U+202F (both match \s); lines may start with U+200E.
_LINE = re.compile(
    r"""
    [\u200e\u200f]?(?P<open>\[)?
    (?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})\.?
    ,?\s+
    (?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?\.?
    (?:\s*(?P<ampm>[aApP])\.?\s?[mM]\.?)?
    (?(open)\][\s\u200e]?|\s[-\u2013]\s)
    """,
    re.X,
)

_MEDIA_OMITTED = re.compile(
    r"^(?:<Media omitted>|(?:image|video|audio|sticker|GIF|document|Contact card|video note|voice message) omitted)$"
    r"|\u200e?(?:image|video|audio|sticker|GIF|document|Contact card) omitted$"
)
_ATTACHED = re.compile(r"<attached: ([^>\n]+)>")
_FILE_ATTACHED = re.compile(r"^\u200e?(.+?\.\w{1,5}) \(file attached\)")
_DELETED = re.compile(r"^(?:This message was deleted\.?|You deleted this message\.?|This message was deleted by admin .+)$")
# System lines that iOS attributes to the group (its name as 'author'); Android writes them without an author.
_SYSTEM_BODY = re.compile(
    r"^(?:Messages and calls are end-to-end encrypted|Messages to this group are now secured"
    r"|.{0,120}? (?:created (?:group|this group)|created group|added |removed |left$|joined using this group's invite link"
    r"|changed the (?:subject|group description|group name|group's icon|this group's icon|group settings)"
    r"|changed this group's|changed their phone number|deleted this group's icon|is now an admin|pinned a message)"
    r"|You (?:created|joined|were added|were removed|left|changed|added|removed)"
    r"|Your security code with |Security code changed|Disappearing messages|Waiting for this message)"
)
_SUBJECT = re.compile(r'(?:created group|changed the subject (?:from ".*" )?to|changed the group name (?:from ".*" )?to) "(.+)"')


def looks_like_chat(text: str) -> bool:
    """Whether the start of a text file reads as a line-based chat export (its first line is a message)."""
    for line in text.splitlines():
        line = line.strip("\ufeff \t")
        if line:
            return _LINE.match(line) is not None and _LINE.match(line).end() < len(line)  # type: ignore[union-attr]
    return False


@dataclass
class DateOrder:
    day_first: bool
    inferred: bool
    ambiguous: bool
    year_first_only: bool = False


def infer_date_order(lines: TextIO) -> DateOrder:
    """A first pass over the message-line prefixes only (streaming): which of day and month comes first.

    Evidence, strongest first: a first field above 12 (so it is the day) or a second field above 12; then,
    within one year, the field that ever goes down cannot be the month (messages are in time order).
    With no evidence, or evidence both ways, we assume day-first (a UK product) and say so.
    """
    first_big = second_big = 0
    first_down = second_down = 0
    prev = None
    ambiguous_lines = 0
    match = _LINE.match
    for line in lines:
        m = match(line)
        if m is None:
            continue
        a, b, c = m.group("a", "b", "c")
        if len(a) > 2:  # year first: no ambiguity on this line
            continue
        ambiguous_lines += 1
        a, b = int(a), int(b)
        if a > 12:
            first_big += 1
        elif b > 12:
            second_big += 1
        if prev is not None and prev[2] == c:
            if a < prev[0] and b >= prev[1]:
                first_down += 1
            elif b < prev[1] and a >= prev[0]:
                second_down += 1
        prev = (a, b, c)
    if not ambiguous_lines:
        return DateOrder(True, True, False, year_first_only=True)
    if first_big or second_big:
        if first_big and second_big:  # a file mixing orders: the majority wins, and we say it was unclear
            return DateOrder(first_big >= second_big, True, True)
        return DateOrder(bool(first_big), True, False)
    if first_down != second_down and not (first_down and second_down):
        return DateOrder(first_down > second_down, True, False)
    return DateOrder(True, True, True)


def _classify(body: str) -> tuple[str, tuple[str, ...]]:
    first = body.split("\n", 1)[0].lstrip("\u200e")
    if "<" not in body and "omitted" not in first and "attached" not in first and "deleted" not in first:
        return TEXT, ()  # the common case, without running the patterns
    attached = _ATTACHED.findall(body)
    if attached:
        return MEDIA, tuple(a.strip() for a in attached)
    m = _FILE_ATTACHED.match(first)
    if m:
        return MEDIA, (m.group(1),)
    if _MEDIA_OMITTED.search(first):
        return MEDIA, ()
    if _DELETED.match(first):
        return DELETED, ()
    return TEXT, ()


def _split_author(rest: str) -> tuple[str | None, str]:
    """'Name: text' -> (Name, text); a system line -> (None, line)."""
    i = rest.find(": ")
    if i < 0 and rest.endswith(":"):
        i = len(rest) - 1
    if i <= 0:
        return None, rest
    author = rest[:i]
    # System lines can hold ': ' too (a new subject 'Trip: Friday'); their 'author' part gives them away.
    if len(author) > 100 or '"' in author or "\u201c" in author or "\u200e" in author:
        return None, rest
    return author.strip(), rest[i + 2 :]


def parse_lines(lines: TextIO, day_first: bool, info: ChatInfo) -> Iterator[Message]:
    """Messages from the lines of one export. Lines before the first message line are ignored (and counted)."""
    match = _LINE.match
    index = 0
    stamp = author = None
    parts: list[str] = []
    skipped = impossible = 0
    kind = TEXT
    cache: dict[tuple, datetime] = {}

    def finish() -> Message:
        body = "\n".join(parts).rstrip()
        if kind == SYSTEM:
            return Message(index, stamp, None, body.lstrip("\u200e"), SYSTEM)  # type: ignore[arg-type]
        if body.startswith("\u200e") and _SYSTEM_BODY.match(body[1:]):
            if info.title is None and body[1:].startswith("Messages and calls are end-to-end encrypted"):
                info.title = author  # iOS: the encryption notice is 'from' the group, under its name
            return Message(index, stamp, None, body[1:], SYSTEM)  # type: ignore[arg-type]
        if author is not None and body.startswith(("Messages and calls are end-to-end encrypted", "Messages to this group are now secured")):
            info.title = info.title or author
            return Message(index, stamp, None, body, SYSTEM)  # type: ignore[arg-type]
        k, attachments = _classify(body)
        return Message(index, stamp, author, body, k, attachments)  # type: ignore[arg-type]

    for line in lines:
        if line.endswith("\n"):
            line = line[:-1]
        m = match(line) if line[:1] in "0123456789[\u200e\u200f" else None
        if m is None:
            if stamp is None:
                if line.strip():
                    skipped += 1
                continue
            parts.append(line)
            continue
        key = m.group("a", "b", "c", "H", "M", "S", "ampm")
        when = cache.get(key)
        if when is None:
            when = _timestamp(key, day_first)
            if when is None:  # a date or time that cannot exist (31/02, 25:70): not a message's first line
                impossible += 1
                if stamp is not None:
                    parts.append(line)
                continue
            if len(cache) > 4096:
                cache.clear()
            cache[key] = when
        if stamp is not None:
            yield finish()
            index += 1
        stamp = when
        rest = line[m.end() :].lstrip("\u200e")
        author, first = _split_author(rest)
        if author is None:
            kind = SYSTEM
            first = first.lstrip("\u200e")
            if info.title is None or "subject" in first or "group name" in first:
                s = _SUBJECT.search(first)
                if s:
                    info.title = s.group(1)
        else:
            kind = TEXT
        parts = [first]
    if stamp is not None:
        yield finish()
    if skipped:
        info.warnings.append(f"{skipped} line(s) before the first message were not part of any message and were ignored.")
    if impossible:
        info.warnings.append(
            f"{impossible} line(s) began like a message but with a date or time that cannot exist (such as 31/02 or "
            "25:70); each was kept as text of the message before it."
        )


def _timestamp(key: tuple, day_first: bool) -> datetime | None:
    a, b, c, hh, mm, ss, ampm = key
    if len(a) > 2:
        year, month, day = int(a), int(b), int(c)
    else:
        year = int(c)
        month, day = (int(b), int(a)) if day_first else (int(a), int(b))
    if year < 100:
        year += 2000
    hour = int(hh)
    if ampm:
        p = ampm in "pP"
        if hour == 12:
            hour = 12 if p else 0
        elif p and hour < 12:
            hour += 12
    try:
        return datetime(year, month, day, hour, int(mm), int(ss) if ss else 0)
    except ValueError:
        pass
    try:
        # An impossible date (e.g. day/month order forced wrongly by the caller): try the other order
        # rather than losing the message; the caller's choice still governs every other line.
        return datetime(year, day, month, hour, int(mm), int(ss) if ss else 0)
    except ValueError:
        return None  # no order makes it a date (13/13, 00/05), or the time is not one (24:00, 12:61)
