"""Opening an upload safely: a plain file, bytes, or a zip (refusing zip bombs), and finding the chat in it."""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from .base import NotAChatExport, UnsafeArchive
from .whatsapp import looks_like_chat

Source = str | os.PathLike | bytes

# Limits. A year of a busy class group with photos is a few GB of media and a few MB of text; a zip
# bomb is a tiny file that claims gigabytes, or a file inside a file inside a file.
MAX_MEMBERS = 20_000
MAX_TOTAL_UNCOMPRESSED = 4 * 1024**3  # the whole archive, media included, as it would unpack
MAX_CHAT_TEXT_BYTES = 1024**3  # the chat text itself (1 GiB is ~10 million messages)
MAX_RATIO = 100  # uncompressed / compressed, checked for members over RATIO_FLOOR bytes and the whole
RATIO_FLOOR = 1024**2
MAX_JSON_BYTES = 100 * 1024**2  # JSON exports are read whole (see the package docstring)

# What a damaged or crafted zip raises while it is opened or read: a bad CRC, sizes or names that disagree
# between the directory and the file, deflate data that breaks off, a method zipfile cannot read (deflate64,
# AES), a password. Each becomes NotAChatExport with the reason.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, struct.error)
# The compression methods zipfile reads. Windows' "Send to compressed folder" writes deflate64 (9) for big files.
_READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
_METHOD_NAMES = {9: "Deflate64", 99: "AES encryption", 93: "Zstandard", 98: "PPMd"}

_ARCHIVE_SUFFIXES = (".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst")
_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
]


def display(source: Source) -> str:
    """How a message names the upload: its file name, or 'the upload' for bytes."""
    return "the upload" if isinstance(source, bytes) else f"'{Path(source).name}'"


@dataclass(frozen=True)
class Entry:
    """One file to read: a plain file, or a member of a zip (re-opened for each pass)."""

    source: Source
    member: str | None
    name: str  # base name, used to recognise the export and find the chat's title
    container: str | None  # the zip's own base name, when there is one
    size: int

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        if self.member is None:
            if isinstance(self.source, bytes):
                yield io.BytesIO(self.source)
            else:
                with open(self.source, "rb") as f:
                    yield f
            return
        raw = io.BytesIO(self.source) if isinstance(self.source, bytes) else open(self.source, "rb")
        with raw:
            try:
                zf = zipfile.ZipFile(raw)
                member = zf.open(self.member)
            except ZIP_ERRORS as exc:
                raise damaged(self.member, self.shown_zip, exc) from None
            with zf, member:
                yield _Capped(member, self.size, self.member, self.shown_zip)

    @property
    def shown_zip(self) -> str:
        return f"'{self.container}'" if self.container else "the upload"

    def head(self, n: int = 65536) -> bytes:
        with self.open() as f:
            return f.read(n)

    @contextmanager
    def open_text(self) -> Iterator[TextIO]:
        with self.open() as f:
            buffered = f if isinstance(f, io.BufferedReader) else io.BufferedReader(f)  # type: ignore[arg-type]
            encoding = _encoding(buffered.peek(4)[:4])
            yield io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=None)


def damaged(member: str | None, shown: str, exc: BaseException) -> NotAChatExport:
    """A zip that cannot be read, said plainly, with zipfile's own reason. shown: the zip, as `display` says it."""
    where = f"'{member}' in {shown}" if member else shown
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, NotImplementedError):
        reason = "it is compressed with a method this server cannot unpack"
    elif isinstance(exc, RuntimeError) and "encrypted" in reason:
        reason = "it is password-protected"
    return NotAChatExport(
        f"{where} could not be read: the zip is damaged or unusual ({reason}). Export the chat again, or upload the "
        "chat's .txt or .json file on its own."
    )


class _Capped(io.RawIOBase):
    """Reads a zip member but stops with UnsafeArchive past its declared size (belt and braces); a damaged
    member (bad CRC, deflate data that breaks off) raises NotAChatExport."""

    def __init__(self, inner: BinaryIO, limit: int, member: str | None = None, shown: str = "the upload"):
        self._inner, self._left = inner, limit
        self._member, self._shown = member, shown

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(b))
        except ZIP_ERRORS as exc:
            raise damaged(self._member, self._shown, exc) from None
        if len(data) > self._left:
            raise UnsafeArchive("A file in the zip unpacks to more than it declares; refusing to read it.")
        self._left -= len(data)
        b[: len(data)] = data
        return len(data)


def _encoding(bom: bytes) -> str:
    if bom.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8-sig"


def _size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    try:
        return os.stat(source).st_size
    except FileNotFoundError:
        raise NotAChatExport(f"{display(source)} does not exist.") from None
    except IsADirectoryError:
        raise NotAChatExport(f"{display(source)} is a folder; upload the exported .txt, .json or .zip file.") from None


