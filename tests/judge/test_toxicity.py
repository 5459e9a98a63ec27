"""The learned toxicity categories: each category fires on its own kind of text, idioms do not, and
spans are exact character offsets into the original text.

Pure Python with the committed model files; no database, nothing from ../shared.
"""

from __future__ import annotations

import pytest

from schoolgate.judge.toxicity import CATEGORIES, ToxicityModel

FLAG = 0.5


@pytest.fixture(scope="module")
def model() -> ToxicityModel:
    return ToxicityModel.load()


def quotes(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


POSITIVES = [
    ("abuse", "You are a useless idiot."),
    ("abuse", "Mr Hughes is a pathetic moron."),
    ("abuse", "The governors are a bunch of spineless idiots."),
    ("threat", "I'll smash your face in."),
    ("threat", "I'm going to kill you when I see you."),
    ("threat", "I'll be waiting for him at the gate, he won't know what hit him."),
    ("threat", "Touch my son again and I'll break your legs."),
    ("hate", "Go back to your own country, you dirty immigrants."),
    ("hate", "Muslims are terrorists and should be kept away from our kids."),
    ("obscene", "This school is fucking shit."),
    ("obscene", "What a load of bollocks, fuck off."),
    ("harassment", "You're a fat ugly loser and everybody hates you."),
    ("harassment", "Everyone unfriend her and don't let your kids play with her son."),
]


@pytest.mark.parametrize("category,text", POSITIVES)
def test_positive(model, category, text):
    prob, spans = model.score(text)[category]
    assert prob >= FLAG, (category, text, prob)
    assert spans, "a flagged category carries the words that caused it"
    for s, e in spans:
        assert 0 <= s < e <= len(text)


NEGATIVES = [
    "Thank you for a lovely term.",
    "The trip to the Roman fort was brilliant.",
    "Can someone send me the date of the nativity?",
    "I think the new homework policy is a bit much.",
    "Please bring a packed lunch on Friday.",
    "The Muslim parents put on a wonderful Eid celebration for the whole school.",
    "I'll be at the gate at 3.15 to collect both boys.",
    "Does anyone know if the school is open during the strike?",
]

IDIOMS = [
    "We'll kill it at sports day!",
    "Can't wait for the Dick Whittington panto next week.",
    "Kill me now, three inset days in one term.",
    "That costume is sick.",
    "The bloody weather ruined the fete.",
    "Shoot me a message if you need a lift.",
    "I'm dying to see the play.",
    "Break a leg, everyone!",
    "Year 6 smashed their SATs.",
    "We left at 7 to beat the traffic.",
    "The football team got thrashed 6-0 but loved it.",
    "Spotted dick and custard for pudding today.",
]


@pytest.mark.parametrize("text", NEGATIVES + IDIOMS)
def test_not_flagged(model, text):
    scores = model.score(text)
    flagged = {c: round(p, 2) for c, (p, _) in scores.items() if p >= FLAG}
    assert not flagged, (text, flagged)
    assert all(spans == [] for _, spans in scores.values())


@pytest.mark.parametrize(
    "category,text,word",
    [
        ("abuse", "Honestly, you are an idiot.", "idiot"),
        ("abuse", "Mr Hughes is a moron and everyone knows it.", "moron"),
        ("obscene", "This is shit.", "shit"),
    ],
)
def test_span_is_the_word(model, category, text, word):
    prob, spans = model.score(text)[category]
    assert prob >= FLAG
    assert word in quotes(text, spans)
    start = text.index(word)
    assert (start, start + len(word)) in spans


def test_threat_span_is_the_threatening_words(model):
    text = "Honestly, I'll smash your face in."
    prob, spans = model.score(text)["threat"]
    assert prob >= FLAG
    assert len(spans) == 1
    quote = quotes(text, spans)[0]
    assert "smash" in quote and "Honestly" not in quote


def test_offsets_survive_unicode_before_the_word(model):
    # Emoji are one code point each; "İ" lower-cases to two characters: offsets must still be exact.
    text = "😡😡 İstanbul trip, and you are an idiot 🤬"
    prob, spans = model.score(text)["abuse"]
    assert prob >= FLAG
    assert "idiot" in quotes(text, spans)


def test_emoji_only_and_empty(model):
    for text in ("", "   ", "😀🎉👍", "\n\n"):
        scores = model.score(text)
        assert set(scores) == set(CATEGORIES)
        assert all(p < FLAG and spans == [] for p, spans in scores.values())
    assert model.score_batch([]) == []


def test_very_long_text(model):
    text = "Lovely assembly today. " * 2000 + "You are a useless idiot."
    prob, spans = model.score(text)["abuse"]
    # Diluted by 10,000 friendly words the score drops, but the words stay exact when found.
    for s, e in spans:
        assert text[s:e].strip()
    assert 0.0 <= prob <= 1.0
    benign = model.score("Lovely assembly today. " * 2000)
    assert all(p < FLAG for p, _ in benign.values())


def test_batch_matches_single(model):
    texts = [t for _, t in POSITIVES[:4]] + IDIOMS[:4]
    batch = model.score_batch(texts)
    for text, got in zip(texts, batch):
        single = model.score(text)
        for c in CATEGORIES:
            assert got[c][0] == pytest.approx(single[c][0], abs=1e-6)
            assert got[c][1] == single[c][1]


def test_offensive_score(model):
    off = model.score_offensive_batch(["You are a fucking idiot", "See you at the fete on Saturday"])
    assert off[0] >= FLAG > off[1]


def test_load_is_shared():
    assert ToxicityModel.load() is ToxicityModel.load()


def test_non_string_input_does_not_crash(model):
    (result,) = model.score_batch([None])  # type: ignore[list-item]
    assert set(result) == set(CATEGORIES)


def test_second_stage_keeps_clear_cases(model):
    if model.stage2 is None:
        pytest.skip("model files carry no second stage")
    texts = ["You are a useless idiot.", "We'll kill it at sports day!", "Thank you for a lovely term."]
    fast = model.score_batch(texts)
    slow = model.score_batch(texts, second_stage=True)
    assert slow[0]["abuse"][0] >= FLAG
    assert any("idiot" in q for q in quotes(texts[0], slow[0]["abuse"][1]))
    for got in slow[1:]:
        assert all(p < FLAG for p, _ in got.values())
    # Texts the first stage is sure about are not re-scored.
    assert slow[2]["abuse"][0] == pytest.approx(fast[2]["abuse"][0])
