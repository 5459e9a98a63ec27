"""Image rules for channel posts: type from content, size cap, no decompression bombs, no metadata.

A photo taken on a phone carries EXIF: the camera, the time and often the GPS position of the
school or a family's home. Every accepted image is decoded and re-encoded from its pixels only, so no
metadata block (EXIF, GPS, XMP, IPTC, comments) survives.
"""

from __future__ import annotations

import io
import warnings

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from schoolgate.photos.images import load_fully

MAX_BYTES = 5 * 1024 * 1024
# About 40 megapixels: any phone photo fits; a crafted 1 GB-when-decoded PNG does not.
MAX_PIXELS = 40_000_000
ALLOWED = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png"), "image/webp": ("WEBP", "webp")}


class ImageRejected(ValueError):
    pass


def clean_image(data: bytes) -> tuple[bytes, str]:
    """Check an uploaded file and return (re-encoded bytes without metadata, extension)."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(f"The image is {len(data) / 1024 / 1024:.1f} MB; the largest allowed is {MAX_BYTES // 1024 // 1024} MB.")
    if not data:
        raise ImageRejected("The file is empty.")
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ALLOWED:
        found = f" (it looks like {kind.mime})" if kind is not None else ""
        raise ImageRejected(f"This file is not a JPEG, PNG or WebP image{found}. Please choose a photo.")
    fmt, ext = ALLOWED[kind.mime]
    # Image.open reads the header only; the size it claims is checked against our own cap before any pixel
    # is decoded. Pillow's process-wide MAX_IMAGE_PIXELS is left alone (other code shares it); its warning
    # becomes an error here, so a claim past Pillow's own limit is refused at open.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != fmt:
                    raise ImageRejected(f"The file's content is {probe.format or 'unknown'}, not {fmt}.")
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise ImageRejected(_bomb_message(width, height))
                probe.verify()
            with Image.open(io.BytesIO(data)) as img:
                load_fully(img)
                img = ImageOps.exif_transpose(img)  # keep the photo the right way up once EXIF is gone
                return _reencode(img, fmt), ext
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(
            f"This image is too large to open safely (more than {MAX_PIXELS // 1_000_000} million pixels). "
            "Please resize it and try again."
        ) from None
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(f"The image could not be read; it may be damaged ({exc.__class__.__name__}).") from None


def _bomb_message(width: int, height: int) -> str:
    return (
        f"This image is {width} × {height} pixels, too large to open safely (more than "
        f"{MAX_PIXELS // 1_000_000} million pixels). Please resize it and try again."
    )


def _reencode(img: Image.Image, fmt: str) -> bytes:
    if fmt == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    if fmt != "JPEG" and img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        img = img.convert("RGBA")
    # A new image from the pixels only: info (EXIF, XMP, ICC, text chunks, comments) is left behind.
    clean = Image.new(img.mode, img.size)
    if img.mode == "P":
        clean.putpalette(img.getpalette())
    clean.paste(img)
    out = io.BytesIO()
    options = {"quality": 88, "optimize": True} if fmt == "JPEG" else {}
    clean.save(out, format=fmt, **options)
    return out.getvalue()