def _head(source: Source, n: int = 8) -> bytes:
    if isinstance(source, bytes):
        return source[:n]
    with open(source, "rb") as f:
        return f.read(n)


def resolve(source: Source) -> list[Entry]:
    """The file(s) holding the chat: usually one; several for a Messenger thread split into message_N.json."""
    if not isinstance(source, bytes) and os.path.isdir(source):
        raise NotAChatExport(f"{display(source)} is a folder; upload the exported .txt, .json or .zip file.")
    size = _size(source)
    name = "upload" if isinstance(source, bytes) else Path(source).name
    if size == 0:
        raise NotAChatExport(f"{display(source)} is empty (0 bytes). Export the chat again and upload the file it makes.")
    head = _head(source)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _resolve_zip(source, name)
    if name.lower().endswith(".zip"):
        raise NotAChatExport(f"{display(source)} is named .zip but is not a zip archive (it may be damaged or incomplete).")
    return [Entry(source, None, name, None, size)]


def _check_archive(zf: zipfile.ZipFile, archive_size: int, shown: str) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    files = [i for i in infos if not i.is_dir()]
    if not files:
        raise NotAChatExport(f"The zip archive {shown} is empty: it has no files in it.")
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchive(
            f"The zip archive {shown} holds {len(infos):,} files; more than {MAX_MEMBERS:,} is not a chat export."
        )
    total = sum(i.file_size for i in files)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UnsafeArchive(
            f"The zip archive {shown} would unpack to {total / 1024**3:.1f} GB, over the "
            f"{MAX_TOTAL_UNCOMPRESSED / 1024**3:.0f} GB limit. Export the chat without media and upload that."
        )
    if total > RATIO_FLOOR and total > MAX_RATIO * max(archive_size, 1):
        raise UnsafeArchive(
            f"The zip archive {shown} is compressed {total / max(archive_size, 1):,.0f} to 1, which only a "
            "zip bomb does; refusing to open it."
        )
    for i in files:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise UnsafeArchive(
                f"'{i.filename}' in {shown} is compressed {i.file_size / max(i.compress_size, 1):,.0f} to 1, "
                "which only a zip bomb does; refusing to open it."
            )
        if i.filename.lower().endswith(_ARCHIVE_SUFFIXES):
            raise UnsafeArchive(
                f"The zip archive {shown} contains another archive ('{i.filename}'). Upload the chat export itself, "
                "not an archive of archives."
            )
        if i.flag_bits & 0x1:
            raise NotAChatExport(f"The zip archive {shown} is password-protected; upload it without a password.")
    return files


def _resolve_zip(source: Source, name: str) -> list[Entry]:
    shown = display(source)
    raw = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")
    with raw:
        try:
            zf = zipfile.ZipFile(raw)
        except (*ZIP_ERRORS, ValueError, OSError):  # a directory that points outside the file, among others
            raise NotAChatExport(f"{shown} is not a readable zip archive (it may be damaged or incomplete).") from None
        with zf:
            try:
                files = _check_archive(zf, _size(source), shown)
                chosen = _choose_members(zf, files, shown)
                for info in chosen:
                    if info.file_size > (MAX_CHAT_TEXT_BYTES if not info.filename.endswith(".json") else MAX_JSON_BYTES):
                        raise UnsafeArchive(f"The chat file '{info.filename}' in {shown} is too large to read safely.")
                    _verify(zf, info, shown)
            except ZIP_ERRORS as exc:
                raise damaged(None, shown, exc) from None
    container = None if isinstance(source, bytes) else name
    return [Entry(source, i.filename, posixpath.basename(i.filename), container, i.file_size) for i in chosen]


def _readable_method(info: zipfile.ZipInfo, shown: str) -> None:
    if info.compress_type not in _READABLE_METHODS:
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise NotAChatExport(
            f"'{info.filename}' in {shown} could not be read: it is compressed with {method}, which "
            "this server cannot unpack. Upload the chat's .txt or .json file itself, or zip it again with the "
            "phone's or computer's ordinary zip."
        )


