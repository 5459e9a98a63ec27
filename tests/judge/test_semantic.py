"""Meaning-based categories, each with positives and hard negatives, and their spans."""

from __future__ import annotations

import pytest

from schoolgate.judge import analyse


def categories(verdict, breach_only: bool = False) -> set[str]:
    return {f.category for f in verdict.findings if f.breach or not breach_only}

POSITIVE = {
    "allegation": [
        "A certain teacher in Year 4 needs watching, that's all I'm saying.",
        "Mr Hughes has been drinking before school, you can smell it on him.",
        "The deputy head covered up what happened in the playground.",
    ],
    "complaint": [
        "Absolutely fuming with the school again, they never tell us anything.",
        "This school's behaviour system is a joke and nobody listens to parents.",
        "The homework policy here is ridiculous and the head doesn't care.",
    ],
    "staff_contact": [
        "I've sent Miss Patel a friend request on Facebook.",
        "Does anyone have Mr Hughes's Instagram? I want to DM him.",
        "Just followed Mrs Wood on Insta, hope she follows back!",
    ],
    "speaking_for_school": [
        "Message from the office: school will be closed on Friday.",
        "The school has decided that Year 6 will not go on the residential trip.",
        "On behalf of the school, please stop parking on the zig-zags.",
    ],
    "image_consent": [
        "Here's a photo of the whole class at the nativity!",
        "Posting the pics from sports day, all the kids are in them.",
        "I filmed the teachers at the fete, putting the video on Facebook.",
    ],
}
NEGATIVE = [
    "Does anyone know what time sports day starts?",
    "Thanks to Miss Patel for a brilliant trip, the kids loved it.",
    "I'll raise it with the class teacher at pick up tomorrow.",
    "Here's a photo of my daughter in her costume, so proud!",
    "Is it true the trip is cancelled? Can someone check with the office?",
    "I've followed the school's official Facebook page for updates.",
    "Will the school be open on Monday?",
    "We'll kill it at sports day this year!",
    "Kill me now, three inset days in a row.",
    "Tickets for the Dick Whittington panto are on sale at the office.",
]


@pytest.mark.parametrize("category,text", [(c, t) for c, ts in POSITIVE.items() for t in ts])
def test_positive(category, text, sw, roster):
    v = analyse(text, sw, roster)
    assert v.scores[category] >= 0.5, v.scores
    found = [f for f in v.findings if f.category == category]
    assert found and all(text[f.start:f.end] == f.quote for f in found)
    assert v.decision in ("review", "block")


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative(text, sw, hh, roster):
    for policy in (sw, hh):
        v = analyse(text, policy, roster)
        sem = {c: v.scores[c] for c in ("allegation", "complaint", "staff_contact", "speaking_for_school", "image_consent")}
        assert max(sem.values()) < 0.5, (text, sem)


def test_span_covers_the_sentence_and_the_person(sw, roster):
    text = "Lovely day. I've sent Miss Patel a friend request on Facebook. See you later!"
    v = analyse(text, sw, roster)
    quotes = {f.quote for f in v.findings if f.category == "staff_contact"}
    assert "I've sent Miss Patel a friend request on Facebook." in quotes
    assert "Miss Patel" in quotes


def test_school_examples_tune_the_judge(roster):
    from schoolgate.judge.types import Clause, PolicyView

    text = "The tuck shop rota is being rewritten by the PTA, everyone."
    base = PolicyView("x", "X School", (Clause("x-auth", "", "Speaking for the school", ("speaking_for_school",)),))
    tuned = PolicyView("x", "X School", (Clause("x-auth", "", "Speaking for the school", ("speaking_for_school",),
                                                examples=("The tuck shop rota is being rewritten by the PTA.",)),))
    assert analyse(text, base, roster).scores["speaking_for_school"] < 0.5
    v = analyse(text, tuned, roster)
    assert v.scores["speaking_for_school"] >= 0.85
    assert any(f.clause == "x-auth" for f in v.findings)
