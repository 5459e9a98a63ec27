"""Reading uploads: photos open upright in RGB; anything else is refused with a sentence for a person."""

import io

import pytest
from PIL import Image

from schoolgate.photos.images import PhotoRejected, encode_jpeg, encode_png, load_image


def _bytes(image, fmt, **kw):
    out = io.BytesIO()
    image.save(out, fmt, **kw)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"])
def test_common_formats_open_as_rgb(fmt):
    image = load_image(_bytes(Image.new("RGB", (40, 30), (10, 120, 200)), fmt))
    assert image.mode == "RGB" and image.size == (40, 30)


def test_exif_orientation_is_applied():
    photo = Image.new("RGB", (60, 20), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    image = load_image(_bytes(photo, "JPEG", exif=exif.tobytes()))
    assert image.size == (20, 60)


def test_transparency_goes_onto_white():
    image = load_image(_bytes(Image.new("RGBA", (8, 8), (0, 0, 0, 0)), "PNG"))
    assert image.mode == "RGB" and image.getpixel((4, 4)) == (255, 255, 255)


@pytest.mark.parametrize("data, says", [
    (b"", "empty"),
    (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "not a photo"),
    (b"hello, this is a text file", "not a photo"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "damaged"),  # a JPEG header and nothing after it
])
def test_bad_files_are_refused(data, says):
    with pytest.raises(PhotoRejected, match=says):
        load_image(data)


def test_truncated_jpeg_is_refused():
    whole = _bytes(Image.effect_noise((200, 200), 60).convert("RGB"), "JPEG")
    with pytest.raises(PhotoRejected, match="damaged or incomplete"):
        load_image(whole[: len(whole) // 2])


def test_decompression_bomb_is_refused():
    # 8000 × 6000 of one colour compresses to a few kilobytes, and would take 144 MB to decode as RGB.
    bomb = _bytes(Image.new("1", (8000, 6000)), "PNG")
    assert len(bomb) < 50_000
    with pytest.raises(PhotoRejected, match="too large"):
        load_image(bomb)


def test_encoded_files_carry_no_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # camera make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    photo = load_image(_bytes(Image.new("RGB", (32, 32), (1, 2, 3)), "JPEG", exif=exif.tobytes(), icc_profile=b"fake"))
    photo.info["comment"] = b"Year 4 trip"
    for data in (encode_jpeg(photo), encode_png(photo)):
        again = Image.open(io.BytesIO(data))
        assert not again.getexif() and "icc_profile" not in again.info and "comment" not in again.info
        assert b"Phone maker" not in data and b"Year 4" not in data
    assert Image.open(io.BytesIO(encode_jpeg(photo))).format == "JPEG"
    assert Image.open(io.BytesIO(encode_png(photo))).format == "PNG"


def test_a_truncated_photo_is_refused_even_after_weasyprint_was_imported():
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import (every process that renders a
    # PDF); a cut-off photo must still be refused, in the photo check, the channel and case evidence.
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    from schoolgate.cases.evidence import EvidenceRejected, _check_image
    from schoolgate.channel.images import ImageRejected, clean_image

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    whole = _bytes(Image.effect_noise((200, 200), 60).convert("RGB"), "JPEG")
    cut = whole[: len(whole) // 2]
    with pytest.raises(PhotoRejected, match="damaged or incomplete"):
        load_image(cut)
    with pytest.raises(ImageRejected):
        clean_image(cut)
    with pytest.raises(EvidenceRejected):
        _check_image(cut)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's own setting is left as it was
