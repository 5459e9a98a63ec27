"""Facebook Messenger and Instagram JSON exports (message_1.json ...), including Meta's mojibake.

Meta writes UTF-8 bytes as if each were a Latin-1 character ('â\\x9d¤' for '❤'); we undo that string by string.
Messages come newest first; we yield them oldest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .base import DELETED, MEDIA, SYSTEM, TEXT, ChatInfo, Message, NotAChatExport, as_name, from_unix

_MEDIA_LISTS = ("photos", "videos", "audio_files", "files", "gifs")
# Notices Meta writes as ordinary messages. Only the unmistakable ones are marked system: a real message
# wrongly marked system could be left unscanned, a notice wrongly kept as text costs nothing.
_NOTICES = re.compile(
    r"^(?:(?:Reacted|.{1,100} reacted) .{1,12} to your message\.?"
    r"|.{1,100} liked a message\.?"
    r"|.{1,100} created a poll: .*"
    r"|.{1,100} (?:voted for|changed (?:their|your) vote to|removed (?:their|your) vote for) .* in the poll\.?"
    r"|This poll is no longer available\."
    r"|.{1,100}'s poll has multiple updates\.)$",
    re.S,
)
_SYSTEM_TYPES = {"Subscribe", "Unsubscribe", "Call"}


def fix(s: Any) -> str:
    if not isinstance(s, str):
        return "" if s is None else str(s)
    try:
        return s.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return s  # already proper Unicode (newer exports) or not mojibake


def is_meta(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return False
    msgs = [m for m in data["messages"][:50] if isinstance(m, dict)]
    if not msgs:
        return "participants" in data and ("thread_path" in data or "threadName" in data or "title" in data)
    return any(("sender_name" in m and "timestamp_ms" in m) or ("senderName" in m and "timestamp" in m) for m in msgs)


def platform_of(data: dict, name: str = "") -> str:
    """Messenger and Instagram write the same shape; Messenger marks each message with a 'type'."""
    lowered = name.lower()
    if "instagram" in lowered:
        return "instagram"
    if "facebook" in lowered or "messenger" in lowered:
        return "messenger"
    msgs = [m for m in data.get("messages", [])[:200] if isinstance(m, dict)]
    if any("type" in m or "senderName" in m for m in msgs):
        return "messenger"
    joinable = data.get("joinable_mode")
    link = str(joinable.get("link", "")) if isinstance(joinable, dict) else ""
    if "ig.me" in link or "instagram" in link:
        return "instagram"
    return "instagram"


def _listed(value) -> list:
    return value if isinstance(value, list) else []


def _when(m: dict) -> datetime | None:
    """Milliseconds since 1970 ('timestamp_ms'; 'timestamp' in the 2024 export); a message without one is
    at 1970 (held at the start of the sane range by `base.track`); None when it is there but not a number."""
    return from_unix(m.get("timestamp", 0) if "senderName" in m else m.get("timestamp_ms", 0), scale=1000)


def parse(docs: list[dict], info: ChatInfo, shown: str = "The file") -> Iterator[Message]:
    """Reads title and participants at once (so they are known before the first message), then streams."""
    rows: list[tuple[datetime, dict]] = []
    for data in docs:
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            raise NotAChatExport(f"{shown} could not be read: one of its files is not part of a Messenger/Instagram export.")
        info.title = info.title or fix(data.get("title") or data.get("threadName")) or None
        for p in _listed(data.get("participants")):
            name = fix(p.get("name") if isinstance(p, dict) else p)
            if name and name not in info.participants:
                info.participants.append(name)
        for m in reversed(data["messages"]):
            if not isinstance(m, dict):
                continue
            when = _when(m)
            if when is None:
                raise NotAChatExport(
                    f"{shown} could not be read: a message has a time that is not a number "
                    f"({str(m.get('timestamp_ms', m.get('timestamp')))[:40]!r}). Export the chat again."
                )
            rows.append((when, m))
    rows.sort(key=lambda row: row[0])  # stable: equal times keep their order
    return (_message(index, m, when) for index, (when, m) in enumerate(rows))


def _message(index: int, m: dict, when: datetime) -> Message:
    if "senderName" in m:  # the 2024 end-to-end encrypted Messenger export: camelCase, proper UTF-8
        media = tuple(str(x.get("uri", "")) for x in _listed(m.get("media")) if isinstance(x, dict))
        author = as_name(m["senderName"])
        if m.get("isUnsent"):
            return Message(index, when, author, "", DELETED)
        return Message(index, when, author, fix(m.get("text")), MEDIA if media else TEXT, media)
    author = fix(m.get("sender_name")) or None
    text = fix(m.get("content")) if "content" in m else ""
    attachments = tuple(
        fix(x.get("uri")) for key in _MEDIA_LISTS for x in _listed(m.get(key)) if isinstance(x, dict) and x.get("uri")
    )
    if isinstance(m.get("sticker"), dict):
        attachments += (fix(m["sticker"].get("uri")),)
    if isinstance(m.get("share"), dict) and m["share"].get("link"):
        attachments += (fix(m["share"]["link"]),)
        share_text = fix(m["share"].get("share_text"))
        if share_text and share_text not in text:
            text = f"{text}\n{share_text}" if text else share_text
    if (isinstance(m.get("type"), str) and m["type"] in _SYSTEM_TYPES) or (text and not attachments and _NOTICES.match(text)):
        return Message(index, when, None, text, SYSTEM)
    if m.get("is_unsent") or (not text and not attachments):
        return Message(index, when, author, text, DELETED)  # unsent, or content no longer in the export
    return Message(index, when, author, text, MEDIA if attachments else TEXT, attachments)
