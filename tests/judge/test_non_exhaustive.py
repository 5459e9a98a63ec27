"""The policies' lists are examples, not limits (issue 11).

Both schools say so ("This list is non-exhaustive and is intended to provide examples only"; High
Hesket: "(This list is non-exhaustive and intended to provide examples only)"). A finding in a
category the school's list does not name holds the post for a moderator, citing that sentence and the
school's objective to safeguard pupils, staff and anyone associated with the school, in one sentence
a parent can read. Only a specific clause may block.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from schoolgate.judge import analyse
from schoolgate.judge.decision import decide
from schoolgate.judge.types import Clause, Finding, PolicyView, Roster

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def seed(slug):
    return tomllib.loads((resources.files("schoolgate.policies.seeds") / f"{slug}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug, sentence, objective", [
    ("stokes-wood", "This list is non-exhaustive and is intended to provide examples only.",
     "Safeguard pupils, staff and anyone associated with the school from the negative effects of social media."),
    ("high-hesket", "(This list is non-exhaustive and intended to provide examples only)",
     "Safeguard pupils, staff and anyone associated with the school from the negative effects of social networking sites"),
])
def test_both_seeds_carry_the_sentences_verbatim(slug, sentence, objective):
    texts = [c["text"] for c in seed(slug)["clauses"] if not c.get("categories")]
    assert sentence in texts and objective in texts
    assert objective in seed(slug)["policy"]["objectives"]
    if SEEDS.is_dir():  # the schools' own documents, where this checkout has them
        documents = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
        assert sentence in documents and objective in documents


@pytest.mark.parametrize("text, category", [
    ("Mrs Wood's personal mobile is 07911 123456 if you want to ring her at home.", "confidential"),
    ("Just sent Mrs Wood a friend request, she's lovely.", "staff_contact"),
    ("On behalf of the staff, can parents please stop blocking the car park.", "speaking_for_school"),
    ("Here's the video of the whole class doing the maypole dance!", "image_consent"),
])
def test_high_hesket_holds_what_its_list_does_not_name(hh, roster, text, category):
    v = analyse(text, hh, roster)
    held = [f for f in v.findings if f.category == category]
    assert held and all(f.breach and f.clause == "hh-non-exhaustive" for f in held)
    assert v.decision == "review"
    assert "non-exhaustive" in v.explanation and "Safeguard pupils, staff and anyone associated with the school" in v.explanation
    assert v.explanation.count(". ") == 0 and v.explanation.endswith(".")


def test_stokes_wood_cites_its_own_clause_when_it_names_the_category(sw, roster):
    v = analyse("Just sent Mrs Wood a friend request, she's lovely.", sw, roster)
    assert {f.clause for f in v.findings if f.category == "staff_contact"} == {"sw-conduct-contacting-staff"}


def test_stokes_wood_holds_another_child_named_in_full_never_blocks(sw, roster):
    """Stokes Wood's list does not name naming children, but its objective is to safeguard pupils: a child's
    full name in public is held for a moderator (even in praise), on the school's non-exhaustive sentence."""
    v = analyse("Well done Grace Mercer for the lovely reading in assembly!", sw, roster)
    assert v.decision == "review"
    assert [(f.category, f.clause) for f in v.findings if f.breach] == [("naming_child", "sw-non-exhaustive")]
    v = analyse("Storm Mercer in reception is a biter, watch your little ones", sw,
                Roster.from_csv_text("name,role,group,aliases\nStorm Mercer,pupil,Reception,\n"))
    assert v.decision == "review"


def test_stokes_wood_naming_a_child_with_something_wrong_is_held(sw, roster):
    v = analyse("Amelia Khan is a spoilt little madam.", sw, roster)
    assert v.decision == "review"
    assert any(f.category == "naming_child" and f.clause == "sw-non-exhaustive" for f in v.findings)


def test_unlisted_never_blocks_a_specific_clause_does():
    clauses = (Clause("x-list", "", "This list is non-exhaustive.", ()),
               Clause("x-threat", "", "Threats of violence", ("threat",)))
    p = PolicyView("x", "X School", clauses)
    cl = {c.id: c for c in clauses}
    assert decide([Finding("confidential", "x-list", 0.99, 0, 1, "x")], p, cl)[0] == "review"
    assert decide([Finding("threat", "x-threat", 0.99, 0, 1, "x")], p, cl)[0] == "block"


def test_the_seeded_policy_view_finds_the_sentence_and_the_objective(sw, hh):
    assert [c.id for c in sw.non_exhaustive()] == ["sw-non-exhaustive", "sw-objective-safeguard"]
    assert [c.id for c in hh.non_exhaustive()] == ["hh-non-exhaustive", "hh-objective-safeguard"]


def test_a_policy_without_the_sentence_keeps_advice(roster):
    p = PolicyView("y", "Y School", (Clause("y-threat", "", "Threats of violence", ("threat",)),))
    v = analyse("Just sent Mrs Wood a friend request on Facebook.", p, roster)
    assert v.decision == "allow" and all(not f.breach for f in v.findings)
