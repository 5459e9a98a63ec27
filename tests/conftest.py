"""Shared fixtures: both seed schools with their demo people, and log-in helpers.

Tests build their own data; nothing here reads ../shared (a user's checkout has none).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parent.parent / "test-output"))


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    # Argon2 is the product's hasher (tested in test_settings.py); MD5 only keeps fixtures fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


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
