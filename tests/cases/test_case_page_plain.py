"""The case page in plain words: hashes and file details behind "Technical details", clauses by their heading
(never their id), and a screenshot's link to the messages read from it."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from schoolgate.cases.evidence_changes import add_evidence_file

SW = "stokes-wood"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (390, 200), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_hashes_sit_behind_technical_details_and_a_screenshot_links_to_its_messages(stokes, open_for, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = open_for(stokes)
    client = login("head@stokes-wood.demo")
    url = reverse("cases:detail", args=[SW, case.pk])
    upload = SimpleUploadedFile("shot.png", _png(), content_type="image/png")
    item = add_evidence_file(case, upload=upload, label="Screenshot", added_by=case.opened_by)
    page = client.get(url).content.decode()
    summary_at = page.index(f"Technical details<span class=\"visually-hidden\"> of {item.number}")
    assert page.index(item.sha256) > summary_at  # the hash only inside the disclosure
    assert reverse("cases:evidence_detail", args=[SW, case.pk, item.pk]) in page
    assert "<code>sw-" not in page  # clause ids are for the technical details, never the text
