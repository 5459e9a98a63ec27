"""Chat-export parsers: an exported group chat (file path or bytes) -> a stream of Message. Pure Python, no Django.

Formats: WhatsApp .txt and .zip (Android and iOS, every date/time layout phones write), Telegram JSON
(one chat's result.json or the all-chats export), Facebook Messenger and Instagram JSON (message_N.json,
alone or zipped as one conversation folder). The same line layout written by signal-export is read with
platform="signal".

API::

    detect_format(source) -> "whatsapp" | "telegram" | "messenger" | "instagram"   # or "signal" for chat.md
    parse(source, *, day_first=None, platform=None, chat=None) -> Iterator[Message]
    parse_with_info(source, ...) -> (Iterator[Message], ChatInfo)
    read_info(source, ...) -> ChatInfo                     # reads the whole stream, keeps only the summary

    source: str | os.PathLike | bytes
    day_first: None infers the day/month order from the whole file; True/False overrides it.
    platform: skip detection ("whatsapp", "signal", "telegram", "messenger", "instagram").
    chat: the chat's name, only for a Telegram export of several chats.

Errors are raised when parse/parse_with_info is called, before the first message, so an upload form can
call it to validate: NotAChatExport (empty file, empty or damaged zip, a PDF, an HTML export, a text that
is not a chat...) and UnsafeArchive (zip bombs: too big unpacked, compressed over 100:1, archives inside
the archive, too many files). Both are ValueErrors whose message can be shown to the user as it is.
No other error comes out of a bad file: a damaged zip (bad CRC, sizes that lie, deflate64, a password),
hostile JSON (nesting thousands deep, null, numbers or lists where text or a date belongs, numbers past
any date) and whatever else a parser trips on are NotAChatExport, "... could not be read", with the reason,
whether found before the first message or while the messages stream (OSError and MemoryError excepted:
those are the server's trouble, not the file's).

Dates: every timestamp is held inside [1 January 1990, now + 1 day] (`base.EARLIEST`); messages dated
outside it (a crafted chat "dated 31/12/9999") are clamped to the nearest end, and ChatInfo.warnings says
how many once the stream is read. A WhatsApp line whose date or time cannot exist (31/02, 25:70) is text of
the message before it, with a warning.

Message (frozen): index, timestamp, author, text, kind, attachments.
  index      0-based position among ALL yielded messages, system messages included, in the order yielded
             (oldest first for every platform), so the same file and options always give the same indexes
             and "the message before and after" is index - 1 and index + 1.
  timestamp  WhatsApp/Signal: naive, the exporting phone's local time as written. Telegram, Messenger,
             Instagram: timezone-aware UTC (from their Unix timestamps; a Telegram export without
             date_unixtime gives naive local time).
  author     the name or phone number as the export shows it ("+44 7700 900123"); None for system messages.
  text       verbatim, multi-line messages joined with "\\n", trailing whitespace removed, the invisible
             U+200E marks WhatsApp puts before media and system notes removed at the start.
             Media and deleted messages keep their text as exported ("<Media omitted>", "image omitted",
             "<attached: 00000012-PHOTO-....jpg>", "This message was deleted"), so evidence reads as the parent saw it.
  kind       "text" | "media" | "system" | "deleted".
             system: joins, leaves, "created group", subject changes, the encryption notice (iOS writes these
             under the group's name; we give them author None). Only unmistakable notices are system: a scan
             may skip system messages, so when in doubt a line stays "text".
             deleted: "This message was deleted", "You deleted this message"; Meta messages with no content left.
  attachments file names or links when the export names them (<attached: ...>, "X.jpg (file attached)",
             Telegram photo/file, Meta uris and shared links); empty for "<Media omitted>".

ChatInfo: platform, title (WhatsApp: the latest subject the chat shows, else the export's file name
"WhatsApp Chat with NAME.txt" / "WhatsApp Chat - NAME.zip", else the group iOS names on the encryption
notice; Telegram/Meta: the export's name/title), participants (authors in order of first message; Meta adds its participant
list), messages, start, end, date_order ("dmy" | "mdy" | "ymd" | None), date_order_inferred,
date_order_ambiguous (nothing in the file decided day/month order: day-first was assumed, UK), warnings.
parse_with_info returns it at once with platform, title and date order known; the counts, participants
and period fill in as the iterator is consumed and are final when it is exhausted.

Memory: text exports are streamed (two passes when the day/month order must be inferred: the first looks
at date prefixes only); memory does not grow with the file. JSON exports are read whole, up to
source.MAX_JSON_BYTES (100 MB) per file, with a clear error above that: Meta splits threads into
10,000-message files, and Telegram exports of school-sized groups are a few MB.

Date order: a first field above 12 means day-first, a second above 12 month-first; otherwise, within a
year, the field that goes down between consecutive messages is the day. With no evidence we assume
day-first and set date_order_ambiguous (the CLI's --day-first/--month-first overrides).
"""

from __future__ import annotations

from collections.abc import Iterator

from . import meta, telegram, whatsapp
from .base import DELETED, KINDS, MEDIA, SYSTEM, TEXT, ChatInfo, Message, NotAChatExport, UnsafeArchive, track
from .source import Entry, Source, display, explain_not_chat, load_json, resolve, sniff_text, title_from_name

__all__ = [
    "ChatInfo", "Message", "NotAChatExport", "UnsafeArchive", "PLATFORMS", "KINDS",
    "TEXT", "MEDIA", "SYSTEM", "DELETED",
    "detect_format", "parse", "parse_with_info", "read_info",
]

PLATFORMS = ("whatsapp", "telegram", "messenger", "instagram", "signal")
_TEXT_PLATFORMS = ("whatsapp", "signal")


