"""A screenshot's bytes -> pixels, or a sentence saying why not (`NotAScreenshot`).

Screenshots arrive forwarded by parents: a PNG or JPEG from a phone, sometimes a WebP or a GIF from a
messaging app, sometimes a PDF or a HEIC photo that is not a screenshot at all. Anything Pillow cannot
decode completely is refused with a message a person can act on.
"""

from __future__ import annotations

import io
import threading
import warnings

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")

# A scrolling ("long") screenshot of a chat is tall: 1290 x 30,000 is 39 MP. Beyond that it is a
# decompression bomb or not a screenshot.
MAX_PIXELS = 40_000_000

_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"RIFF")


class NotAScreenshot(ValueError):
    """A file that cannot be read as a screenshot; the message is written for the person who gave it."""


_strict = threading.Lock()


def load(data: bytes) -> Image.Image:
    """The screenshot in `data` as an RGB image (transparent parts on white), turned as the EXIF says."""
    if not data:
        raise NotAScreenshot("The file is empty. Please choose the screenshot again.")
    Image.init()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise NotAScreenshot(f"This picture is too large ({image.width:,} × {image.height:,} pixels) to read.")
            # WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; a cut-off file must still fail.
            with _strict:
                previous = ImageFile.LOAD_TRUNCATED_IMAGES
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                try:
                    image.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = previous
            image = ImageOps.exif_transpose(image)
    except NotAScreenshot:
        raise
    except UnidentifiedImageError:
        if data.startswith(_SIGNATURES):
            raise NotAScreenshot("This picture file is damaged or incomplete. Please save the screenshot again.") from None
        raise NotAScreenshot("This file is not a picture Schoolgate can read. Please give a screenshot as PNG or JPEG.") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NotAScreenshot("This picture is too large to open safely.") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        raise NotAScreenshot("This picture file is damaged or incomplete. Please save the screenshot again.") from None
    if image.width < 16 or image.height < 16:
        raise NotAScreenshot("This picture is too small to hold any readable text.")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def pixels(image: Image.Image) -> np.ndarray:
    """H x W x 3 uint8, RGB."""
    return np.asarray(image.convert("RGB"), dtype=np.uint8)
