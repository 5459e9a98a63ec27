"""Issue 13 item 8: hostile chat exports are refused as "could not be read", with the reason, never a 500.

Each hostile file is built here: damaged zips (bad CRC, sizes that lie, deflate64, AES, a password, a directory
that disagrees with the file), hostile JSON (nesting thousands deep, null, numbers and lists where text or a
date belongs, numbers past any date), impossible and absurd dates (31/12/9999, years 100 to 9999). The parser
either raises NotAChatExport or reads the file safely; the upload page answers 400 with the message and saves
nothing, or takes the file and the scan, its report and its PDF work.
"""

from __future__ import annotations

import io
import json
import re
import struct
import time
import zipfile

import pytest

from schoolgate.chats.models import ChatPermission, ChatScan
from schoolgate.chats.parsers import NotAChatExport, detect_format, parse, parse_with_info, read_info
from schoolgate.chats.parsers import whatsapp as whatsapp_module
from schoolgate.chats.report import MAX_BUCKETS

from .conftest import CHAT

CHAT_BYTES = CHAT.encode() * 20


def _nothing_saved():
    return not ChatScan.objects.exists() and not ChatPermission.objects.exists()


# --- damaged zips ---------------------------------------------------------------------------------------

def _zip(data: bytes = CHAT_BYTES, name: str = "_chat.txt", compression=zipfile.ZIP_DEFLATED) -> bytearray:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        zf.writestr(name, data)
    return bytearray(buf.getvalue())


def _patch(offset_in_local: int, offset_in_central: int, fmt: str, value: int):
    """A zip whose local header and central directory both say `value` at the given field."""
    def build() -> bytes:
        data = _zip()
        central = data.rfind(b"PK\x01\x02")
        struct.pack_into(fmt, data, offset_in_local, value)
        struct.pack_into(fmt, data, central + offset_in_central, value)
        return bytes(data)
    return build


def _corrupt_data() -> bytes:
    data = _zip()
    for i in range(40, 120, 7):
        data[i] ^= 0xFF
    return bytes(data)


def _name_mismatch() -> bytes:
    data = _zip()
    data[30] = ord("X")  # the local header's copy of the name
    return bytes(data)


def _offset_outside() -> bytes:
    data = _zip()
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 42, 10**9)  # the member "starts" a gigabyte past the end
    return bytes(data)


DAMAGED_ZIPS = {
    "bad CRC": (_patch(14, 16, "<I", 0), "Bad CRC"),
    "corrupt deflate data": (_corrupt_data, "could not be read"),
    "uncompressed size smaller than the data": (_patch(22, 24, "<I", 100), "could not be read"),
    "compressed size smaller than the data": (_patch(18, 20, "<I", 10), "could not be read"),
    "deflate64": (_patch(8, 10, "<H", 9), "Deflate64"),
    "AES encryption": (_patch(8, 10, "<H", 99), "AES"),
    "an unknown method": (_patch(8, 10, "<H", 77), "method 77"),
    "password-protected": (_patch(6, 8, "<H", 1), "password"),
    "names that disagree": (_name_mismatch, "could not be read"),
    "a member past the end": (_offset_outside, "could not be read"),
    "truncated": (lambda: bytes(_zip()[:150]), "not a readable zip"),
}


@pytest.mark.parametrize("case", DAMAGED_ZIPS)
def test_damaged_zips_are_not_a_chat_export(case):
    build, says = DAMAGED_ZIPS[case]
    data = build()
    for read in (detect_format, lambda d: list(parse(d, day_first=True))):
        with pytest.raises(NotAChatExport, match=re.escape(says)):
            read(data)


@pytest.mark.parametrize("case", DAMAGED_ZIPS)
def test_damaged_zips_are_refused_on_upload(stokes, fake_judge, upload, case):
    build, says = DAMAGED_ZIPS[case]
    response = upload(build(), name="WhatsApp Chat - Year 4 Parents.zip")
    assert response.status_code == 400
    assert says in response.content.decode().replace("&#x27;", "'")
    assert _nothing_saved() and not fake_judge.batches


def test_a_zip_whose_size_lies_upwards_still_reads(tmp_path):
    data = _patch(22, 24, "<I", len(CHAT_BYTES) * 2)()
    assert read_info(data, day_first=True).messages == 12 * 20


# --- hostile JSON ---------------------------------------------------------------------------------------

def _telegram(*messages, **chat) -> bytes:
    return json.dumps({"name": "Year 4 Parents", "type": "private_group", "id": 1, "messages": list(messages), **chat}).encode()


def _tg(**fields) -> dict:
    return {"id": 1, "type": "message", "date": "2024-03-12T18:45:00", "date_unixtime": "1710269100",
            "from": "Dave Smith", "from_id": "user1", "text": "hello", **fields}


def _meta(*messages, **thread) -> bytes:
    return json.dumps({"participants": [{"name": "Dave Smith"}], "messages": list(messages), "title": "Year 4",
                       "thread_path": "inbox/year4", **thread}).encode()


