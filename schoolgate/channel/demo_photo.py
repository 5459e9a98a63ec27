"""A generated photo of people for the demo, the tests and the browser story: no real child's face.

The demo needs a photo in which the detector really finds faces, so the story (tag each face, blur the
unconsented ones) can be shown; a drawn scene of flat shapes is not seen as faces. These faces are painted
from shaded ellipses (skin lit from the front, eye sockets, eyes, brows, nose, mouth, hair), which CenterFace
finds with high confidence. Nothing here is copied from any photo: the pixels are computed below, so the
image carries no licence terms and shows nobody real.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SKY = (136, 178, 214)
GRASS = (92, 150, 76)
SKIN = ((224, 172, 140), (198, 140, 104), (141, 96, 66), (236, 196, 168), (170, 118, 84))
HAIR = ((52, 36, 24), (20, 16, 14), (150, 96, 40), (92, 58, 30), (200, 160, 90))
SHIRTS = ((31, 60, 140), (180, 40, 50), (40, 120, 80), (230, 180, 40), (110, 60, 140))


def _face(size: int, skin, hair, background) -> Image.Image:
    h = w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    x, y = (xx - w / 2) / (w * 0.40), (yy - h * 0.52) / (h * 0.5)
    r = x**2 + y**2
    inside = r < 1
    light = 0.35 + 0.65 * np.sqrt(np.clip(1 - r, 0, 1))  # a sphere lit from the front: the cheeks and jaw shade
    img = np.ones((h, w, 3)) * np.array(background, dtype=float)
    hair_mask = ((x**2 + ((yy - h * 0.42) / (h * 0.52)) ** 2) < 1.08) & (yy < h * 0.35)
    img[hair_mask] = hair
    img[inside] = (np.array(skin, dtype=float) * light[..., None])[inside]

    def blob(cx, cy, rx, ry, colour, strength=1.0):
        d = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
        a = np.clip(1 - d, 0, 1) ** 0.7 * strength
        img[:] = img * (1 - a[..., None]) + np.array(colour, dtype=float) * a[..., None]

    for ex in (0.32, 0.68):
        blob(w * ex, h * 0.42, w * 0.11, h * 0.07, (120, 85, 70), 0.7)  # eye socket
        blob(w * ex, h * 0.43, w * 0.07, h * 0.035, (240, 240, 235))  # the white of the eye
        blob(w * ex, h * 0.43, w * 0.03, h * 0.03, (30, 20, 15))  # iris
        blob(w * ex, h * 0.34, w * 0.10, h * 0.02, tuple(int(c * 0.8) for c in hair))  # brow
    blob(w * 0.5, h * 0.55, w * 0.05, h * 0.10, tuple(int(c * 0.8) for c in skin), 0.5)  # nose
    blob(w * 0.46, h * 0.63, w * 0.02, h * 0.012, (90, 50, 40))
    blob(w * 0.54, h * 0.63, w * 0.02, h * 0.012, (90, 50, 40))
    blob(w * 0.5, h * 0.74, w * 0.12, h * 0.03, (160, 70, 70))  # mouth
    face = Image.fromarray(img.clip(0, 255).astype(np.uint8))
    alpha = Image.new("L", (w, h), 0)
    ImageDraw.Draw(alpha).ellipse([w * 0.06, 0, w * 0.94, h * 1.02], fill=255)
    return face, alpha


def scene(people: int = 3, width: int = 1200, height: int = 800) -> Image.Image:
    """A row of `people` figures (children at the ends, an adult in the middle when there are three or
    more) on a field, faces large enough to find and to tag on a phone."""
    img = Image.new("RGB", (width, height), SKY)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, int(height * 0.62), width, height], fill=GRASS)
    draw.rectangle([0, int(height * 0.55), width, int(height * 0.62)], fill=(70, 110, 60))  # a hedge
    slot = width / people
    for i in range(people):
        adult = people >= 3 and i == people // 2
        size = int(min(slot * 0.62, height * (0.30 if adult else 0.24)))
        cx = int(slot * (i + 0.5))
        top = int(height * (0.14 if adult else 0.26))
        shirt = SHIRTS[i % len(SHIRTS)]
        draw.rounded_rectangle([cx - size * 0.62, top + size * 0.9, cx + size * 0.62, height + 40], radius=int(size * 0.3), fill=shirt)
        face, alpha = _face(size, SKIN[i % len(SKIN)], HAIR[i % len(HAIR)], SKY)
        img.paste(face, (cx - size // 2, top), alpha)
    return img.filter(ImageFilter.GaussianBlur(1))


@lru_cache(maxsize=8)  # the same bytes every time: painted once per process (the demo runs in many tests)
def scene_jpeg(people: int = 3, width: int = 1200, height: int = 800) -> bytes:
    out = io.BytesIO()
    scene(people, width, height).save(out, "JPEG", quality=90)
    return out.getvalue()
