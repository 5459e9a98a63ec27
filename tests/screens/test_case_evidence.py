"""A screenshot added to a case: the original kept as it was, the messages read beside it, boxes, corrections,
names of people not on the roster hidden until revealed, the evidence pack (issue 15)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from schoolgate.cases import screenshots as shots
from schoolgate.cases.evidence_changes import add_evidence_file
from schoolgate.cases.models import ScreenshotReading
from schoolgate.cases.opening import open_case
from schoolgate.schools.models import Person

HEAD = "head@stokes-wood.demo"


@pytest.fixture
def case(stokes, user):
    # Dave Patel is a parent of the school; Sarah Jones (also on the screenshot) is not on the roster.
    Person.objects.create(school=stokes, kind="parent", name="Dave Patel")
    return open_case(stokes, opened_by=user(HEAD), concern="A WhatsApp group about staff", parent_name="Dave Patel",
                     evidence_text="Forwarded by a parent", evidence_label="Note")


@pytest.fixture
def added(case, rendered, readings, login, fake_judge, django_capture_on_commit_callbacks):
    """The dark-mode chat uploaded through the case page's own "Screenshot or file" form."""
    readings("dark-chat")
    data = rendered["dark-chat"][1].read_bytes()
    client = login(HEAD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:add_evidence", args=["stokes-wood", case.pk, "file"]),
                               {"file": SimpleUploadedFile("group.png", data, "image/png"), "label": "Year 4 WhatsApp"})
    assert response.status_code == 302
    item = case.evidence.get(kind="file")
    return client, item, data


def page_of(client, item):
    return client.get(reverse("cases:evidence_detail", args=["stokes-wood", item.case_id, item.pk]))


def test_the_original_is_kept_and_the_messages_are_read_beside_it(added):
    client, item, data = added
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.content_bytes() == data and item.verify()
    reading = item.readings.get()
    assert [m["author"] for m in reading.messages] == ["Sarah Jones", "Dave Patel", None, "Sarah Jones"]
    assert [m["on_roster"] for m in reading.messages] == [False, True, False, False]
    liar = reading.messages[1]
    assert liar["decision"] == "block" and liar["findings"][0]["category"] == "allegation"
    assert item.verdict["decision"] == "block" and item.verdict["findings"][0]["message"] == 1


def test_the_page_boxes_the_flagged_words_and_hides_names_not_on_the_roster(added):
    client, item, _ = added
    html = page_of(client, item).content.decode()
    rects = re.findall(r'<rect class="flag[^"]*" x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', html)
    assert len(rects) == 1  # "liar"
    assert "style=" not in html.split("<main", 1)[-1] and "<script>" not in html
    assert "Participant 1" in html and "Sarah Jones" not in html
    assert "Dave Patel" in html  # on the roster
    assert "<mark>liar</mark>" in html
    assert re.search(r"<details[^>]*>\s*<summary>Technical details</summary>.*" + item.sha256, html, re.S)


def test_revealing_names_needs_a_reason_and_is_for_the_one_who_asked(added, login, user):
    client, item, _ = added
    url = reverse("cases:screenshot_reveal", args=["stokes-wood", item.case_id, item.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "There is a problem" in refused.content.decode()
    assert client.post(url, {"reason": "To identify the sender for the complaint"}).status_code == 302
    assert "Sarah Jones" in page_of(client, item).content.decode()
    other = login("dsl@stokes-wood.demo")  # the same test client, now as the DSL, who gave no reason
    assert "Sarah Jones" not in page_of(other, item).content.decode()


def test_a_correction_is_a_new_reading_and_the_first_is_kept(added):
    client, item, _ = added
    first = item.readings.get()
    url = reverse("cases:screenshot_correct", args=["stokes-wood", item.case_id, item.pk])
    bad = client.post(url, {"message": 2, "was": "not in the text", "now": "x", "reason": "misread"})
    assert bad.status_code == 400 and "is not in that message" in bad.content.decode()
    assert item.readings.count() == 1
    ok = client.post(url, {"message": 2, "was": "coach", "now": "useless coach", "reason": "misread: a word was missed"})
    assert ok.status_code == 302
    first.refresh_from_db()
    latest = shots.current_reading(item)
    assert latest.corrects_id == first.pk and "coach" in first.messages[1]["text"]
    assert "useless coach" in latest.messages[1]["text"]
    assert {f["category"] for f in latest.messages[1]["findings"]} == {"allegation", "complaint"}
    assert "useless coach" in page_of(client, item).content.decode()


def test_the_evidence_pack_carries_the_boxed_image_and_the_messages(added, fake_judge):
    import io

    from pypdf import PdfReader

    from schoolgate.cases.packs import evidence_pack_pdf

    _, item, _ = added
    reading = shots.current_reading(item)
    boxed = shots.boxed_copy(item, reading)
    assert boxed[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    original, copy = Image.open(io.BytesIO(item.content_bytes())).convert("RGB"), Image.open(io.BytesIO(boxed)).convert("RGB")
    assert copy.size == original.size  # 780 px wide: not shrunk
    (box,) = shots.flagged_boxes(reading)
    edge = (box["x"] - 3, box["y"] + box["height"] // 2)  # the box's left side, drawn in red on the copy only
    assert copy.getpixel(edge) == (212, 53, 28) and original.getpixel(edge) != (212, 53, 28)
    pdf = PdfReader(io.BytesIO(evidence_pack_pdf(item.case, item.added_by)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Mr Clarke is a liar" in text and "Participant 1" in text and "Sarah Jones" not in text
    assert any(page.images for page in pdf.pages)
    assert item.verify()  # the stored original is untouched


@pytest.mark.django_db(transaction=True)
def test_the_screenshot_is_read_outside_any_transaction(rendered, fake_judge, user, monkeypatch):
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    seen = []
    real = shots.read_screenshot

    def watched(data):
        seen.append(connection.in_atomic_block)
        return real(data)

    monkeypatch.setattr(shots, "read_screenshot", watched)
    school = School.objects.get(slug="stokes-wood")
    case = open_case(school, opened_by=user(HEAD), concern="Chat", parent_name="Kelly Bennett", evidence_text="see screenshot")
    data = rendered["facebook"][1].read_bytes()
    add_evidence_file(case, upload=SimpleUploadedFile("fb.png", data, "image/png"), label="Facebook", added_by=user(HEAD))
    assert seen == [False]
    assert ScreenshotReading.objects.filter(evidence__case=case).count() == 1