def _fb(**fields) -> dict:
    return {"sender_name": "Dave Smith", "timestamp_ms": 1710269100000, "content": "hello", "type": "Generic", **fields}


REFUSED_JSON = {
    "lists nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested"),
    "objects nested 50,000 deep": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested"),
    "messages nested deep": (b'{"messages": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}", "nested"),
    "a number of 5,000 digits": (b'{"messages": [{"date_unixtime": ' + b"9" * 5000 + b"}]}", "cannot be read"),
    "telegram date null": (_telegram(_tg(date=None, date_unixtime=None)), "not a date"),
    "telegram date a list": (_telegram({"id": 1, "type": "message", "date": [2024], "from": "x", "text": "y"}), "not a date"),
    "telegram date a word": (_telegram(_tg(date_unixtime="yesterday")), "not a date"),
    "telegram date not ISO": (_telegram({"id": 1, "type": "message", "date": "31/12/9999", "from": "x", "text": "y"}), "not a date"),
    "telegram date NaN": (_telegram(_tg(date_unixtime="nan")), "not a date"),
    "meta time null": (_meta(_fb(timestamp_ms=None)), "not a number"),
    "meta time a word": (_meta(_fb(timestamp_ms="noon")), "not a number"),
    "meta time a list": (_meta(_fb(timestamp_ms=[1])), "not a number"),
    "meta 2024 time an object": (_meta({"senderName": "Dave", "timestamp": {"ms": 1}, "text": "hi"}), "not a number"),
}


@pytest.mark.parametrize("case", REFUSED_JSON)
def test_hostile_json_is_not_a_chat_export(case):
    data, says = REFUSED_JSON[case]
    try:  # the upload form asks first: a platform, or NotAChatExport (the dates are read by parse)
        assert detect_format(data) in ("telegram", "messenger", "instagram")
    except NotAChatExport:
        pass
    with pytest.raises(NotAChatExport, match=says):
        list(parse(data))


@pytest.mark.parametrize("case", ["lists nested 100,000 deep", "telegram date null", "meta time a word", "a number of 5,000 digits"])
def test_hostile_json_is_refused_on_upload(stokes, fake_judge, upload, case):
    data, says = REFUSED_JSON[case]
    response = upload(data, name="result.json")
    assert response.status_code == 400 and says in response.content.decode()
    assert _nothing_saved()


SAFE_JSON = {
    "telegram text null, a number, a list of odd things": _telegram(_tg(text=None), _tg(text=42), _tg(text=[None, 1, {"text": None}, {"text": "ok"}, ["x"]])),
    "telegram author a number, a list, an object": _telegram(_tg(**{"from": 447700900123}), _tg(**{"from": ["a"]}), _tg(**{"from": {"n": 1}})),
    "telegram name a list, messages with odd service fields": _telegram(
        _tg(), {"id": 2, "type": "service", "date_unixtime": "1710269200", "actor": ["x"], "action": ["y"], "members": 5, "title": {"t": 1}},
        name=["not", "a", "name"]),
    "telegram times past any date": _telegram(_tg(), _tg(date_unixtime="9" * 400), _tg(date_unixtime=-1e300), _tg(date_unixtime=1e308)),
    "meta odd fields": _meta(_fb(sender_name=12345, content=["a", "list"]), _fb(type=["Generic"], photos=7, share="x", sticker=3),
                             {"senderName": 7, "timestamp": 1710269300000, "text": None, "media": 5},
                             participants=None, joinable_mode=["link"]),
    "meta times past any date": _meta(_fb(), _fb(timestamp_ms=10**30), _fb(timestamp_ms=-(10**30)), _fb(timestamp_ms=1e308)),
}


@pytest.mark.parametrize("case", SAFE_JSON)
def test_odd_json_parses_safely(case):
    messages, info = parse_with_info(SAFE_JSON[case])
    messages = list(messages)
    assert messages
    for m in messages:
        assert isinstance(m.text, str) and (m.author is None or isinstance(m.author, str))
        assert 1990 <= m.timestamp.year <= 2100
    assert info.title is None or isinstance(info.title, str)


def test_dates_past_any_date_are_clamped_and_said(stokes, fake_judge, upload, login):
    messages, info = parse_with_info(SAFE_JSON["telegram times past any date"])
    assert [m.timestamp.year for m in messages][0] == 2024
    assert info.start.year == 1990 and "3 message(s) carried dates outside 1 Jan 1990" in info.warnings[-1]
    response = upload(SAFE_JSON["telegram times past any date"], name="result.json")
    assert response.status_code == 302
    scan = ChatScan.objects.get()
    assert scan.status == ChatScan.Status.DONE and "dates cannot be relied on" in scan.date_order_note


# --- dates ----------------------------------------------------------------------------------------------

CRAFTED_9999 = """\
31/12/9999, 23:59 - Dave Smith: Mr Hughes is an idiot
31/12/9999, 23:59 - Kelly Bennett: From the far future
"""


