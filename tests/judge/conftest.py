"""Fixtures for the judge's tests: both packaged seed policies and an inline roster.

Pure Python; nothing here reads ../shared.
"""

from __future__ import annotations

import pytest

from schoolgate.judge.stream import load_policy_view
from schoolgate.judge.types import PolicyView, Roster

ROSTER_CSV = """name,role,group,aliases
Oliver Bennett,pupil,Year 4,Olly
Will Turner,pupil,Year 3,
Grace Mercer,pupil,Year 2,
May Lin,pupil,Year 1,
Amelia Khan,pupil,Year 5,Millie
David Hughes,staff,Year 4 teacher,Mr Hughes
Sarah Wood,staff,Headteacher,Mrs Wood
Priya Patel,staff,Year 2 teacher,Miss Patel
Ruth Tulip,governor,Chair of Governors,Mrs Tulip
"""


@pytest.fixture(scope="session")
def roster() -> Roster:
    return Roster.from_csv_text(ROSTER_CSV)


@pytest.fixture(scope="session")
def sw() -> PolicyView:
    return load_policy_view("stokes-wood")


@pytest.fixture(scope="session")
def hh() -> PolicyView:
    return load_policy_view("high-hesket")
