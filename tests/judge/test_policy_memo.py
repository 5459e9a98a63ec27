"""A PolicyView works out what follows from its clauses (`non_exhaustive`, `clauses_for`) once and keeps it:
the answer follows the clauses of the view it is asked of, and each caller gets a list of its own."""

from __future__ import annotations

import dataclasses
import pickle

from schoolgate.judge.stream import load_policy_view
from schoolgate.judge.types import Clause


def test_memo_follows_the_views_clauses():
    policy = load_policy_view("stokes-wood")
    assert policy.non_exhaustive() and policy.clauses_for("abuse")
    other = dataclasses.replace(policy, clauses=(Clause("x", "", "Posting threats", ("threat",)),))
    assert other.non_exhaustive() == []
    assert [c.id for c in other.clauses_for("threat")] == ["x"]
    assert other.clauses_for("abuse") == []
    assert policy.non_exhaustive() and policy.clauses_for("abuse")  # the first view's answers are its own


def test_memo_is_a_callers_own_list_and_not_a_field():
    policy = load_policy_view("high-hesket")
    first = policy.non_exhaustive()
    first.clear()
    assert policy.non_exhaustive()
    assert pickle.loads(pickle.dumps(policy)) == policy
    assert "_derived" not in dataclasses.asdict(policy)
