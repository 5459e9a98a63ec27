"""The school-post model (`judge.school_heads`): what it holds, what it clears, and what it never does."""

from __future__ import annotations

import numpy as np
import pytest

from schoolgate.judge import analyse, analyse_batch, lexicon, school_heads
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


@pytest.fixture
def fake(monkeypatch):
    """Replace the model with `fn` and open its gate, so every post the judge did not block is read."""
    def use(fn):
        monkeypatch.setattr(school_heads, "probabilities", fn)
        monkeypatch.setattr(school_heads, "worth_reading", lambda texts, featurizer: np.ones(len(texts), dtype=bool))
    return use


@pytest.mark.parametrize("category, text", HELD_BY_THE_MODEL)
def test_the_model_holds_what_no_rule_foresaw(sw, roster, fake, category, text):
    v = analyse(text, sw, roster)
    assert v.decision != "allow"  # held, or blocked where it is all but certain of a threat
    assert any(f.category == category and f.breach for f in v.findings)
    fake(_unsure)
    assert analyse(text, sw, roster).decision == "allow"  # the model made the difference


def test_the_model_holds_and_blocks_only_a_severe_category_it_is_all_but_certain_of(sw, hh, roster, fake):
    text = "I am going to have it out with the head tomorrow morning."
    fake(_unsure)
    assert analyse(text, sw, roster).decision == "allow"
    # Sure enough to hold, not to block (allegation holds from 0.7); a threat holds only where it blocks.
    fake(_saying(allegation=school_heads.BLOCK_AT - 0.01))
    v = analyse(text, sw, roster)
    assert v.decision == "review"
    assert [f.score for f in v.findings if f.category == "allegation"] == [school_heads.HOLD_SCORE]
    assert school_heads.HOLD_AT["threat"] >= school_heads.BLOCK_AT
    fake(_saying(threat=school_heads.BLOCK_AT - 0.01))
    assert analyse(text, sw, roster).decision == "allow"
    fake(_saying(threat=0.99))
    v = analyse(text, sw, roster)
    assert v.decision == "block"
    assert [f.score for f in v.findings if f.category == "threat"] == [school_heads.SEVERE_SCORE]
    # A mild category holds at most, however sure the model is.
    fake(_saying(complaint=1.0, staff_contact=1.0))
    assert analyse("We had a lovely chat at the gate about the trip.", sw, roster).decision == "review"
    # A category the school's list does not name only holds (the "non-exhaustive" sentence never blocks).
    fake(_saying(staff_contact=1.0))
    assert analyse("We had a lovely chat at the gate about the trip.", hh, roster).decision == "review"


def test_a_concern_through_the_proper_channel_is_not_held_as_a_complaint(sw, roster, fake):
    text = "I've emailed the office about the late minibus and they're looking into it."
    fake(_saying(complaint=1.0))
    assert analyse(text, sw, roster).decision == "allow"


def test_the_model_clears_a_post_the_rest_would_only_hold(sw, roster, fake):
    text = "Mr Hughes is honestly the reason my son likes reading now, what a teacher."
    fake(_saying(allegation=0.85))  # sure enough to hold, not to block
    held = analyse(text, sw, roster)
    assert held.decision == "review" and {f.category for f in held.findings if f.breach} == {"allegation"}
    fake(_saying())  # sure it is nothing
    v = analyse(text, sw, roster)
    assert v.decision == "allow"
    assert not [f for f in v.findings if f.breach]
    assert v.scores["allegation"] < school_heads.CLEAR_BELOW


def test_the_model_never_clears_a_block_a_child_named_in_full_or_a_phone_number(sw, hh, roster, fake):
    fake(_saying())  # sure every post is nothing
    assert analyse("I'll smash Mr Hughes's face in when I see him at the gate.", sw, roster).decision == "block"
    assert analyse("Oliver Bennett cried all through assembly again today.", hh, roster).decision == "review"
    assert analyse("Ring Miss Patel on 07700 900123 if you want to complain.", hh, roster).decision != "allow"


