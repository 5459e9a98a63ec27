"""Reading and writing photo files: the only place a photo's bytes become an image, and back.

Uploads come from parents' and staff's phones, so a file may be anything: a HEIC the server cannot read, a
truncated JPEG, a PNG that claims to be 60,000 pixels square. Every one of those is refused here with a
sentence a person can act on (`PhotoRejected`), never a traceback. What is published is re-encoded from
pixels alone, so nothing of the original file (EXIF, GPS position, camera serial, thumbnails) survives.
"""

from __future__ import annotations

import io
import threading
import warnings

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# Formats a school photo arrives in. Others (PDF, EPS, ...) are refused: Pillow's rarer decoders are where
# its security fixes cluster, and no camera produces them.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")

# 40 megapixels covers every phone camera (a 48 MP sensor writes 12 MP by default); a bigger claim is a
# decompression bomb or a scan nobody needs at full size, and decoding it would take gigabytes.
MAX_PIXELS = 40_000_000


# How JPEG, PNG, GIF and WebP files begin: a file that starts like a photo but will not open is damaged,
# which is a different thing to tell the person than "this is not a photo".
_PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"RIFF")


class PhotoRejected(ValueError):
    """A file that cannot be used as a photo; the message is written for the person who uploaded it."""


_strict = threading.Lock()


def load_fully(image: Image.Image) -> None:
    """Decode every pixel, and fail on a truncated file. WeasyPrint sets Pillow's process-wide
    `LOAD_TRUNCATED_IMAGES` when it is imported (any process that renders a PDF), after which Pillow fills a
    cut-off photo with grey instead of failing: here the flag is off for the decode, whoever set it."""
    with _strict:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def load_image(data: bytes) -> Image.Image:
    """The photo in `data` as an RGB image, turned the way the camera meant it (EXIF orientation)."""
    if not data:
        raise PhotoRejected("The file is empty. Please choose the photo again.")
    Image.init()  # registers every plugin, so `formats` below can name WebP and TIFF (JPEG opens multi-picture MPO files itself)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it; here every bomb is an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected(
                    f"This photo is too large ({image.width:,} × {image.height:,} pixels). "
                    "Please export it at a smaller size (at most 40 megapixels) and try again."
                )
            load_fully(image)
            image = ImageOps.exif_transpose(image)
    except PhotoRejected:
        raise
    except UnidentifiedImageError:
        if data.startswith(_PHOTO_SIGNATURES):
            raise PhotoRejected("This photo file is damaged or incomplete. Please upload it again.") from None
        raise PhotoRejected(
            "This file is not a photo Schoolgate can read. Please upload a JPEG or PNG "
            "(on an iPhone, set Camera > Formats to 'Most Compatible', or share the photo as JPEG)."
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("This photo is too large to open safely. Please export it at a smaller size and try again.") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # Pillow reports damaged files through all of these, depending on the format and where it broke.
        raise PhotoRejected("This photo file is damaged or incomplete. Please upload it again.") from None
    return _rgb(image)


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent parts onto white, as a browser would show them, not onto black.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _pixels_only(image: Image.Image) -> Image.Image:
    # A fresh image holds pixels and nothing else: no info dict, EXIF, ICC profile or comment to carry over.
    clean = Image.new("RGB", image.size)
    clean.paste(_rgb(image))
    return clean


def encode_jpeg(image: Image.Image, *, quality: int = 88) -> bytes:
    """The image as a JPEG with no metadata at all."""
    out = io.BytesIO()
    _pixels_only(image).save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def encode_png(image: Image.Image) -> bytes:
    """The image as a PNG with no metadata at all."""
    out = io.BytesIO()
    _pixels_only(image).save(out, "PNG", optimize=True)
    return out.getvalue()
