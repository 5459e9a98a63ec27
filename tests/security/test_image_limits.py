"""Evidence and post images: the pixel count is read from the file's header and checked before any pixel is
decoded, without touching Pillow's process-wide limit (issue 13 item 9)."""

import io
import struct
import zlib

import pytest
from PIL import Image

from schoolgate.channel.images import MAX_PIXELS, ImageRejected, clean_image


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG file whose header claims width × height (a decompression bomb's shape, cheap to build)."""
    out = io.BytesIO()
    Image.new("L", (8, 8)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.fixture
def pillow_limit():
    before = Image.MAX_IMAGE_PIXELS
    yield before
    Image.MAX_IMAGE_PIXELS = before


def test_clean_image_leaves_pillows_process_wide_limit_alone(pillow_limit):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="PNG")
    clean_image(out.getvalue())
    assert Image.MAX_IMAGE_PIXELS == pillow_limit


@pytest.mark.parametrize("size", [(8000, 6000), (10_000, 10_000), (40_000, 40_000)])
def test_over_the_cap_is_refused_from_the_header_with_the_size(pillow_limit, size):
    width, height = size
    assert width * height > MAX_PIXELS
    with pytest.raises(ImageRejected) as refused:
        clean_image(png_claiming(width, height))
    message = str(refused.value)
    assert "too large to open safely" in message and "40 million pixels" in message
    assert Image.MAX_IMAGE_PIXELS == pillow_limit


def test_over_the_cap_is_refused_even_when_pillows_own_limit_is_off(pillow_limit):
    Image.MAX_IMAGE_PIXELS = None  # another part of the process may have turned Pillow's check off
    with pytest.raises(ImageRejected, match="too large to open safely"):
        clean_image(png_claiming(9000, 9000))
