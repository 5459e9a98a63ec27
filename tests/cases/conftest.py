"""Cases tests: a small, predictable judge stands in for the real one so the tests say exactly
which findings (and so which conditional steps) a text produces."""

from __future__ import annotations

import re

import pytest

from schoolgate.judge.types import Finding, Verdict

# word -> category; enough to drive the condition-gated steps.
FAKE_WORDS = {
    "liar": "allegation",
    "stole": "allegation",
    "hurt": "threat",
    "idiot": "abuse",
    "useless": "complaint",
}


def fake_judge_text(school, text, *, roster=None):
    view = school.current_policy().policy_view()
    findings = []
    for word, category in FAKE_WORDS.items():
        for m in re.finditer(rf"\b{word}\b", text, re.I):
            clauses = view.clauses_for(category)
            findings.append(Finding(category=category, clause=clauses[0].id if clauses else None, score=0.9,
                                    start=m.start(), end=m.end(), quote=m.group(0), breach=bool(clauses)))
    return Verdict(decision="block" if findings else "allow", explanation="fake judge", scores={f.category: f.score for f in findings}, findings=findings)


@pytest.fixture(autouse=True)
def fake_judge(monkeypatch):
    monkeypatch.setattr("schoolgate.policies.judging.judge_text", fake_judge_text)
    return fake_judge_text


@pytest.fixture
def open_for(user):
    """open_for(school, text=..., parent_email=...) -> a case opened by that school's headteacher."""
    from schoolgate.cases.services import open_case

    def make(school, text="Mr Hughes is a liar and stole from the PTA.", parent_email=None, **kwargs):
        domain = school.slug + ".demo"
        parent = user(parent_email or f"parent@{domain}")
        return open_case(school, opened_by=user(f"head@{domain}"), concern=kwargs.pop("concern", "Posts on Facebook about staff"),
                         parent_user=parent, evidence_text=text, evidence_label="Facebook group post", **kwargs)

    return make
