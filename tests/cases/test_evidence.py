"""Evidence: SHA-256, size and type recorded and verified; bad uploads refused with a clear message."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from schoolgate.cases.closing import close_case
from schoolgate.cases.errors import CaseError
from schoolgate.cases.evidence import EvidenceRejected
from schoolgate.cases.evidence_changes import add_evidence_file, add_evidence_text, add_evidence_url
from schoolgate.cases.models import CaseRecordError, Evidence


def png_bytes(size=(40, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_text_evidence_hash_size_type_and_judge(stokes, open_for):
    case = open_for(stokes, text="Nothing.")
    item = add_evidence_text(case, text="Mr Hughes is a liar", label="Facebook", added_by=case.opened_by)
    data = b"Mr Hughes is a liar"
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    assert item.content_type.startswith("text/plain")
    assert item.added_by == case.opened_by and item.added_by_label == "Sarah Patel" and item.added_at
    f = item.verdict["findings"][0]
    assert f["category"] == "allegation" and f["clause"] and f["clause_text"]
    assert item.verify()


def test_file_evidence_stored_by_hash_type_from_content(stokes, open_for):
    case = open_for(stokes, text="Nothing.")
    data = png_bytes()
    # The client says it's a PDF called ../../etc/passwd: neither is trusted.
    upload = SimpleUploadedFile("../../etc/passwd.pdf", data, content_type="application/pdf")
    item = add_evidence_file(case, upload=upload, label="Screenshot", added_by=case.opened_by)
    assert item.content_type == "image/png"
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    assert item.file.endswith(f"{item.sha256}.png") and ".." not in item.file
    assert item.verify()


def test_tampered_file_fails_verification(stokes, open_for, settings):
    case = open_for(stokes, text="Nothing.")
    item = add_evidence_file(case, upload=SimpleUploadedFile("a.png", png_bytes()), label="", added_by=case.opened_by)
    path = settings.MEDIA_ROOT / item.file
    path.write_bytes(path.read_bytes() + b"x")
    assert not item.verify()


def test_corrupted_image_refused(stokes, open_for):
    case = open_for(stokes, text="Nothing.")
    broken = png_bytes((400, 300))[:200]
    with pytest.raises(EvidenceRejected, match="damaged or incomplete"):
        add_evidence_file(case, upload=SimpleUploadedFile("s.png", broken), label="", added_by=case.opened_by)
    assert not case.evidence.filter(kind="file").exists()


def test_corrupted_pdf_and_unknown_type_refused(stokes, open_for):
    case = open_for(stokes, text="Nothing.")
    with pytest.raises(EvidenceRejected, match="PDF is damaged"):
        add_evidence_file(case, upload=SimpleUploadedFile("x.pdf", b"%PDF-1.7\n garbage"), label="", added_by=case.opened_by)
    with pytest.raises(EvidenceRejected, match="not kept as evidence"):
        add_evidence_file(case, upload=SimpleUploadedFile("x.zip", b"PK\x03\x04" + b"\x00" * 100), label="", added_by=case.opened_by)


def test_upload_view_refuses_corrupted_and_oversized_with_clear_message(stokes, open_for, login, settings):
    case = open_for(stokes, text="Nothing.")
    client = login("head@stokes-wood.demo")
    url = reverse("cases:add_evidence", args=["stokes-wood", case.pk, "file"])
    response = client.post(url, {"file": SimpleUploadedFile("s.png", png_bytes((400, 300))[:150]), "label": "x"})
    assert response.status_code == 400
    assert "damaged or incomplete" in response.content.decode()
    settings.CASE_UPLOAD_MAX_BYTES = 1000
    response = client.post(url, {"file": SimpleUploadedFile("big.png", png_bytes((300, 300)) + b"\x00" * 2000), "label": "x"})
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not case.evidence.filter(kind="file").exists()
    settings.CASE_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    response = client.post(url, {"file": SimpleUploadedFile("ok.png", png_bytes()), "label": "ok"})
    assert response.status_code == 302
    item = case.evidence.get(kind="file")
    download = client.get(reverse("cases:evidence_file", args=["stokes-wood", case.pk, item.pk]))
    assert download.status_code == 200 and hashlib.sha256(download.content).hexdigest() == item.sha256


def test_url_evidence_with_date_seen(stokes, open_for, login):
    case = open_for(stokes, text="Nothing.")
    client = login("dsl@stokes-wood.demo")
    url = reverse("cases:add_evidence", args=["stokes-wood", case.pk, "url"])
    assert client.post(url, {"url": "https://facebook.com/x/1", "seen_on": "2099-01-01"}).status_code == 400
    assert client.post(url, {"url": "not a url", "seen_on": "2025-01-01"}).status_code == 400
    assert client.post(url, {"url": "https://facebook.com/x/1", "seen_on": "2025-01-01", "text": "he is a liar"}).status_code == 302
    item = case.evidence.get(kind="url")
    assert item.seen_on.isoformat() == "2025-01-01" and item.sha256 == hashlib.sha256(b"https://facebook.com/x/1").hexdigest()
    assert item.verdict["findings"]


def test_evidence_never_edited_or_deleted_correction_is_new_item(stokes, open_for):
    case = open_for(stokes, text="Mr Hughes is a liar")
    item = case.evidence.get()
    item.text = "changed"
    with pytest.raises(CaseRecordError):
        item.save()
    with pytest.raises(CaseRecordError):
        item.delete()
    fixed = add_evidence_text(case, text="Mr Hughes is a liar!", label="Exact wording", added_by=case.opened_by, corrects=item)
    assert fixed.corrects == item
    assert Evidence.objects.get(pk=item.pk).text == "Mr Hughes is a liar"


def test_no_evidence_after_closing(stokes, open_for):
    case = open_for(stokes, text="Nothing.")
    close_case(case, outcome="Resolved", actor=case.opened_by)
    with pytest.raises(CaseError, match="closed"):
        add_evidence_url(case, url="https://x.example", seen_on=case.opened_at.date(), label="", added_by=case.opened_by)


def test_evidence_pack_pdf_lists_items_hashes_and_custody(stokes, open_for, login, output_dir, prepare):
    from pypdf import PdfReader

    case = open_for(stokes)
    add_evidence_file(case, upload=SimpleUploadedFile("a.png", png_bytes()), label="Screenshot", added_by=case.opened_by)
    response = prepare(login("head@stokes-wood.demo"), reverse("cases:evidence_pack", args=["stokes-wood", case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (output_dir / "case-evidence-pack.pdf").write_bytes(response.content)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace("\n", "")
    for item in case.evidence.all():
        assert item.sha256[:32] in text
    assert "Chain of custody" in text and "case.evidence" in text and "matches" in text
