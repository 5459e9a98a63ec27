"""Shared fixtures: both seed schools with their demo people, and log-in helpers.

Tests build their own data; nothing here reads ../shared (a user's checkout has none).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from schoolgate.judge.types import Finding, Verdict

OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parent.parent / "test-output"))


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    # Argon2 is the product's hasher (tested in test_settings.py); MD5 only keeps fixtures fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # The audit anchor lives outside the data directory; a test run writes its own.
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchor"


class FakeJudge:
    """A small, predictable judge with the real judge's interface (`SCHOOLGATE_JUDGE`, the one seam that
    every app's path to the judge goes through): each word below is a finding of its category."""

    WORDS = {"liar": "allegation", "stole": "allegation", "hurt": "threat", "idiot": "abuse", "useless": "complaint"}

    def __init__(self):
        self.calls: list[str] = []

    def analyse(self, text, policy, roster=None, *, author=None) -> Verdict:
        self.calls.append(text)
        findings = []
        for word, category in self.WORDS.items():
            for m in re.finditer(rf"\b{word}\b", text, re.I):
                clauses = policy.clauses_for(category)
                findings.append(Finding(category=category, clause=clauses[0].id if clauses else None, score=0.9,
                                        start=m.start(), end=m.end(), quote=m.group(0), breach=bool(clauses)))
        return Verdict(decision="block" if findings else "allow", explanation="fake judge",
                       scores={f.category: f.score for f in findings}, findings=findings)

    def analyse_batch(self, texts, policy, roster=None, *, authors=None) -> list[Verdict]:
        return [self.analyse(t, policy, roster) for t in texts]


class BrokenJudge:
    """A judge whose model cannot load: every call fails as the real one does when its files are missing."""

    def analyse(self, *args, **kwargs):
        from schoolgate.judge import ToxicityUnavailable

        raise ToxicityUnavailable("toxicity model files unavailable: test")

    analyse_batch = analyse


@pytest.fixture
def fake_judge(settings):
    settings.SCHOOLGATE_JUDGE = judge = FakeJudge()
    return judge


@pytest.fixture
def broken_judge(settings):
    settings.SCHOOLGATE_JUDGE = judge = BrokenJudge()
    return judge


@pytest.fixture
def seeded(db):
    """Both seed schools with their policies, no people."""
    from schoolgate.policies.loader import SEED_SLUGS, load_seed

    return {slug: load_seed(slug)[0] for slug in SEED_SLUGS}


@pytest.fixture
def demo(seeded):
    """Both schools with the demo staff, parents and pupils (the README's demo log-ins)."""
    from schoolgate.schools.demo import build

    build()
    for school in seeded.values():
        school.refresh_from_db()  # the demo build changes the schools (e.g. two-factor off): never hand out a stale copy
    return seeded


@pytest.fixture
def stokes(demo):
    return demo["stokes-wood"]


@pytest.fixture
def hesket(demo):
    return demo["high-hesket"]


@pytest.fixture
def user(django_user_model):
    def get(email: str):
        return django_user_model.objects.get(username=email)

    return get


@pytest.fixture
def login(client, user):
    """login('head@stokes-wood.demo') -> the test client, logged in as that demo account."""

    def as_(email: str):
        client.force_login(user(email))
        return client

    return as_


@pytest.fixture(scope="session")
def output_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


# --- drawn faces -----------------------------------------------------------------------------------------
# Photos the tests draw for themselves: no photo of a real person is committed or read. CenterFace finds
# these drawn faces (a skin-coloured oval with hair, eyes, brows, nose and mouth, softened so the edges look
# photographic) when they are 40-55 pixels tall, the size of a back-row face in a class photo.

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
def drawn():
    """draw_face(size, look) -> one drawn head and shoulders."""
    return draw_face


@pytest.fixture
def composed():
    """compose((w, h), [(x, y, size, look), ...]) -> a photo with drawn faces CenterFace finds."""
    return compose


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole run: Debian's /usr/bin/chromium (never `playwright install`). Playwright's sync
    API allows one running instance per thread, so the browser stories, the CSP checks and the screenshot scenes
    all share this one (a second `sync_playwright()` while another is open fails inside its event loop)."""
    import os
    import shutil

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(executable):
        pytest.fail(f"{executable} is missing: run `make browser-deps` (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()