def test_a_chat_dated_31_12_9999(stokes, fake_judge, upload, login):
    messages, info = parse_with_info(CRAFTED_9999.encode(), day_first=True)
    messages = list(messages)
    assert all(m.timestamp.year < 9999 for m in messages)
    assert "31 Dec 9999" in info.warnings[-1]
    response = upload(CRAFTED_9999)
    assert response.status_code == 302, response.content.decode()[:2000]
    scan = ChatScan.objects.get()
    assert scan.status == ChatScan.Status.DONE and scan.period_end.year < 9999
    client = login("head@stokes-wood.demo")
    page = client.get(f"/stokes-wood/chats/{scan.pk}/")
    assert page.status_code == 200 and "31 Dec 9999" in page.content.decode()
    pdf = client.get(f"/stokes-wood/chats/{scan.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _years_100_to_9999() -> str:
    lines = []
    for year in list(range(100, 10_000, 37)) + [9999]:
        lines.append(f"01/06/{year:04d}, 12:00 - Dave Smith: Message from {year}")
    return "\n".join(lines) + "\n"


def test_dates_from_year_100_to_9999_keep_the_report_small_and_fast(stokes, fake_judge, upload, login):
    response = upload(_years_100_to_9999())
    assert response.status_code == 302, response.content.decode()[:2000]
    scan = ChatScan.objects.get()
    assert scan.status == ChatScan.Status.DONE
    client = login("head@stokes-wood.demo")
    page = client.get(f"/stokes-wood/chats/{scan.pk}/")
    assert page.status_code == 200 and len(page.content) < 300_000
    assert page.content.decode().count('fill="#c8d0dc"') <= MAX_BUCKETS
    started = time.monotonic()
    pdf = client.get(f"/stokes-wood/chats/{scan.pk}/report.pdf")
    assert pdf.status_code == 200 and time.monotonic() - started < 20


def test_a_scan_stored_before_dates_were_clamped_still_reports(scanned, login):
    """Daily counts and a period from year 100 to 9999, as a scan stored by an earlier version kept them."""
    from datetime import UTC, datetime

    daily = {f"{year:04d}-06-01": [1, 0] for year in range(100, 10_000, 3)} | {"9999-12-31": [1, 1]}
    ChatScan.objects.filter(pk=scanned.pk).update(
        daily_counts=daily, period_start=datetime(100, 6, 1, tzinfo=UTC), period_end=datetime(9999, 12, 31, 12, tzinfo=UTC))
    client = login("head@stokes-wood.demo")
    page = client.get(f"/stokes-wood/chats/{scanned.pk}/")
    assert page.status_code == 200 and page.content.decode().count('fill="#c8d0dc"') <= MAX_BUCKETS
    assert client.get(f"/stokes-wood/chats/{scanned.pk}/report.pdf").status_code == 200


def test_impossible_dates_and_times_are_text_of_the_message_before():
    text = (
        "12/03/2024, 18:45 - Dave Smith: first\n"
        "31/02/2024, 18:46 - Dave Smith: the 31st of February\n"
        "13/13/2024, 25:70 - Dave Smith: month 13, hour 25\n"
        "12/03/2024, 18:47 - Kelly Bennett: second\n"
    )
    messages, info = parse_with_info(text.encode(), day_first=True)
    messages = list(messages)
    assert [m.author for m in messages] == ["Dave Smith", "Kelly Bennett"]
    assert "31st of February" in messages[0].text and "hour 25" in messages[0].text
    assert "2 line(s) began like a message" in " ".join(info.warnings)


# --- whatever else a parser trips on ----------------------------------------------------------------------

def test_an_error_halfway_through_the_stream_is_not_a_chat_export(monkeypatch):
    real = whatsapp_module.parse_lines

    def trips(lines, day_first, info):
        stream = real(lines, day_first, info)
        yield next(stream)
        raise KeyError("something no file should cause")

    monkeypatch.setattr(whatsapp_module, "parse_lines", trips)
    messages = parse(CHAT.encode(), day_first=True)
    assert next(messages).author is None
    with pytest.raises(NotAChatExport, match=r"could not be read after 1 message\(s\).*KeyError"):
        next(messages)


def test_an_error_before_the_first_message_is_not_a_chat_export(monkeypatch):
    from schoolgate.chats.parsers import telegram

    monkeypatch.setattr(telegram, "is_telegram", lambda data: 1 / 0)
    with pytest.raises(NotAChatExport, match="ZeroDivisionError"):
        detect_format(_telegram(_tg()))
    with pytest.raises(NotAChatExport, match="ZeroDivisionError"):
        parse(_telegram(_tg()))


# --- upload names -----------------------------------------------------------------------------------------

def test_an_upload_name_over_255_bytes_is_shortened_and_the_chat_read(stokes, fake_judge, upload):
    from schoolgate.chats.models import ChatScan

    response = upload(CHAT, name="WhatsApp Chat with " + "é" * 200 + ".txt")
    assert response.status_code == 302
    assert ChatScan.objects.get().status == ChatScan.Status.DONE
