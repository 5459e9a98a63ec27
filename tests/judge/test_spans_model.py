"""Toxic words read in context (`spans_transformer`, the SemEval-2021 toxic spans task): the words that
make a post toxic are marked, nothing is marked in a post without any, long posts are read to the end, and
a post's words never depend on its batch. Pure Python with the committed model files."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from schoolgate.judge import spans_transformer
from schoolgate.judge.toxicity import ToxicityModel, tokens

pytestmark = pytest.mark.skipif(not spans_transformer.available(), reason="span model files not present")


@pytest.fixture(scope="module")
def model() -> ToxicityModel:
    return ToxicityModel.load()


def marked(text: str, spans) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_the_insults_are_marked_and_the_rest_of_the_post_is_not(model):
    text = "Honestly the new car park is fine, but the man who runs it is a pathetic idiot."
    words = " ".join(marked(text, model.toxic_spans(text)))
    assert "idiot" in words
    assert "car" not in words and "park" not in words and "runs" not in words


def test_a_post_with_no_toxic_word_gets_no_span_where_the_ngram_model_marks_one(model):
    text = "Thank you to everyone who helped at the summer fair, the children had a lovely day."
    assert model.toxic_spans(text) == []
    # The n-gram token model's fallback marks its most toxic word in nearly every post.
    assert model.toxic_spans_batch([text], in_context=False)[0] != []


def test_a_long_post_is_read_past_the_models_window(model):
    filler = "We talked about the timetable, the lunches and the uniform at some length. " * 30
    text = filler + "Then he called her a stupid bitch in front of everyone."
    words = marked(text, model.toxic_spans(text))
    assert any("bitch" in w for w in words)
    assert all(s >= len(filler) for s, _ in model.toxic_spans(text))


def test_a_posts_spans_do_not_depend_on_its_batch(model):
    texts = ["You absolute moron, read the letter.", "See you all at the gate at three.",
             "What a load of crap this is, you idiots. " * 3, "Lovely assembly today!"]
    together = model.toxic_spans_batch(texts)
    assert together == [model.toxic_spans(t) for t in texts]


def test_without_its_files_the_ngram_token_model_marks_the_words(tmp_path):
    for name in ("tox_vocab.json", "tox_weights.npz"):
        shutil.copy(spans_transformer.MODELS_DIR / name, tmp_path / name)
    assert not spans_transformer.available(tmp_path)
    ngram_only = ToxicityModel.load(tmp_path)
    text = "Honestly the man who runs the car park is a pathetic idiot."
    assert ngram_only.toxic_spans(text) == ToxicityModel.load().toxic_spans_batch([text], in_context=False)[0]
    assert "idiot" in " ".join(marked(text, ngram_only.toxic_spans(text)))


def test_a_word_takes_the_largest_probability_of_its_pieces():
    text = "you dumbass, fine"
    words = tokens(text)  # you / dumbass / fine
    out = np.zeros(len(words), dtype=np.float32)
    # "dumbass" as two pieces "dumb" + "##ass"; a comma between words belongs to none.
    spans_transformer.word_pieces_max(words, [(0, 3), (4, 8), (8, 11), (11, 12), (13, 17)],
                                      np.array([0.1, 0.4, 0.9, 0.8, 0.2]), out)
    assert out.tolist() == pytest.approx([0.1, 0.9, 0.2])
