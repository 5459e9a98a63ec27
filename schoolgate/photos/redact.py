"""Hiding faces: the published photo with every face that may not be shown blurred beyond recognition.

Measured (bench/photos.py): a fixed 16-pixel pixelation leaves large faces detectable again, because a
300-pixel face pixelated at 16 px is still a 19×19 mosaic of a face. So the blur is scaled to the face:
the region is first reduced to a coarse mosaic of about `CELLS` cells across (it removes the detail a
recogniser needs, whatever the face's size), then blurred with a Gaussian whose radius is a fixed share of
the face (it removes the mosaic's edges, which detectors and people read as structure). The box is enlarged
first, because detector boxes are tight (brow to chin) and hair, ears and jaw identify a child too.
"""

from __future__ import annotations

from collections.abc import Iterable

from PIL import Image, ImageFilter

CELLS = 6  # mosaic cells across the enlarged box
RADIUS_SHARE = 0.12  # Gaussian radius as a share of the enlarged box's longer side


def enlarged(box: tuple[int, int, int, int], size: tuple[int, int], enlarge: float = 0.25) -> tuple[int, int, int, int]:
    """`box` (x, y, w, h) grown by `enlarge` of its width and height on every side, clipped to the image:
    with 0.25, a box 1.5 times as wide and as tall (at least the 25% larger the policy asks for)."""
    x, y, w, h = box
    width, height = size
    dx, dy = w * enlarge, h * enlarge
    x1, y1 = max(0, int(x - dx)), max(0, int(y - dy))
    x2, y2 = min(width, int(round(x + w + dx))), min(height, int(round(y + h + dy)))
    return x1, y1, max(0, x2 - x1), max(0, y2 - y1)


def redact(image: Image.Image, boxes: Iterable[tuple[int, int, int, int]], enlarge: float = 0.25) -> Image.Image:
    """A copy of `image` with each box (x, y, w, h) enlarged by `enlarge` per side and blurred to match its size."""
    if enlarge < 0.125:
        # 0.125 per side is 25% larger in each dimension: the least the policy allows.
        raise ValueError("a redaction box must be enlarged by at least 25%")
    out = image.convert("RGB").copy()
    for box in boxes:
        x, y, w, h = enlarged(box, out.size, enlarge)
        if w < 1 or h < 1:
            continue
        region = out.crop((x, y, x + w, y + h))
        out.paste(_blur(region), (x, y))
    return out


def _blur(region: Image.Image) -> Image.Image:
    w, h = region.size
    side = max(w, h)
    cell = max(1.0, side / CELLS)
    small = region.resize((max(1, round(w / cell)), max(1, round(h / cell))), Image.Resampling.BOX)
    mosaic = small.resize((w, h), Image.Resampling.NEAREST)
    return mosaic.filter(ImageFilter.GaussianBlur(radius=max(2.0, side * RADIUS_SHARE)))