def test_a_child_named_by_first_name_alone_is_cleared_only_where_the_model_reads_no_other_child(sw, hh, roster, fake):
    """"Olly was so proud of his certificate" is most often the poster's own child: the roster cannot tell, the
    model's naming_child head can. A full name is a fact; the model never holds a post for a name it cannot see."""
    own = "Olly was so proud of his certificate, he's been showing it to the dog all night"
    for policy in (sw, hh):
        fake(_saying(naming_child=school_heads.CHILD_CLEAR_BELOW / 2))
        assert analyse(own, policy, roster).decision == "allow"
        assert analyse(own.replace("Olly", "Oliver Bennett"), policy, roster).decision == "review"
        fake(_saying(naming_child=0.9))
        v = analyse(own, policy, roster)
        assert v.decision == "review" and [f.category for f in v.findings if f.breach] == ["naming_child"]
    fake(_saying(naming_child=0.99))  # no pupil on the roster in the post: nothing to hold
    assert analyse("So proud of my daughter's certificate, she's been showing it to the dog all night", hh, roster).decision == "allow"


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
    texts = ["Keep an eye on what time the caretaker leaves, I want to know which way he walks home.",
             "I'll smash Mr Hughes's face in when I see him at the gate.", "  "]
    verdicts = analyse_batch(texts, sw, roster)
    assert verdicts[0].decision != "allow" and [v.decision for v in verdicts[1:]] == ["block", "allow"]
    assert asked == texts[:1]  # read because the rules allowed it; the model then held it


# Allowed posts about nothing the model was trained to hold: thanks and praise.
NOTHING_TO_HOLD = ["Thank you for a lovely harvest festival.", "Congratulations to the football team, brilliant result on Saturday"]


def test_the_gate_spares_the_model_allowed_posts_it_could_not_hold(sw, roster, monkeypatch):
    asked = []
    real = school_heads.probabilities
    monkeypatch.setattr(school_heads, "probabilities", lambda texts: (asked.extend(texts), real(texts))[1])
    held = [t for _, t in HELD_BY_THE_MODEL]
    verdicts = analyse_batch(NOTHING_TO_HOLD + held, sw, roster)
    assert [v.decision for v in verdicts[:len(NOTHING_TO_HOLD)]] == ["allow"] * len(NOTHING_TO_HOLD)
    assert all(v.decision != "allow" for v in verdicts[len(NOTHING_TO_HOLD):])
    assert asked == held  # the gate read the allowed posts the model holds, and only those
    # ... and the model itself agrees there was nothing in the others to hold.
    assert not any(school_heads.sure(p) for p in real(NOTHING_TO_HOLD))


def test_the_gate_keeps_what_the_model_holds_and_decides_alike_alone_and_in_a_batch(sw, roster, monkeypatch):
    from schoolgate.judge import _toxicity

    held = [t for _, t in HELD_BY_THE_MODEL]
    assert school_heads.worth_reading(held, _toxicity().featurizer).all()
    assert not school_heads.worth_reading(NOTHING_TO_HOLD, _toxicity().featurizer).any()
    # One message is read early, beside the rest of the judge; the gate still decides whether that reading
    # counts, so a post's verdict does not depend on being judged alone.
    monkeypatch.setattr(school_heads, "probabilities", _saying(complaint=1.0))
    for text in NOTHING_TO_HOLD:
        assert analyse(text, sw, roster).decision == "allow"
    assert [v.decision for v in analyse_batch(NOTHING_TO_HOLD, sw, roster)] == ["allow"] * len(NOTHING_TO_HOLD)
    # With the gate off (SCHOOLGATE_SCHOOL_GATE=0) every allowed post is read.
    monkeypatch.setattr(school_heads, "_gate", None)
    monkeypatch.setenv("SCHOOLGATE_SCHOOL_GATE", "0")
    assert analyse(NOTHING_TO_HOLD[0], sw, roster).decision == "review"


def test_a_posts_probabilities_do_not_depend_on_its_batch():
    texts = ["Everyone save her posts and we'll send the lot to the local paper.", "Lovely nativity!",
             "Fourth time this half term the minibus has turned up late. Marvellous organisation, as ever, truly."]
    together = school_heads.probabilities(texts)
    alone = np.vstack([school_heads.probabilities([t]) for t in texts])
    assert np.array_equal(together, alone)


def test_the_models_finding_is_listed_where_a_weaker_one_covers_the_same_words(hh, roster, fake):
    # At High Hesket, whose list does not name contacting staff, the sentence model's weak staff_contact
    # finding covers the whole post and is only advice. The school-post model's surer finding on the same
    # words must be the one listed (the higher score wins a tie of category and span), so the
    # non-exhaustive sentence holds the post.
    text = "Mr Hughes is on Snapchat now 😂 added him, his story is all his allotment"
    fake(_unsure)
    weak = analyse(text, hh, roster)
    assert weak.decision == "allow"
    assert any(f.category == "staff_contact" and not f.breach and f.start == 0 and f.end == len(text) for f in weak.findings)
    fake(_saying(staff_contact=1.0))
    v = analyse(text, hh, roster)
    assert v.decision == "review"
    whole = [f for f in v.findings if f.category == "staff_contact" and f.start == 0 and f.end == len(text)]
    assert [(f.score, f.breach) for f in whole] == [(school_heads.HOLD_SCORE, True)]


