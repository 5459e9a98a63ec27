"""Telegram Desktop's JSON export: one chat's result.json, or the all-chats export with chats.list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .base import MEDIA, SYSTEM, TEXT, ChatInfo, Message, NotAChatExport, as_name, from_unix

_MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "location_information", "contact_information", "poll")


def is_telegram(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("chats"), dict) and isinstance(data["chats"].get("list"), list):
        return True
    msgs = data.get("messages")
    return (
        isinstance(msgs, list)
        and any(isinstance(m, dict) and ("date_unixtime" in m or ("date" in m and "from" in m) or m.get("type") == "service") for m in msgs[:50])
    ) or (isinstance(msgs, list) and not msgs and "type" in data and "id" in data)


def pick_chat(data: dict, chat: str | None, shown: str) -> dict:
    if "messages" in data:
        return data
    chats = [c for c in data["chats"]["list"] if isinstance(c, dict)]
    if chat is not None:
        for c in chats:
            if c.get("name") == chat:
                return c
        raise NotAChatExport(f"{shown} has no chat named '{chat}'.")
    if len(chats) == 1:
        return chats[0]
    names = ", ".join(repr(c.get("name")) for c in chats[:10])
    raise NotAChatExport(
        f"{shown} is a Telegram export of {len(chats)} chats ({names}{'...' if len(chats) > 10 else ''}); "
        "say which one to read (chat=NAME), or export just the group the parent agreed to share."
    )


def text_of(value: Any) -> str:
    """Telegram text: a string, or a list of plain strings and entity objects ({'type': 'bold', 'text': ...})."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v if isinstance(v, str) else _entity_text(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _entity_text(entity) -> str:
    text = entity.get("text") if isinstance(entity, dict) else None
    return text if isinstance(text, str) else ""


def _when(m: dict) -> datetime | None:
    """The message's time, or None when the export's date cannot be read."""
    if "date_unixtime" in m:
        return from_unix(m["date_unixtime"])
    try:
        return datetime.fromisoformat(m["date"])
    except (TypeError, ValueError):
        return None


def _check_dates(messages: list, shown: str) -> None:
    """Every dated message's date must read as one: a crafted or damaged file is refused before anything is
    scanned, rather than halfway through (dates that read but make no sense are clamped in `base.track`)."""
    for number, m in enumerate(messages, 1):
        if isinstance(m, dict) and ("date" in m or "date_unixtime" in m) and _when(m) is None:
            value = m.get("date_unixtime", m.get("date"))
            raise NotAChatExport(
                f"{shown} could not be read: message {number} has a date that is not a date ({str(value)[:40]!r}). "
                "Export the chat again from Telegram Desktop."
            )


_ACTIONS = {
    "create_group": "created group",
    "migrate_from_group": "created group",
    "invite_members": "added",
    "remove_members": "removed",
    "join_group_by_link": "joined using an invite link",
    "edit_group_title": "changed the group name to",
    "edit_group_photo": "changed the group photo",
    "delete_group_photo": "deleted the group photo",
    "pin_message": "pinned a message",
    "phone_call": "called",
    "group_call": "started a video chat",
}


def _service_text(m: dict) -> str:
    actor = as_name(m.get("actor")) or as_name(m.get("from")) or "Someone"
    action = m.get("action") if isinstance(m.get("action"), str) else ""
    words = _ACTIONS.get(action, action.replace("_", " "))
    tail = ""
    if isinstance(m.get("members"), list) and m["members"]:
        tail = " " + ", ".join(str(x) for x in m["members"] if x)
    elif m.get("title"):
        tail = f' "{text_of(m["title"])}"'
    return f"{actor} {words}{tail}".strip()


def parse(chat: dict, info: ChatInfo, shown: str = "The file") -> Iterator[Message]:
    info.title = as_name(chat.get("name")) or info.title
    messages = chat.get("messages")
    messages = messages if isinstance(messages, list) else []
    _check_dates(messages, shown)
    return _messages(messages)


def _messages(messages: list) -> Iterator[Message]:
    index = 0
    for m in messages:
        if not isinstance(m, dict) or ("date" not in m and "date_unixtime" not in m):
            continue
        when = _when(m)
        if when is None:  # checked before the first message: cannot happen
            continue
        if m.get("type") == "service":
            yield Message(index, when, None, _service_text(m), SYSTEM)
            index += 1
            continue
        text = text_of(m["text_entities"]) if isinstance(m.get("text_entities"), list) else text_of(m.get("text"))
        author = as_name(m.get("from"))
        if author is None and "from" in m:
            author = "Deleted Account"
        attachments = tuple(str(m[k]) for k in ("photo", "file") if isinstance(m.get(k), str))
        kind = MEDIA if any(k in m for k in _MEDIA_KEYS) else TEXT
        yield Message(index, when, author, text, kind, attachments)
        index += 1
