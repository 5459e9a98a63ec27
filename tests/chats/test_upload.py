"""Permission first, then the upload: every missing piece and every bad file is refused with a clear 4xx."""

import io
import zipfile

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.chats.models import ChatPermission, ChatScan


def _nothing_saved():
    return not ChatScan.objects.exists() and not ChatPermission.objects.exists()


def test_upload_page_tells_the_uploader_about_retention(stokes, login):
    page = login("head@stokes-wood.demo").get("/stokes-wood/chats/new/").content.decode()
    assert "kept for 30 days" in page
    assert "only the messages that breach the policy" in page
    assert "Permission" in page and "Purpose" in page


@pytest.mark.parametrize("missing", ["parent_name", "relation", "given_on", "scope", "purpose", "confirm"])
def test_permission_is_required(stokes, fake_judge, upload, chat_file, missing):
    response = upload(chat_file, **{missing: ""})
    assert response.status_code == 400
    assert _nothing_saved()
    assert not fake_judge.batches


def test_purpose_must_say_something(stokes, fake_judge, upload, chat_file):
    response = upload(chat_file, purpose="x")
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert _nothing_saved()


def test_permission_date_cannot_be_in_the_future(stokes, upload, chat_file):
    assert upload(chat_file, given_on="2999-01-01").status_code == 400
    assert _nothing_saved()


def _zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("notes.txt", "Shopping list\nmilk\neggs\n", "does not look like a chat export"),
        ("empty.txt", b"", "empty"),
        ("chat.zip", b"", "empty"),
        ("chat.zip", _zip_bytes({}), "empty"),
        ("bomb.zip", _zip_bytes({"_chat.txt": b"0" * (60 * 1024 * 1024)}), "zip bomb"),
        ("report.pdf", b"%PDF-1.7\n...", ".txt or .zip"),
        ("chat.txt", b"%PDF-1.7\n1 0 obj", "PDF"),
        ("chat.json", b'{"hello": "world"}', "not a chat export"),
        ("broken.zip", b"not really a zip", "not a zip"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(stokes, fake_judge, upload, name, content, says):
    response = upload(content, name=name)
    assert response.status_code == 400
    assert says.lower() in response.content.decode().lower()
    assert _nothing_saved()


def test_size_cap(stokes, settings, upload, chat_file):
    settings.CHAT_UPLOAD_MAX_BYTES = 100
    response = upload(chat_file)
    assert response.status_code == 400 and "the limit is" in response.content.decode()
    assert _nothing_saved()


def test_upload_records_permission_and_scans(stokes, fake_judge, upload, chat_file):
    response = upload(chat_file)
    scan = ChatScan.objects.get()
    assert response["Location"] == f"/stokes-wood/chats/{scan.pk}/"
    consent = scan.permission
    assert (consent.parent_name, consent.relation, str(consent.given_on)) == ("Kelly Bennett", "member", "2024-03-17")
    assert consent.parent_person is not None and consent.parent_person.name == "Kelly Bennett"
    assert "naming a pupil" in consent.purpose
    assert scan.status == "done" and scan.title == "Year 4 Parents"
    assert (scan.purge_due - scan.uploaded_at.date()).days == 30
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"chats.permission_recorded", "chats.uploaded", "chats.scan_finished"} <= actions
    # The file on disk does not carry the group's name.
    assert "Year 4" not in scan.file.name


def test_zip_export_is_accepted(stokes, fake_judge, upload, chat_file):
    content = _zip_bytes({"WhatsApp Chat with Year 4 Parents.txt": chat_file.read_text(), "IMG-001.jpg": b"\xff\xd8\xff" + b"x" * 100})
    response = upload(content, name="WhatsApp Chat - Year 4 Parents.zip")
    assert response.status_code == 302
    scan = ChatScan.objects.get()
    assert scan.status == "done" and scan.findings.exists()
