"""The school-post heads (`judge.school_heads`): what they add, and that they only ever hold a post."""

from __future__ import annotations

import numpy as np
import pytest

from schoolgate.judge import analyse, school_heads
from schoolgate.judge.types import CATEGORIES

# Our own sentences, in none of the sets the heads were trained on, that no phrase rule matches.
HELD_BY_THE_HEADS = [
    ("harassment", "Everyone save her posts and we'll send the lot to the local paper."),
    ("harassment", "Make sure nobody sits with the new mum at the assembly, she needs to learn."),
]


@pytest.mark.parametrize("category, text", HELD_BY_THE_HEADS)
def test_the_heads_hold_what_no_rule_foresaw(sw, roster, monkeypatch, category, text):
    v = analyse(text, sw, roster)
    assert v.decision == "review"
    assert any(f.category == category and f.breach for f in v.findings)
    monkeypatch.setattr(school_heads, "sure", lambda probs: [])
    assert analyse(text, sw, roster).decision == "allow"  # the heads made the difference


def test_a_head_holds_but_never_blocks(sw, roster, monkeypatch):
    # A head certain of a threat in a post where the rest of the judge saw only a faint sign of one.
    text = "I am going to have it out with the head tomorrow morning."
    base = analyse(text, sw, roster)
    assert school_heads.MIN_SIGNAL <= base.scores["threat"] < 0.5 and base.decision == "allow"
    monkeypatch.setattr(school_heads, "probabilities",
                        lambda vecs: np.array([[1.0 if c == "threat" else 0.0 for c in CATEGORIES]] * len(vecs)))
    v = analyse(text, sw, roster)
    assert v.decision == "review"
    assert [f.score for f in v.findings if f.category == "threat"] == [school_heads.HOLD_SCORE]


def test_a_head_alone_with_no_other_sign_holds_nothing(sw, roster, monkeypatch):
    text = "Thank you for a lovely harvest festival, the children sang beautifully."
    monkeypatch.setattr(school_heads, "probabilities",
                        lambda vecs: np.array([[1.0 if c == "hate" else 0.0 for c in CATEGORIES]] * len(vecs)))
    assert analyse(text, sw, roster).decision == "allow"


@pytest.mark.parametrize("text", [
    "I'd love to strangle whoever invented homework for five year olds, haha.",
    "The school trip was lovely, thank you to everyone who helped.",
    "Let's all wear yellow on Friday for the mental health fundraiser.",
])
def test_hard_benign_posts_stay_allowed(sw, hh, roster, text):
    for p in (sw, hh):
        assert analyse(text, p, roster).decision == "allow"


def test_only_posts_the_heads_could_change_are_embedded_again(sw, roster, monkeypatch):
    from schoolgate.judge import analyse_batch

    asked = []
    real = school_heads.probabilities
    monkeypatch.setattr(school_heads, "probabilities", lambda vecs: (asked.append(len(vecs)), real(vecs))[1])
    texts = ["Thank you for a lovely harvest festival.", "Mr Hughes is a useless idiot and should be sacked.",
             "Everyone save her posts and we'll send the lot to the local paper."]
    verdicts = analyse_batch(texts, sw, roster)
    assert verdicts[0].decision == "allow" and verdicts[1].decision != "allow" and verdicts[2].decision == "review"
    assert asked == [1]  # only the third: the first shows no sign of anything, the second is held already
