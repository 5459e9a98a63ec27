"""Shared fixtures: both seed schools with their demo people, and log-in helpers.

Tests build their own data; nothing here reads ../shared (a user's checkout has none).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

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
