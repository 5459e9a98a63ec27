"""Consent fixtures: Stokes Wood's pupils and parents by name, and a helper to record answers."""

from __future__ import annotations

import pytest

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

