"""Screenshots the tests render themselves (Chromium, HTML laid out like each app), read once per session.

Nothing here reads ../shared: the scenes and their known text are in bench/screenshot_scenes.py, shared
with the bench. Reading a screenshot takes a second or more on two cores, so each is read once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import screenshot_scenes as scenes  # noqa: E402
from screenshot_scenes import Msg, Scene  # noqa: E402

LONG = ("I am not happy at all with how the school has handled the football club this term, the coach keeps "
        "cancelling at the last minute and nobody tells the parents until we are standing at the gate in the rain "
        "wondering where everyone has gone")

SCENES = {
    "dark-chat": Scene("dark-chat", "whatsapp-android", "dark", "Liberation Sans", [
        Msg("Has anyone heard back about the trip?", "Sarah Jones", "08:12"),
        Msg("Mr Clarke is a liar about the coach", "Dave Patel", "08:20"),
        Msg("Not yet, I emailed the office", None, "08:22", outgoing=True),
        Msg("Thanks, let us know", "Sarah Jones", "08:25"),
    ]),
    "long": Scene("long", "whatsapp-iphone", "light", "DejaVu Sans", [
        Msg("Morning all", "Amira Khan", "07:58"),
        Msg(LONG, "Lee Turner", "08:03"),
        Msg("Same here", "Amira Khan", "08:05"),
    ]),
    "emoji": Scene("emoji", "whatsapp-iphone", "dark", "Liberation Sans", [
        Msg("Well done to the choir \U0001F389\U0001F44F", "Sarah Jones", "18:40"),
        Msg("\U0001F602\U0001F602 see you all at pick up", "Dave Patel", "18:42"),
    ]),
    "facebook": Scene("facebook", "facebook", "light", "Liberation Sans", [
        Msg("Another letter home about uniform today", "Karen Walsh", "3h"),
        Msg("The new head is an idiot", "Dave Patel", "2h"),
        Msg("Please raise it with the office instead", "Amira Khan", "1h"),
    ]),
}


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, chromium):
    """scene name -> (Scene with its true boxes, PNG path), drawn by the run's one Chromium (tests/conftest.py)."""
    folder = tmp_path_factory.mktemp("screens")
    paths = scenes.render(chromium, list(SCENES.values()), folder)
    return {s.name: (s, path) for s, path in zip(SCENES.values(), paths)}


@pytest.fixture(scope="session")
def readings(rendered):
    """scene name -> its Reading, read lazily and once."""
    from schoolgate.screens import read_screenshot

    cache: dict = {}

    def get(name):
        if name not in cache:
            cache[name] = read_screenshot(rendered[name][1].read_bytes())
        return cache[name]

    return get