def test_categories_the_model_is_sure_of_not_leave_a_held_posts_list(sw, roster, fake):
    # Held for abuse (the toxicity model) and, on the sentence model's reading, complaint and allegation.
    # The school-post model is sure it is abuse and sure it is neither of the others: the post stays held,
    # and the moderator reads abuse alone.
    text = "That teacher is an idiot and the school is a joke"
    fake(_unsure)
    before = analyse(text, sw, roster)
    assert before.decision == "review"
    assert {"abuse", "complaint", "allegation"} <= {f.category for f in before.findings if f.breach}
    fake(_saying(abuse=0.95))
    v = analyse(text, sw, roster)
    assert v.decision == "review"
    assert {f.category for f in v.findings if f.breach} == {"abuse"}
    assert v.scores["complaint"] < school_heads.CLEAR_BELOW and v.scores["allegation"] < school_heads.CLEAR_BELOW
    # A category something it may not overrule found stays: a phrase rule's allegation of theft blocks.
    fake(_saying(abuse=0.95))
    stolen = analyse("That teacher is an idiot and she stole the trip money", sw, roster)
    assert stolen.decision == "block" and any(f.category == "allegation" and f.breach for f in stolen.findings)


def test_a_gate_built_for_another_first_pass_reads_every_post(monkeypatch):
    from schoolgate.judge import _toxicity

    featurizer = _toxicity().featurizer
    W, b, threshold = school_heads._load_gate()
    monkeypatch.setattr(school_heads, "_gate", (W[:-1], b, threshold))  # one feature short: out of date
    assert school_heads.worth_reading(NOTHING_TO_HOLD, featurizer).all()


def test_a_fond_story_or_a_calming_word_is_not_what_the_model_fears(sw, hh, roster, fake):
    """A story about staff told with laughter is no allegation, a parent calming a thread is no complaint;
    a word of harm or a grievance of the poster's own keeps the model's reading."""
    def decisions(text, policy, **sure):
        fake(_unsure)
        alone = analyse(text, policy, roster).decision
        fake(lambda texts: np.array([[sure.get(c, 0.5) for c in CATEGORIES]] * len(texts)))
        return alone, analyse(text, policy, roster).decision

    for policy in (sw, hh):
        fond = decisions("Mr Hughes did the egg and spoon race at sports day and dropped it three times, the kids were in stitches 😂",
                         policy, allegation=0.95)
        assert fond[1] == fond[0] != "block"  # what the rest of the judge made of it, no more
        assert decisions("Mr Hughes was steaming at the Christmas do, the kids were in stitches 😂",
                         policy, allegation=0.95)[1] == "block"
        assert decisions("To be fair to the school they did email about the nits, they can't do more than that",
                         policy, complaint=0.95) == ("allow", "allow")
    assert not lexicon.fair_minded("To be fair they emailed, but it's a shambles, third outbreak this term")


def test_a_first_name_in_a_parents_own_news_is_their_own_child(sw, hh, roster, fake):
    """"Olly's been up since 5" is news a parent gives of their own child; "well done Olly", "Olly was crying
    at the gate" and "Olly's mam" speak of another family's. The model need only lean towards the first."""
    own = "Olly's been up since 5 with excitement about the nativity, he's a shepherd 🐑"
    others = ("Well done Olly on the nativity, what a little star",
              "Olly was crying at the gate again this morning, is everything ok at home?",
              "Olly's mam lets him play out till nine every night")
    assert lexicon.own_child_news(own) and not any(lexicon.own_child_news(t) for t in others)
    for policy in (sw, hh):
        fake(_saying(naming_child=0.5))
        assert analyse(own, policy, roster).decision == "allow"
        for text in others:
            v = analyse(text, policy, roster)
            assert v.decision == "review" and "naming_child" in {f.category for f in v.findings if f.breach}, text
        fake(_saying(naming_child=0.9))
        assert analyse(own, policy, roster).decision == "review"
