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
