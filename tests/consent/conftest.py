"""Consent fixtures: Stokes Wood's pupils and parents by name, and a helper to record answers."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from schoolgate.schools.models import Person


@pytest.fixture
def pupil(stokes):
    def get(name):
        return Person.objects.get(school=stokes, kind="pupil", name=name)

    return get


@pytest.fixture
def parent(stokes):
    def get(name):
        return Person.objects.get(school=stokes, kind="parent", name=name)

    return get


@pytest.fixture
def oliver(pupil):
    return pupil("Oliver Bennett")


@pytest.fixture
def kelly(parent):
    return parent("Kelly Bennett")


@pytest.fixture
def grant_all(stokes, user):
    """Record a paper form granting every purpose (or the given ones) for a pupil."""
    from schoolgate.consent.answers import record_answer
    from schoolgate.consent.models import Purpose

    def do(pupil, purposes=None, **kwargs):
        kwargs.setdefault("recorded_by", user("office@stokes-wood.demo"))
        kwargs.setdefault("given_by_name", "A Parent")
        kwargs.setdefault("method", "paper")
        for p in purposes or Purpose.values:
            record_answer(stokes, pupil, p, "granted", **kwargs)

    return do


# Drawn faces for enrolment tests, copied from tests/photos/conftest.py (test modules are imported with
# --import-mode=importlib, so that conftest cannot be imported from here). No photo of a real person is used.
# (skin, hair): three looks, so a "class" is not one face repeated; dlib puts the dark and the fair look
# ~0.7 apart and the same look at two sizes ~0.2 apart (measured), which the CLI matching test relies on.
LOOKS = [((224, 172, 140), (60, 40, 30)), ((141, 85, 36), (20, 15, 10)), ((255, 219, 172), (200, 160, 80))]
BACKGROUND = (200, 205, 200)


def draw_face(size: int = 48, look: int = 0) -> Image.Image:
    """A head and shoulders, `size` pixels square, drawn large and scaled down (anti-aliased)."""
    skin, hair = LOOKS[look % len(LOOKS)]
    s = 4 * size
    c = s / 2
    im = Image.new("RGB", (s, s), (170, 190, 210))
    d = ImageDraw.Draw(im)
    shade = lambda colour, k: tuple(int(v * k) for v in colour)  # noqa: E731
    d.ellipse((c - 0.42 * s, c - 0.50 * s, c + 0.42 * s, c + 0.30 * s), fill=hair)
    d.rectangle((c - 0.30 * s, c + 0.25 * s, c + 0.30 * s, s), fill=(40, 70, 140))
    d.rectangle((c - 0.12 * s, c + 0.15 * s, c + 0.12 * s, c + 0.35 * s), fill=shade(skin, 0.9))
    d.ellipse((c - 0.30 * s, c - 0.36 * s, c + 0.30 * s, c + 0.36 * s), fill=skin)
    d.ellipse((c - 0.34 * s, c - 0.06 * s, c - 0.26 * s, c + 0.10 * s), fill=skin)
    d.ellipse((c + 0.26 * s, c - 0.06 * s, c + 0.34 * s, c + 0.10 * s), fill=skin)
    for side in (-1, 1):
        ex, ey = c + side * 0.12 * s, c - 0.06 * s
        d.ellipse((ex - 0.065 * s, ey - 0.03 * s, ex + 0.065 * s, ey + 0.03 * s), fill=(250, 250, 250))
        d.ellipse((ex - 0.03 * s, ey - 0.03 * s, ex + 0.03 * s, ey + 0.03 * s), fill=(70, 45, 30))
        d.ellipse((ex - 0.013 * s, ey - 0.013 * s, ex + 0.013 * s, ey + 0.013 * s), fill=(10, 10, 10))
        d.line((ex - 0.07 * s, ey - 0.075 * s, ex + 0.07 * s, ey - 0.085 * s), fill=hair, width=int(0.025 * s))
    d.polygon([(c, c - 0.02 * s), (c - 0.045 * s, c + 0.10 * s), (c + 0.045 * s, c + 0.10 * s)], fill=shade(skin, 0.85))
    d.ellipse((c - 0.035 * s, c + 0.085 * s, c + 0.035 * s, c + 0.115 * s), fill=shade(skin, 0.7))
    d.chord((c - 0.10 * s, c + 0.12 * s, c + 0.10 * s, c + 0.24 * s), 0, 180, fill=(170, 70, 70))
    # Light falls off towards the face's edge and into the eye sockets, and skin has grain: without these a
    # flat drawing scores barely over 0.5 once several sit in one photo.
    a = np.asarray(im).astype(np.float32)
    yy, xx = np.mgrid[0:s, 0:s]
    r = np.sqrt(((xx - c) / (0.30 * s)) ** 2 + ((yy - c) / (0.36 * s)) ** 2)
    a *= np.clip(1.08 - 0.35 * r**2, 0.6, 1.1)[..., None]
    for side in (-1, 1):
        ex, ey = c + side * 0.12 * s, c - 0.06 * s
        a *= (1 - 0.25 * np.exp(-(((xx - ex) / (0.09 * s)) ** 2 + ((yy - ey) / (0.06 * s)) ** 2)))[..., None]
    a += np.random.default_rng(size * 10 + look).normal(0, 4, a.shape)
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(s / 150))
    return im.resize((size, size), Image.Resampling.LANCZOS)


def compose(size: tuple[int, int], placed: list[tuple[int, int, int, int]]) -> Image.Image:
    """A photo of `size` with a drawn face of (size, look) at each (x, y, size, look)."""
    photo = Image.new("RGB", size, BACKGROUND)
    for x, y, face_size, look in placed:
        photo.paste(draw_face(face_size, look), (x, y))
    return photo



@pytest.fixture
def composed():
    """compose((w, h), [(x, y, size, look), ...]) -> a photo with drawn faces CenterFace finds."""
    return compose
