"""Telegram Desktop's JSON export: one chat's result.json, or the all-chats export with chats.list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from .base import MEDIA, SYSTEM, TEXT, ChatInfo, Message, NotAChatExport

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
        return "".join(v if isinstance(v, str) else str(v.get("text", "")) if isinstance(v, dict) else "" for v in value)
    return ""


def _when(m: dict) -> datetime:
    if "date_unixtime" in m:
        return datetime.fromtimestamp(int(m["date_unixtime"]), tz=UTC)
    return datetime.fromisoformat(m["date"])


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
    actor = m.get("actor") or m.get("from") or "Someone"
    action = m.get("action", "")
    words = _ACTIONS.get(action, action.replace("_", " "))
    tail = ""
    if m.get("members"):
        tail = " " + ", ".join(str(x) for x in m["members"] if x)
    elif m.get("title"):
        tail = f' "{m["title"]}"'
    return f"{actor} {words}{tail}".strip()


def parse(chat: dict, info: ChatInfo) -> Iterator[Message]:
    info.title = chat.get("name") or info.title
    return _messages(chat)


def _messages(chat: dict) -> Iterator[Message]:
    index = 0
    for m in chat.get("messages", []):
        if not isinstance(m, dict) or ("date" not in m and "date_unixtime" not in m):
            continue
        when = _when(m)
        if m.get("type") == "service":
            yield Message(index, when, None, _service_text(m), SYSTEM)
            index += 1
            continue
        text = text_of(m["text_entities"]) if isinstance(m.get("text_entities"), list) else text_of(m.get("text"))
        author = m.get("from")
        if author is None and "from" in m:
            author = "Deleted Account"
        attachments = tuple(str(m[k]) for k in ("photo", "file") if isinstance(m.get(k), str))
        kind = MEDIA if any(k in m for k in _MEDIA_KEYS) else TEXT
        yield Message(index, when, author, text, kind, attachments)
        index += 1
