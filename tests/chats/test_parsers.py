"""The chat-export parsers, on exports built here (pure Python: no Django, no shared data)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

import pytest

from schoolgate.chats.parsers import (
    NotAChatExport,
    UnsafeArchive,
    detect_format,
    parse,
    parse_with_info,
    read_info,
)
from schoolgate.chats.parsers import source as source_module

LRM, NNBSP = "\u200e", "\u202f"


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def zipped(tmp_path, name: str, members: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


ANDROID_24H = """\
12/03/2024, 18:45 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.
12/03/2024, 18:45 - Sarah Jones created group "Year 4 Parents"
12/03/2024, 18:46 - Sarah Jones added +44 7700 900123
13/03/2024, 08:02 - Sarah Jones: Morning all: does anyone know when the trip money is due?
13/03/2024, 08:05 - +44 7700 900123: Friday I think.
It says so in the letter:
"payment by Friday 15th"
13/03/2024, 08:06 - Sarah Jones: <Media omitted>
13/03/2024, 08:07 - +44 7700 900123: This message was deleted
13/03/2024, 08:09 - Sarah Jones changed the subject from "Year 4 Parents" to "Y4 Parents: 2024"
13/03/2024, 08:10 - +44 7700 900123 left
"""


def test_android_24h_day_first(tmp_path):
    path = write(tmp_path, "WhatsApp Chat with Year 4 Parents.txt", ANDROID_24H)
    assert detect_format(path) == "whatsapp"
    messages, info = parse_with_info(path)
    messages = list(messages)
    assert [m.kind for m in messages] == ["system", "system", "system", "text", "text", "media", "deleted", "system", "system"]
    assert [m.index for m in messages] == list(range(9))
    assert messages[0].author is None and messages[0].text.startswith("Messages and calls are end-to-end encrypted")
    assert messages[2].text == "Sarah Jones added +44 7700 900123"
    chat = messages[3]
    assert chat.timestamp == datetime(2024, 3, 13, 8, 2)
    assert chat.author == "Sarah Jones"
    assert chat.text == "Morning all: does anyone know when the trip money is due?"  # colon inside the text
    multi = messages[4]
    assert multi.author == "+44 7700 900123"  # phone-number author
    assert multi.text == 'Friday I think.\nIt says so in the letter:\n"payment by Friday 15th"'
    assert messages[5].text == "<Media omitted>" and messages[5].attachments == ()
    assert messages[7].author is None and messages[7].text.endswith('to "Y4 Parents: 2024"')  # ': ' in a system line
    assert info.platform == "whatsapp"
    assert info.title == "Y4 Parents: 2024"  # the latest subject; the file name's until then
    assert info.participants == ["Sarah Jones", "+44 7700 900123"]
    assert info.messages == 9
    assert info.start == datetime(2024, 3, 12, 18, 45) and info.end == datetime(2024, 3, 13, 8, 10)
    assert (info.date_order, info.date_order_inferred, info.date_order_ambiguous) == ("dmy", True, False)


def test_android_12h_month_first_two_digit_year(tmp_path):
    path = write(tmp_path, "chat.txt", (
        "3/1/24, 9:05 AM - Tom: Is it non-uniform day on Friday?\n"
        "3/1/24, 12:00 PM - Amy: Yes\n"
        "3/1/24, 12:30 AM - Amy: (posted late)\n"
        "3/14/24, 9:41 pm - Tom: thanks\n"
    ))
    messages, info = parse_with_info(path)
    assert [m.timestamp for m in messages] == [
        datetime(2024, 3, 1, 9, 5), datetime(2024, 3, 1, 12, 0), datetime(2024, 3, 1, 0, 30), datetime(2024, 3, 14, 21, 41),
    ]
    assert info.date_order == "mdy" and not info.date_order_ambiguous


def test_ios_brackets_seconds_narrow_no_break_space_and_lrm(tmp_path):
    text = (
        f"[12/03/2024, 6:45:10{NNBSP}PM] Year 4 Parents: {LRM}Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n"
        f"{LRM}[12/03/2024, 6:45:10{NNBSP}PM] {LRM}Sarah Jones created this group\n"
        f"[13/03/2024, 8:02:01{NNBSP}AM] Sarah Jones: Morning!\n"
        f"{LRM}[13/03/2024, 8:03:00{NNBSP}AM] Sarah Jones: {LRM}image omitted\n"
        f"{LRM}[13/03/2024, 8:04:00{NNBSP}AM] +44 7700 900123: {LRM}<attached: 00000012-PHOTO-2024-03-13-08-04-00.jpg>\n"
        f"[13/03/2024, 8:05:00{NNBSP}AM] +44 7700 900123: {LRM}This message was deleted.\n"
        f"[13/03/2024, 8:06:00{NNBSP}AM] Sarah Jones: {LRM}You deleted this message.\n"
    )
    path = write(tmp_path, "_chat.txt", text)
    messages, info = parse_with_info(path)
    messages = list(messages)
    assert [m.kind for m in messages] == ["system", "system", "text", "media", "media", "deleted", "deleted"]
    assert messages[0].author is None and messages[1].author is None
    assert messages[1].text == "Sarah Jones created this group"
    assert messages[2].timestamp == datetime(2024, 3, 13, 8, 2, 1)
    assert messages[0].timestamp == datetime(2024, 3, 12, 18, 45, 10)
    assert messages[3].author == "Sarah Jones" and messages[3].text == f"{LRM}image omitted"
    assert messages[4].attachments == ("00000012-PHOTO-2024-03-13-08-04-00.jpg",)
    assert info.title == "Year 4 Parents"  # iOS: the encryption notice comes 'from' the group
    assert info.participants == ["Sarah Jones", "+44 7700 900123"]


def test_dotted_german_style_dates(tmp_path):
    path = write(tmp_path, "chat.txt", "[24.12.19, 15:21:45] Jana: Frohe Weihnachten\n[25.12.19, 09:00:00] Jan: Danke: euch auch\n")
    messages = list(parse(path))
    assert messages[0].timestamp == datetime(2019, 12, 24, 15, 21, 45)
    assert messages[1].text == "Danke: euch auch"


def test_year_first_and_dotted_times(tmp_path):
    path = write(tmp_path, "chat.txt", "2022-12-14, 13:34 - John: one\n2022/12/24, 11:33. - John: two\n[2023-01-02 07:08:09] John: three\n")
    messages, info = parse_with_info(path)
    assert [m.timestamp for m in messages] == [
        datetime(2022, 12, 14, 13, 34), datetime(2022, 12, 24, 11, 33), datetime(2023, 1, 2, 7, 8, 9),
    ]
    assert info.date_order == "ymd" and not info.date_order_ambiguous


@pytest.mark.parametrize("ampm, hour", [("a.m.", 9), ("p. m.", 21), ("PM", 21), (f"{NNBSP}pm", 21), ("am", 9)])
def test_twelve_hour_markers(tmp_path, ampm, hour):
    path = write(tmp_path, "chat.txt", f"24/09/2019, 9:30 {ampm} - Ann: hi\n".replace(f" {NNBSP}", NNBSP))
    assert next(parse(path)).timestamp == datetime(2019, 9, 24, hour, 30)


AMBIGUOUS = "01/02/2024, 10:00 - Ann: one\n03/02/2024, 10:00 - Ann: two\n05/04/2024, 10:00 - Ann: three\n"


def test_ambiguous_dates_default_day_first_and_say_so(tmp_path):
    # Both fields only go up: nothing tells day from month.
    path = write(tmp_path, "chat.txt", AMBIGUOUS)
    messages, info = parse_with_info(path)
    assert next(messages).timestamp == datetime(2024, 2, 1, 10, 0)
    assert info.date_order == "dmy" and info.date_order_ambiguous and info.warnings


def test_ambiguous_dates_overridden(tmp_path):
    path = write(tmp_path, "chat.txt", AMBIGUOUS)
    messages, info = parse_with_info(path, day_first=False)
    assert next(messages).timestamp == datetime(2024, 1, 2, 10, 0)
    assert info.date_order == "mdy" and not info.date_order_inferred and not info.date_order_ambiguous


def test_date_order_inferred_from_late_line(tmp_path):
    lines = [f"0{d}/0{m}/2024, 10:00 - Ann: x" for m in range(1, 4) for d in range(1, 4)] + ["25/03/2024, 10:00 - Ann: late"]
    messages, info = parse_with_info(write(tmp_path, "chat.txt", "\n".join(lines)))
    assert next(messages).timestamp == datetime(2024, 1, 1, 10, 0)
    assert list(messages)[-1].timestamp == datetime(2024, 3, 25, 10, 0)
    assert info.date_order == "dmy" and info.date_order_inferred and not info.date_order_ambiguous


def test_date_order_inferred_from_sequence(tmp_path):
    # No field above 12, but the first field falls back (28 -> 1 is impossible here; 9 -> 2 is) while the
    # second rises: the first field is the day.
    path = write(tmp_path, "chat.txt", "09/03/2024, 10:00 - Ann: a\n02/04/2024, 10:00 - Ann: b\n")
    messages, info = parse_with_info(path)
    assert [m.timestamp.month for m in messages] == [3, 4]
    assert not info.date_order_ambiguous


def test_telegram_single_chat_with_entities_and_service(tmp_path):
    export = {
        "name": "Class 3 Parents", "type": "private_group", "id": 1,
        "messages": [
            {"id": 1, "type": "service", "date": "2023-09-01T08:00:00", "date_unixtime": "1693555200",
             "actor": "Ann", "action": "create_group", "title": "Class 3 Parents", "text": ""},
            {"id": 2, "type": "message", "date": "2023-09-01T09:00:00", "date_unixtime": "1693558800",
             "from": "Ann", "text": ["See ", {"type": "bold", "text": "this"}, ": ", {"type": "link", "text": "https://example.org"}]},
            {"id": 3, "type": "message", "date": "2023-09-01T09:01:00", "date_unixtime": "1693558860",
             "from": "Bob", "text": "nice pic", "photo": "photos/photo_1.jpg", "width": 1, "height": 1},
        ],
    }
    path = write(tmp_path, "result.json", json.dumps(export))
    assert detect_format(path) == "telegram"
    messages, info = parse_with_info(path)
    messages = list(messages)
    assert messages[0].kind == "system" and messages[0].author is None and "created group" in messages[0].text
    assert messages[1].text == "See this: https://example.org"
    assert messages[1].timestamp == datetime(2023, 9, 1, 9, 0, tzinfo=UTC)
    assert messages[2].kind == "media" and messages[2].attachments == ("photos/photo_1.jpg",)
    assert info.title == "Class 3 Parents" and info.participants == ["Ann", "Bob"]


def test_telegram_batch_export(tmp_path):
    def chat(name):
        return {"name": name, "messages": [{"type": "message", "date_unixtime": "1544006350", "from": "A", "text": name}]}

    one = write(tmp_path, "one.json", json.dumps({"chats": {"list": [chat("Only")]}}))
    assert [m.text for m in parse(one)] == ["Only"]
    two = write(tmp_path, "two.json", json.dumps({"chats": {"list": [chat("First"), chat("Second")]}}))
    with pytest.raises(NotAChatExport, match="2 chats"):
        parse(two)
    assert [m.text for m in parse(two, chat="Second")] == ["Second"]


def mojibake(s: str) -> str:
    return s.encode("utf-8").decode("latin-1")


def test_messenger_mojibake_and_order(tmp_path):
    export = {
        "participants": [{"name": mojibake("Zoë Smith")}, {"name": "Allan Smith"}],
        "title": "PTA",
        "messages": [  # newest first, as Meta writes them
            {"sender_name": "Allan Smith", "timestamp_ms": 1668628300000, "content": "Unsent", "is_unsent": True, "type": "Generic"},
            {"sender_name": "Allan Smith", "timestamp_ms": 1668628250000, "photos": [{"uri": "messages/inbox/pta/photos/1.jpg"}], "type": "Generic"},
            {"sender_name": mojibake("Zoë Smith"), "timestamp_ms": 1668628200000, "content": mojibake("Café at 3 ❤️"), "type": "Generic"},
            {"sender_name": "Allan Smith", "timestamp_ms": 1668628100000, "content": "Allan Smith joined the group.", "type": "Subscribe"},
        ],
    }
    path = write(tmp_path, "message_1.json", json.dumps(export))  # json.dumps escapes: \u00c3\u00ab as Meta does
    assert detect_format(path) == "messenger"
    messages, info = parse_with_info(path)
    messages = list(messages)
    assert [m.kind for m in messages] == ["system", "text", "media", "deleted"]
    assert messages[1].author == "Zoë Smith" and messages[1].text == "Café at 3 ❤️"
    assert messages[1].timestamp == datetime(2022, 11, 16, 19, 50, tzinfo=UTC)
    assert messages[2].attachments == ("messages/inbox/pta/photos/1.jpg",)
    assert info.title == "PTA" and info.participants[0] == "Zoë Smith"


def test_instagram(tmp_path):
    export = {
        "participants": [{"name": "jane"}, {"name": "john"}],
        "messages": [
            {"sender_name": "john", "timestamp_ms": 1579294140000, "content": "Hello Jane!"},
            {"sender_name": "jane", "timestamp_ms": 1577186580000, "content": "Hello John!"},
            {"sender_name": "jane", "timestamp_ms": 1577186000000, "content": "jane liked a message"},
        ],
        "joinable_mode": {"mode": 1, "link": "https://ig.me/j/abc/"},
    }
    path = write(tmp_path, "message_1.json", json.dumps(export))
    assert detect_format(path) == "instagram"
    messages = list(parse(path))
    assert [(m.author, m.text, m.kind) for m in messages] == [
        (None, "jane liked a message", "system"), ("jane", "Hello John!", "text"), ("john", "Hello Jane!", "text"),
    ]


def test_not_a_chat_export(tmp_path):
    path = write(tmp_path, "notes.txt", "Shopping list\n- milk\n- eggs\n")
    with pytest.raises(NotAChatExport, match="does not look like a chat export"):
        detect_format(path)
    with pytest.raises(NotAChatExport):
        parse(path)  # raised at once, not on the first next()
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(b"%PDF-1.7\n...")
    with pytest.raises(NotAChatExport, match="PDF"):
        parse(pdf)
    with pytest.raises(NotAChatExport, match="JSON but not a chat export"):
        parse(write(tmp_path, "data.json", '{"hello": "world"}'))


def test_empty_file(tmp_path):
    with pytest.raises(NotAChatExport, match="empty"):
        parse(write(tmp_path, "chat.txt", ""))
    with pytest.raises(NotAChatExport, match="empty"):
        parse(b"")


def test_zero_byte_zip_and_empty_zip(tmp_path):
    empty = tmp_path / "WhatsApp Chat - Year 4.zip"
    empty.write_bytes(b"")
    with pytest.raises(NotAChatExport, match="empty"):
        detect_format(empty)
    with pytest.raises(NotAChatExport, match="empty"):
        parse(zipped(tmp_path, "nothing.zip", {}))
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(NotAChatExport, match="not a readable zip"):
        parse(broken)


def test_zip_with_media_ios_and_android(tmp_path):
    ios = zipped(tmp_path, "WhatsApp Chat - Year 4 Parents.zip", {
        "_chat.txt": "[13/03/2024, 08:04:00] Ann: \u200e<attached: 00000012-PHOTO-2024-03-13-08-04-00.jpg>\n[13/03/2024, 08:05:00] Bob: Lovely\n",
        "00000012-PHOTO-2024-03-13-08-04-00.jpg": b"\xff\xd8\xff" + bytes(1000),
    })
    assert detect_format(ios) == "whatsapp"
    messages, info = parse_with_info(ios)
    messages = list(messages)
    assert messages[0].kind == "media" and messages[0].attachments == ("00000012-PHOTO-2024-03-13-08-04-00.jpg",)
    assert messages[1].text == "Lovely"
    assert info.title == "Year 4 Parents"
    android = zipped(tmp_path, "android.zip", {
        "WhatsApp Chat with Class 2.txt": "13/03/2024, 08:04 - Ann: IMG-20240313-WA0001.jpg (file attached)\nFrom the trip\n",
        "IMG-20240313-WA0001.jpg": bytes(100),
    })
    messages, info = parse_with_info(android)
    (m,) = list(messages)
    assert m.kind == "media" and m.attachments == ("IMG-20240313-WA0001.jpg",) and m.text.endswith("From the trip")
    assert info.title == "Class 2"
    assert [m.author for m in parse(android.read_bytes())] == ["Ann"]  # bytes work as well as paths


def test_zip_bomb_refused(tmp_path):
    bomb = zipped(tmp_path, "bomb.zip", {"_chat.txt": b"0" * (20 * 1024**2)})  # 20 MB of zeros: ~1000:1
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        detect_format(bomb)
    with pytest.raises(UnsafeArchive):
        parse(bomb)


def test_zip_total_size_members_and_nesting_refused(tmp_path, monkeypatch):
    nested = zipped(tmp_path, "nested.zip", {"_chat.txt": "13/03/2024, 08:04 - Ann: hi\n", "inner.zip": b"PK\x05\x06" + bytes(18)})
    with pytest.raises(UnsafeArchive, match="another archive"):
        parse(nested)
    many = zipped(tmp_path, "many.zip", {f"{i}.jpg": b"x" for i in range(30)} | {"_chat.txt": "13/03/2024, 08:04 - Ann: hi\n"})
    monkeypatch.setattr(source_module, "MAX_MEMBERS", 20)
    with pytest.raises(UnsafeArchive, match="files"):
        parse(many)
    monkeypatch.setattr(source_module, "MAX_MEMBERS", 20_000)
    monkeypatch.setattr(source_module, "MAX_TOTAL_UNCOMPRESSED", 10)
    with pytest.raises(UnsafeArchive, match="unpack"):
        parse(many)


def test_zip_without_a_chat(tmp_path):
    path = zipped(tmp_path, "photos.zip", {"a.jpg": bytes(10), "b.jpg": bytes(10)})
    with pytest.raises(NotAChatExport, match="does not contain a chat export"):
        parse(path)


def test_streaming_does_not_read_ahead(tmp_path):
    lines = "".join(f"13/03/2024, 08:{i % 60:02d} - Ann: message {i}\n" for i in range(5000))
    messages, info = parse_with_info(write(tmp_path, "chat.txt", lines), day_first=True)
    first = next(messages)
    assert first.text == "message 0" and info.messages == 1  # counted as they pass
    assert read_info(write(tmp_path, "chat2.txt", lines)).messages == 5000


def test_utf16_and_crlf(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_bytes("13/03/2024, 08:04 - Ann: hi\r\nthere\r\n13/03/2024, 08:05 - Bob: ok\r\n".encode("utf-16"))
    assert [(m.author, m.text) for m in parse(path)] == [("Ann", "hi\nthere"), ("Bob", "ok")]


def test_signal_export_layout(tmp_path):
    path = write(tmp_path, "chat.md", "[2019-12-24, 12:23] Jane Doe: Hello John!\n[2020-01-17, 21:49] John Doe: Hello\nJane!\n")
    assert detect_format(path) == "signal"
    assert [m.text for m in parse(path)] == ["Hello John!", "Hello\nJane!"]
