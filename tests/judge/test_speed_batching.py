"""The judge's speed mechanics change no verdict: the numpy first pass gives scipy's numbers bit for bit, the
fine-tuned stage pads short posts less and scores each post as it would alone, a post no school-post head is
sure about is not judged a second time, and the judge's processes never import scipy."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import schoolgate.judge as judge
from schoolgate.judge import analyse, analyse_batch, school_heads
from schoolgate.judge.toxicity import ToxicityModel
from schoolgate.judge.types import CATEGORIES

TEXTS = [
    "Mr Hughes is a useless teacher", "See you at the fair!", "Someone should key her car.",
    "you are a complete idiot", "", "   ", "!!!", "a", "Thanks Miss Patel, lovely assembly.",
    "What a load of rubbish lol. Third time this term the bus is late. Disgraceful, absolutely disgraceful, "
    "and nobody from the office has even bothered to reply to my emails about it, which says it all really.",
    "Typical Polish family, never pay for anything.", "Everyone report her page tonight.",
]


def test_first_pass_without_scipy_gives_scipy_numbers_bit_for_bit():
    pytest.importorskip("scipy")
    model = ToxicityModel.load()
    f = model.featurizer
    for chunk in (TEXTS, TEXTS[:1], ["", ""], ["", TEXTS[0], ""]):
        X, norms = f.transform(chunk, with_norms=True)
        want = np.asarray(X @ model.W) + model.b
        got, got_norms = f.linear(chunk, model.W, model.b)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want)
        assert np.array_equal(got_norms, norms)


class _CountingSession:
    def __init__(self, session):
        self._session = session
        self.positions = 0

    def run(self, outputs, feeds):
        self.positions += feeds["attention_mask"].size
        return self._session.run(outputs, feeds)


def test_finetuned_stage_pads_short_posts_less_and_scores_each_as_alone(monkeypatch):
    stage = ToxicityModel.load().finetuned_stage()
    if stage is None:
        pytest.skip("fine-tuned stage not available")
    long = " ".join(["this is a rather long post about the school run and the car park"] * 4)
    texts = [f"ok {i}" for i in range(15)] + [long]
    alone = np.stack([stage.logits([t])[0] for t in texts])
    counting = _CountingSession(stage._sess)
    monkeypatch.setattr(stage, "_sess", counting)
    batched = stage.logits(texts)
    real = sum(len(stage._tok.encode(t).ids) for t in texts)
    # Sixteen posts in one run padded to the longest would be 16 x 64 positions; by length, about the real ones.
    assert counting.positions <= 1.5 * real
    np.testing.assert_allclose(batched, alone, atol=1e-4)


def test_a_post_no_head_is_sure_about_is_judged_once(sw, roster, monkeypatch):
    texts = ["I am going to have it out with the head tomorrow morning.",
             "Everyone save her posts and we'll send the lot to the local paper.",
             "Thank you for a lovely harvest festival."]
    monkeypatch.setattr(school_heads, "probabilities", lambda vecs: np.zeros((len(vecs), len(CATEGORIES))))
    calls = []
    real = judge._verdict
    monkeypatch.setattr(judge, "_verdict", lambda *a, **k: (calls.append(a[0]), real(*a, **k))[1])
    verdicts = analyse_batch(texts, sw, roster)
    assert calls == texts  # each post once: the heads asked about some, but none was sure
    monkeypatch.setattr(judge, "_verdict", real)
    assert [v.as_dict() for v in verdicts] == [analyse(t, sw, roster).as_dict() for t in texts]


def test_the_judge_never_imports_scipy():
    code = ("import sys; from schoolgate.judge import analyse; from schoolgate.judge.stream import load_policy_view; "
            "v = analyse('Mr Hughes you absolute idiot. The office lied to us again.', load_policy_view('stokes-wood')); "
            "assert v.decision != 'allow'; print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
