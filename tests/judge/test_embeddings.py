"""The int8 ONNX MiniLM matches sentence-transformers (torch fp32 reference stored by the export script)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from schoolgate.judge.embeddings import Embedder

REFERENCE = Path(__file__).resolve().parents[2] / "training" / "minilm_reference.npz"


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference embeddings not in this checkout")
def test_matches_torch_reference():
    ref = np.load(REFERENCE)
    e = Embedder.load()
    e._cache.clear()  # earlier tests may have embedded some of these sentences in other batches
    got = e.embed([str(s) for s in ref["sentences"]])
    cos = (got * ref["embeddings"]).sum(1)
    assert cos.mean() >= 0.99 and cos.min() >= 0.95


def test_shape_norm_and_order():
    e = Embedder.load()
    texts = ["short", "a much longer sentence about the school trip to the farm next week", "short"]
    v = e.embed(texts)
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert np.allclose(v[0], v[2], atol=1e-5)
    assert e.embed([]).shape == (0, 384)


def test_batch_independent():
    """A sentence's vector must not depend on the other sentences in its run (padding, neighbours): the CLI
    (batches of 256), a chat scan and the single-message page must give the same decision."""
    e = Embedder.load()
    target = "Sorry I missed your message"
    others = [
        "ok",
        "Absolutely FUMING with the school again, they never tell us anything about the trips or the clubs!!",
        "Message from the office: school will be closed on Friday because of the heating.",
        "Does anyone know what time sports day starts?",
        "A certain teacher in Year 4 needs watching, that's all I'm saying 👀👀",
        "Here's a photo of the whole class at the nativity, they all looked amazing 😍",
    ]
    alone = e._embed([target], 32)[0]
    for batch in ([target] + others, others + [target], others[:2] + [target] + others[2:]):
        got = e._embed(batch, 64)[batch.index(target)]
        assert np.abs(got - alone).max() < 1e-5
    # and every sentence in a mixed batch equals its own single run
    together = e._embed(others, 64)
    for s, v in zip(others, together):
        assert np.abs(v - e._embed([s], 32)[0]).max() < 1e-5
