"""The learned toxicity categories: each category fires on its own kind of text, idioms do not, and
spans are exact character offsets into the original text.

Pure Python with the committed model files; no database, nothing from ../shared.
"""

from __future__ import annotations

import pytest

from schoolgate.judge.toxicity import CATEGORIES, FINETUNED_BAND, WIDE_BAND, ToxicityModel

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
    fast = model.score_batch(texts, finetuned=False)
    slow = model.score_batch(texts, second_stage=True, finetuned=False)
    assert slow[0]["abuse"][0] >= FLAG
    assert any("idiot" in q for q in quotes(texts[0], slow[0]["abuse"][1]))
    for got in slow[1:]:
        assert all(p < FLAG for p, _ in got.values())
    # Texts the first stage is sure about are not re-scored.
    assert slow[2]["abuse"][0] == pytest.approx(fast[2]["abuse"][0])


# ---- fine-tuned MiniLM second stage (toxicity_transformer) ----------------------------------------


@pytest.fixture(scope="module")
def stage(model):
    st = model.finetuned_stage()
    if st is None:
        pytest.skip("fine-tuned stage model files absent")
    return st


# The fast n-gram pass misses these (no hateful or abusive word in them); the fine-tuned stage, which
# reads the sentence, catches them: the first inside the judge's default band, the second only with
# the wider band offline callers can ask for (its first-pass score is below the default band).
STAGE2_CATCHES = [
    ("hate", "They're animals, the lot of them.", None),
    ("abuse", "He'd better watch himself... I'll sort him out.", WIDE_BAND),
]


@pytest.mark.parametrize("category,text,band", STAGE2_CATCHES)
def test_fine_tuned_stage_catches_what_the_fast_pass_misses(model, stage, category, text, band):
    fast, _ = model.score(text, finetuned=False)[category]
    prob, spans = model.score(text, band=band)[category]
    assert fast < FLAG <= prob, (category, text, fast, prob)
    assert spans, "a category flagged by the second stage still carries words"
    for s, e in spans:
        assert 0 <= s < e <= len(text) and text[s:e].strip()


def test_veiled_threat_is_a_threat(model):
    text = "He'd better watch himself... I'll sort him out."
    for kwargs in ({}, {"band": WIDE_BAND}, {"finetuned": False}):
        prob, spans = model.score(text, **kwargs)["threat"]
        assert prob >= FLAG and spans, kwargs


def test_default_band_sends_only_borderline_texts(model, stage):
    lo, hi = FINETUNED_BAND
    texts = ["Thank you for a lovely term.", "You are a useless idiot.", "They're animals, the lot of them."]
    fast = model.probabilities(texts, finetuned=False)
    out = model.probabilities(texts, gate=CATEGORIES)
    outside = (fast < lo) | (fast > hi)
    assert (out[outside] == fast[outside]).all()


def test_fine_tuned_stage_keeps_idioms_clean(model, stage):
    idioms = ["We'll kill it at sports day!", "Can't wait for the Dick Whittington panto next week.",
              "Kill me now, three inset days in one term."]
    # Even sent through the fine-tuned stage on its own (no band), the idioms stay clean.
    p = stage.probabilities(idioms)
    cats = [stage.heads.index(c) for c in CATEGORIES]
    assert (p[:, cats] < FLAG).all(), p
    for text in idioms:
        for band in (None, WIDE_BAND):
            assert all(prob < FLAG for prob, _ in model.score(text, band=band).values())


def test_fine_tuned_stage_is_batch_independent(stage):
    texts = ["He'd better watch himself... I'll sort him out.", "ok",
             "Lovely assembly today, the Year 2 choir sang beautifully and everyone had a great time. " * 3,
             "You are a useless idiot.", "Kill me now, three inset days in one term.", ""]
    batch = stage.probabilities(texts)
    for i, text in enumerate(texts):
        alone = stage.probabilities([text])[0]
        assert abs(alone - batch[i]).max() < 1e-5, (text, alone, batch[i])
    # Other neighbours, another order.
    again = stage.probabilities(list(reversed(texts)) + ["Go back to your own country."] * 20)[: len(texts)]
    assert abs(again[::-1] - batch).max() < 1e-5


def test_fine_tuned_stage_can_be_turned_off(model, stage):
    text = "He'd better watch himself... I'll sort him out."
    on = model.score(text, band=WIDE_BAND)
    off = model.score(text, finetuned=False, band=WIDE_BAND)
    tuned = dict(zip(stage.heads, stage.probabilities([text])[0]))
    for category in CATEGORIES:
        first = off[category][0]
        if WIDE_BAND[0] <= first <= WIDE_BAND[1]:
            # Borderline on the first pass: on, the fine-tuned stage's own probability replaces it.
            assert on[category][0] == pytest.approx(float(tuned[category]), abs=1e-5), category
        else:
            # Outside the band the first pass stands either way.
            assert on[category][0] == pytest.approx(first, abs=1e-6), category
    assert WIDE_BAND[0] <= off["abuse"][0] <= WIDE_BAND[1]  # the case this test is about
    assert abs(on["abuse"][0] - off["abuse"][0]) > 0.1


@pytest.mark.parametrize("band", [None, WIDE_BAND])
def test_channel_story_abuse_on_useless(model, band):
    text = "Mr Hughes is a useless teacher and everyone knows it"
    prob, spans = model.score(text, band=band)["abuse"]
    assert prob >= FLAG
    assert "useless" in quotes(text, spans)