def _verify(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> None:
    """Read the chat's file to its end once, before any message is given out: a bad CRC, a member that unpacks
    to more than it declares or deflate data that breaks off is refused now, with its reason, not halfway through
    a scan."""
    _readable_method(info, shown)
    with zf.open(info) as member:
        capped = _Capped(member, info.file_size, info.filename, shown)
        buffer = bytearray(1024**2)
        while capped.readinto(buffer):
            pass


_MESSAGE_N = re.compile(r"(?:^|/)message_(\d+)\.json$")


def _choose_members(zf: zipfile.ZipFile, files: list[zipfile.ZipInfo], shown: str) -> list[zipfile.ZipInfo]:
    def base(i: zipfile.ZipInfo) -> str:
        return posixpath.basename(i.filename)

    visible = [i for i in files if not base(i).startswith("._") and "__MACOSX/" not in i.filename]
    # WhatsApp: iOS names the chat _chat.txt, Android "WhatsApp Chat with NAME.txt" (localised).
    for test in (
        lambda i: base(i) == "_chat.txt",
        lambda i: base(i).lower().startswith("whatsapp") and base(i).lower().endswith(".txt"),
    ):
        hits = [i for i in visible if test(i)]
        if hits:
            return [hits[0]]
    # Telegram: result.json. Messenger / Instagram: one thread folder of message_1.json, message_2.json ...
    hits = [i for i in visible if base(i) == "result.json"]
    if hits:
        return [hits[0]]
    threads: dict[str, list[zipfile.ZipInfo]] = {}
    for i in visible:
        if _MESSAGE_N.search(i.filename):
            threads.setdefault(posixpath.dirname(i.filename), []).append(i)
    if len(threads) == 1:
        (members,) = threads.values()
        return sorted(members, key=lambda i: int(_MESSAGE_N.search(i.filename).group(1)))  # type: ignore[union-attr]
    if len(threads) > 1:
        names = ", ".join(sorted(posixpath.basename(t) for t in threads)[:5])
        raise NotAChatExport(
            f"The zip archive {shown} holds {len(threads)} conversations ({names}...). Upload the folder of the one "
            "group chat the parent agreed to share, zipped on its own."
        )
    texts = [i for i in visible if base(i).lower().endswith((".txt", ".json", ".md"))]
    for i in texts:  # any single text that reads as a chat
        _readable_method(i, shown)
        with zf.open(i) as f:
            head = f.read(4096)
        if sniff_text(head) is not None:
            return [i]
    if any(base(i).lower().endswith(".html") for i in visible):
        raise NotAChatExport(
            f"The zip archive {shown} holds an HTML export. Export the chat again choosing JSON "
            "(Telegram: 'Machine-readable JSON'; Facebook/Instagram: format 'JSON')."
        )
    listed = ", ".join(base(i) for i in visible[:5])
    raise NotAChatExport(
        f"The zip archive {shown} does not contain a chat export (found: {listed}{'...' if len(visible) > 5 else ''}). "
        "Expected a WhatsApp '_chat.txt' / 'WhatsApp Chat with ....txt', a Telegram 'result.json', or a "
        "Messenger/Instagram 'message_1.json'."
    )


def sniff_text(head: bytes) -> str | None:
    """'json', 'text' (a line-based chat), or None, from the first bytes of a file."""
    text = head.decode(_encoding(head[:4]), errors="replace").lstrip("\ufeff\u200e \t\r\n")
    if looks_like_chat(text):  # before JSON: iOS lines start with '[' too
        return "text"
    return "json" if text[:1] in ("{", "[") else None


def explain_not_chat(head: bytes, shown: str) -> NotAChatExport:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return NotAChatExport(f"{shown} is {what}, not a chat export.")
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return NotAChatExport(f"{shown} is a binary file, not a chat export.")
    lowered = head[:2048].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return NotAChatExport(
            f"{shown} is an HTML page. Export the chat again choosing JSON "
            "(Telegram: 'Machine-readable JSON'; Facebook/Instagram: format 'JSON') or, for WhatsApp, the .txt/.zip."
        )
    return NotAChatExport(
        f"{shown} does not look like a chat export. A WhatsApp export starts each message with its date and "
        "time, e.g. '12/03/2024, 18:45 - Name: text' or '[12/03/2024, 18:45:10] Name: text'; Telegram, "
        "Messenger and Instagram exports are JSON files."
    )


def load_json(entry: Entry, shown: str):
    if entry.size > MAX_JSON_BYTES:
        raise NotAChatExport(
            f"{shown} is {entry.size / 1024**2:.0f} MB; JSON exports over {MAX_JSON_BYTES // 1024**2} MB are not "
            "read. Export a shorter date range."
        )
    with entry.open() as f:
        data = f.read(MAX_JSON_BYTES + 1)
    try:
        return json.loads(data.decode(_encoding(data[:4]), errors="replace").lstrip("\ufeff"))
    except ValueError as exc:  # bad JSON, or a number longer than Python reads (4,300 digits)
        raise NotAChatExport(f"{shown} looks like JSON but cannot be read ({str(exc)[:200]}).") from None
    except RecursionError:
        raise NotAChatExport(f"{shown} could not be read: its JSON is nested far deeper than any chat export.") from None


def title_from_name(name: str | None) -> str | None:
    """'WhatsApp Chat with Year 4 Parents.txt' / 'WhatsApp Chat - Year 4 Parents.zip' -> 'Year 4 Parents'."""
    if not name:
        return None
    m = re.match(r"(?i)^whatsapp[ -]chat(?: with| mit| met| avec| con| com)?\s*[-–]?\s*(.+?)(?:\.txt|\.zip)?$", name)
    return m.group(1).strip() or None if m else None
