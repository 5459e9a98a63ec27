"""The school-post model (`judge.school_heads`): what it holds, what it clears, and what it never does."""

from __future__ import annotations

import numpy as np
import pytest

from schoolgate.judge import analyse, analyse_batch, school_heads
from schoolgate.judge.types import CATEGORIES

# Our own sentences, in none of the sets the model was trained on, that no phrase rule or other model holds.
HELD_BY_THE_MODEL = [
    ("harassment", "Everyone save her posts and we'll send the lot to the local paper."),
    ("complaint", "Third week running the reading folder has come home with nothing changed in it. Honestly what do they do all day."),
    ("complaint", "Must be lovely having thirteen weeks off and still moaning about marking."),  # sarcasm dressed as praise
    ("threat", "Keep an eye on what time the caretaker leaves, I want to know which way he walks home."),
]


def _unsure(texts):
    """The model with no opinion: 0.5 neither holds nor clears."""
    return np.full((len(texts), len(CATEGORIES)), 0.5)


def _saying(**probs):
    row = [probs.get(c, 0.0) for c in CATEGORIES]
    return lambda texts: np.array([row] * len(texts))


@pytest.mark.parametrize("category, text", HELD_BY_THE_MODEL)
def test_the_model_holds_what_no_rule_foresaw(sw, roster, monkeypatch, category, text):
    v = analyse(text, sw, roster)
    assert v.decision != "allow"  # held, or blocked where it is all but certain of a threat
    assert any(f.category == category and f.breach for f in v.findings)
    monkeypatch.setattr(school_heads, "probabilities", _unsure)
    assert analyse(text, sw, roster).decision == "allow"  # the model made the difference


def test_the_model_holds_and_blocks_only_a_severe_category_it_is_all_but_certain_of(sw, hh, roster, monkeypatch):
    text = "I am going to have it out with the head tomorrow morning."
    monkeypatch.setattr(school_heads, "probabilities", _unsure)
    assert analyse(text, sw, roster).decision == "allow"
    monkeypatch.setattr(school_heads, "probabilities", _saying(threat=school_heads.BLOCK_AT - 0.01))
    v = analyse(text, sw, roster)
    assert v.decision == "review"
    assert [f.score for f in v.findings if f.category == "threat"] == [school_heads.HOLD_SCORE]
    monkeypatch.setattr(school_heads, "probabilities", _saying(threat=0.99))
    v = analyse(text, sw, roster)
    assert v.decision == "block"
    assert [f.score for f in v.findings if f.category == "threat"] == [school_heads.SEVERE_SCORE]
    # A mild category holds at most, however sure the model is.
    monkeypatch.setattr(school_heads, "probabilities", _saying(complaint=1.0, staff_contact=1.0))
    assert analyse("We had a lovely chat at the gate about the trip.", sw, roster).decision == "review"
    # A category the school's list does not name only holds (the "non-exhaustive" sentence never blocks).
    monkeypatch.setattr(school_heads, "probabilities", _saying(staff_contact=1.0))
    assert analyse("We had a lovely chat at the gate about the trip.", hh, roster).decision == "review"


def test_a_concern_through_the_proper_channel_is_not_held_as_a_complaint(sw, roster, monkeypatch):
    text = "I've emailed the office about the late minibus and they're looking into it."
    monkeypatch.setattr(school_heads, "probabilities", _saying(complaint=1.0))
    assert analyse(text, sw, roster).decision == "allow"


def test_the_model_clears_a_post_the_rest_would_only_hold(sw, roster, monkeypatch):
    text = "Mr Hughes is honestly the reason my son likes reading now, what a teacher."
    monkeypatch.setattr(school_heads, "probabilities", _saying(allegation=0.95))
    held = analyse(text, sw, roster)
    assert held.decision == "review" and {f.category for f in held.findings if f.breach} == {"allegation"}
    monkeypatch.setattr(school_heads, "probabilities", _saying())  # sure it is nothing
    v = analyse(text, sw, roster)
    assert v.decision == "allow"
    assert not [f for f in v.findings if f.breach]
    assert v.scores["allegation"] < school_heads.CLEAR_BELOW


def test_the_model_never_clears_a_block_a_named_child_or_a_phone_number(sw, hh, roster, monkeypatch):
    monkeypatch.setattr(school_heads, "probabilities", _saying())  # sure every post is nothing
    assert analyse("I'll smash Mr Hughes's face in when I see him at the gate.", sw, roster).decision == "block"
    assert analyse("Oliver Bennett cried all through assembly again today.", hh, roster).decision == "review"
    assert analyse("Ring Miss Patel on 07700 900123 if you want to complain.", hh, roster).decision != "allow"


@pytest.mark.parametrize("text", [
    "I'd love to strangle whoever invented homework for five year olds, haha.",
    "The school trip was lovely, thank you to everyone who helped.",
    "Let's all wear yellow on Friday for the mental health fundraiser.",
    "Could someone remind me when the Christmas jumper day is? Thanks in advance.",
])
def test_hard_benign_posts_stay_allowed(sw, hh, roster, text):
    for p in (sw, hh):
        assert analyse(text, p, roster).decision == "allow"


def test_blocked_and_empty_posts_are_not_read_again(sw, roster, monkeypatch):
    asked = []
    real = school_heads.probabilities
    monkeypatch.setattr(school_heads, "probabilities", lambda texts: (asked.extend(texts), real(texts))[1])
    texts = ["Thank you for a lovely harvest festival.", "I'll smash Mr Hughes's face in when I see him at the gate.", "  "]
    verdicts = analyse_batch(texts, sw, roster)
    assert [v.decision for v in verdicts] == ["allow", "block", "allow"]
    assert asked == ["Thank you for a lovely harvest festival."]


def test_a_posts_probabilities_do_not_depend_on_its_batch():
    texts = ["Everyone save her posts and we'll send the lot to the local paper.", "Lovely nativity!",
             "Fourth time this half term the minibus has turned up late. Marvellous organisation, as ever, truly."]
    together = school_heads.probabilities(texts)
    alone = np.vstack([school_heads.probabilities([t]) for t in texts])
    assert np.array_equal(together, alone)
