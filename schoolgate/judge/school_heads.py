"""School-post heads: one logistic regression per category on the MiniLM embedding of the whole post.

The phrase rules (`lexicon.py`) catch what their writer foresaw; these heads carry what 820 parent posts
by four blind writers have in common, so they also catch phrasings nobody wrote a rule for ("that governor
wants to remember I know where she walks her dog"). They are trained by `training/train_school_heads.py`.

A head only ever *holds* a post for a moderator: its finding scores `HOLD_SCORE`, below every category's
block threshold, only when the head is sure (`MIN_PROBABILITY`) and only when another part of the judge
saw the same category faintly (`MIN_SIGNAL`). Trained on three blind writers' posts and tried on a
fourth's, the heads lifted the judge from 54% to 57% of the breaches caught with benign posts held
unchanged (5%); without the second condition, 64% at 7%. The post embedding costs a second model run
for the posts it is asked about (`worth_asking`): the judge's CPU per message rose by about a third.
"""

from __future__ import annotations

import threading
from importlib import resources

import numpy as np

from .types import CATEGORIES

MIN_PROBABILITY = 0.8
# ...and only when the rest of the judge saw at least a faint sign of the same category: without this the
# heads held 4.5% of held-out benign school lines (idioms, praise) against 1.5%. (0.05 held 59% of
# the fourth writer's breaches against 57% at 0.1, but sent two thirds of all posts through the encoder
# a second time.)
MIN_SIGNAL = 0.1
HOLD_SCORE = 0.75  # the lexicon's CLEAR: reaches review, never block

_lock = threading.Lock()
_heads: tuple[np.ndarray, np.ndarray] | None = None


def _load() -> tuple[np.ndarray, np.ndarray]:
    global _heads
    if _heads is None:
        with _lock:
            if _heads is None:
                path = resources.files("schoolgate.judge") / "models" / "school_heads.npz"
                with resources.as_file(path) as p, np.load(p, allow_pickle=False) as z:
                    assert tuple(str(c) for c in z["categories"]) == CATEGORIES, "school_heads.npz out of date"
                    _heads = (z["W"].astype(np.float32), z["b"].astype(np.float32))
    return _heads


def probabilities(post_vectors: np.ndarray) -> np.ndarray:
    """(n, len(CATEGORIES)) probabilities for n post embeddings."""
    W, b = _load()
    return 1.0 / (1.0 + np.exp(-(post_vectors @ W + b)))


_HEADED: tuple[str, ...] | None = None


def worth_asking(scores: dict[str, float]) -> bool:
    """True when some category with a head has a score the head could lift to a hold."""
    global _HEADED
    if _HEADED is None:
        W, b = _load()
        _HEADED = tuple(c for c, bias in zip(CATEGORIES, b) if bias > -20.0)  # -20: no head for it
    return any(MIN_SIGNAL <= scores.get(c, 0.0) < HOLD_SCORE for c in _HEADED)


def sure(probs: np.ndarray) -> list[tuple[str, float]]:
    """(category, probability) for one post's heads that reach MIN_PROBABILITY."""
    return [(c, float(p)) for c, p in zip(CATEGORIES, probs) if p >= MIN_PROBABILITY]
