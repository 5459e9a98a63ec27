"""The toxicity first pass keeps each recent post's feature ids (`Featurizer._doc_array`) so the first pass,
its spans and the school-post model's gate read a post once: the rows from the cache are the rows read
afresh, the cache stays bounded, and a cached post's ids cannot be changed by a caller."""

from __future__ import annotations

import numpy as np
import pytest

from schoolgate.judge import toxicity
from schoolgate.judge.toxicity import Featurizer, ToxicityModel

TEXTS = ["Mr Hughes is a useless teacher", "", "!!!", "lovely day for the trip x",
         "you absolute muppet, sooooo rude", "Mr Hughes is a useless teacher"]


@pytest.fixture(scope="module")
def featurizer() -> Featurizer:
    return ToxicityModel.load().featurizer


def test_cached_rows_equal_fresh_rows(featurizer):
    featurizer._doc_cache = {}
    fresh = featurizer._rows(TEXTS)
    cached = featurizer._rows(TEXTS)
    for a, b in zip(fresh, cached):
        assert np.array_equal(a, b)
    _vals, ids, indptr, _norms = fresh
    for d, text in enumerate(TEXTS):  # each row holds exactly the post's distinct feature ids, in order
        assert list(ids[indptr[d]:indptr[d + 1]]) == sorted(set(featurizer.doc_ids(text)))


def test_no_known_feature_is_none(featurizer):
    assert featurizer._rows(["", "!!!"]) is None
    assert featurizer._rows([]) is None


def test_cache_is_bounded_and_read_only(featurizer, monkeypatch):
    monkeypatch.setattr(toxicity, "_DOC_CACHE_LIMIT", 3)
    featurizer._doc_cache = {}
    for i in range(10):
        featurizer._rows([f"post number {i}"])
        assert len(featurizer._doc_cache) <= 3
    ids = featurizer._doc_array("post number 9")
    with pytest.raises(ValueError):
        ids[0] = 0
