"""An evidence image's size is read from its header and refused over 40 megapixels before any pixel is decoded
(it was 100 megapixels, decoded in the request)."""

import io

import pytest
from PIL import Image

from schoolgate.cases.evidence import EvidenceRejected, detect_type


def _png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")  # one bit a pixel: a small file claiming many pixels
    return buffer.getvalue()


def test_an_image_over_40_megapixels_is_refused_with_its_size(monkeypatch):
    decoded = []
    monkeypatch.setattr("schoolgate.cases.evidence.load_fully", lambda img: decoded.append(img))
    with pytest.raises(EvidenceRejected, match=r"too large to keep as evidence \(8,000 × 6,000 pixels\).*40 megapixels"):
        detect_type(_png(8000, 6000))
    assert decoded == []


def test_a_phone_sized_screenshot_is_kept():
    assert detect_type(_png(1170, 2532)) == ("image/png", "png")