def _shown(entry: Entry) -> str:
    if entry.member is None:
        return "the upload" if isinstance(entry.source, bytes) else f"'{entry.name}'"
    return f"'{entry.member}' in '{entry.container or 'the zip'}'"


def _json_platform(data, entry: Entry) -> str:
    if telegram.is_telegram(data):
        return "telegram"
    if meta.is_meta(data):
        return meta.platform_of(data, f"{entry.container or ''}/{entry.member or entry.name}")
    raise NotAChatExport(
        f"{_shown(entry)} is JSON but not a chat export we know (Telegram result.json, or Messenger/Instagram "
        "message_1.json)."
    )


# What a bad file can make a parser raise goes out as NotAChatExport; these go out as they are.
_THEIRS = (NotAChatExport, UnsafeArchive, OSError, MemoryError)


def _could_not_read(shown: str, exc: Exception, where: str = "") -> NotAChatExport:
    reason = "it is nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {str(exc)[:200]}"
    return NotAChatExport(f"{shown} could not be read{where}: its content is not what a chat export holds ({reason}).")


def _guarded(messages: Iterator[Message], shown: str) -> Iterator[Message]:
    """The stream, with any error a bad file causes halfway through said as NotAChatExport."""
    read = 0
    try:
        for message in messages:
            read += 1
            yield message
    except _THEIRS:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser tripping on a hostile file, whatever the error
        raise _could_not_read(shown, exc, f" after {read:,} message(s)") from exc


def detect_format(source: Source) -> str:
    """The platform of an export, or NotAChatExport/UnsafeArchive with a message a person can act on."""
    try:
        return _detect_format(source)
    except _THEIRS:
        raise
    except Exception as exc:  # noqa: BLE001 - see _guarded
        raise _could_not_read(display(source), exc) from exc


def _detect_format(source: Source) -> str:
    entries = resolve(source)
    entry = entries[0]
    head = entry.head()
    sniffed = sniff_text(head)
    if sniffed == "json":
        return _json_platform(load_json(entry, _shown(entry)), entry)
    if sniffed == "text":
        return "signal" if entry.name.lower() == "chat.md" else "whatsapp"
    raise explain_not_chat(head, _shown(entry))


def parse(
    source: Source, *, day_first: bool | None = None, platform: str | None = None, chat: str | None = None
) -> Iterator[Message]:
    """The messages of an export, oldest first, streamed. Raises before returning if the file is unusable."""
    return parse_with_info(source, day_first=day_first, platform=platform, chat=chat)[0]


def read_info(source: Source, **options) -> ChatInfo:
    messages, info = parse_with_info(source, **options)
    for _ in messages:
        pass
    return info


def parse_with_info(
    source: Source, *, day_first: bool | None = None, platform: str | None = None, chat: str | None = None
) -> tuple[Iterator[Message], ChatInfo]:
    if platform is not None and platform not in PLATFORMS:
        raise ValueError(f"Unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}.")
    try:
        messages, info = _parse_with_info(source, day_first=day_first, platform=platform, chat=chat)
    except _THEIRS:
        raise
    except Exception as exc:  # noqa: BLE001 - see _guarded
        raise _could_not_read(display(source), exc) from exc
    return _guarded(messages, display(source)), info


def _parse_with_info(
    source: Source, *, day_first: bool | None, platform: str | None, chat: str | None
) -> tuple[Iterator[Message], ChatInfo]:
    entries = resolve(source)
    entry = entries[0]
    head = entry.head()
    sniffed = sniff_text(head)
    if sniffed is None:
        raise explain_not_chat(head, _shown(entry))
    if sniffed == "json":
        docs = [load_json(e, _shown(e)) for e in entries]
        found = _json_platform(docs[0], entry)
        if platform is not None and platform != found:
            raise NotAChatExport(f"{_shown(entry)} is a {found.title()} export, not {platform.title()}.")
        info = ChatInfo(platform=found)
        if found == "telegram":
            chosen = telegram.pick_chat(docs[0], chat, _shown(entry))
            return track(telegram.parse(chosen, info, _shown(entry)), info), info
        return track(meta.parse(docs, info, _shown(entry)), info), info
    if platform is not None and platform not in _TEXT_PLATFORMS:
        raise NotAChatExport(f"{_shown(entry)} is a text export, not {platform.title()} (which exports JSON).")
    found = platform or ("signal" if entry.name.lower() == "chat.md" else "whatsapp")
    info = ChatInfo(platform=found, title=title_from_name(entry.name) or title_from_name(entry.container))
    day_first = _date_order(entry, info, day_first)
    return track(_whatsapp_stream(entry, info, day_first), info), info


def _date_order(entry: Entry, info: ChatInfo, day_first: bool | None) -> bool:
    if day_first is not None:
        info.date_order = "dmy" if day_first else "mdy"
        return day_first
    with entry.open_text() as lines:
        order = whatsapp.infer_date_order(lines)
    info.date_order_inferred = True
    if order.year_first_only:
        info.date_order = "ymd"
        return True
    info.date_order = "dmy" if order.day_first else "mdy"
    info.date_order_ambiguous = order.ambiguous
    if order.ambiguous:
        info.warnings.append(
            "The day/month order of the dates could not be told from the file (no day above 12, and no clear "
            f"sequence); {'day-first (UK)' if order.day_first else 'month-first'} was assumed. Override it if "
            "the dates look wrong."
        )
    return order.day_first


def _whatsapp_stream(entry: Entry, info: ChatInfo, day_first: bool) -> Iterator[Message]:
    with entry.open_text() as lines:
        yield from whatsapp.parse_lines(lines, day_first, info)
