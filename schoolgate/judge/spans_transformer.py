"""Toxic words read in context: a fine-tuned MiniLM that scores each word piece of a post (the SemEval-2021
toxic spans task), run through ONNX Runtime.

`ToxicityModel.toxic_spans` uses it where its files are present: the n-gram token model sees a word
with its neighbours only, so it marks "idiot" in "don't call him an idiot" and, by its fallback, some word
in nearly every post; this model reads the whole post and marks nothing where no word is toxic. The
judge's findings keep the n-gram token model's words (it is already computed for every post; this model
would be one more transformer pass per flagged post).

`models/spans-minilm-int8.onnx` is int8 with fixed activation scales, so a post's words do not depend on
the other posts of its batch; `models/spans-minilm.json` holds the word threshold chosen on a dev slice of
the training posts. Written by `training/finetune_spans.py`. Posts longer than the model's window are
read in consecutive windows.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

from .toxicity_transformer import SHARED_FILE, LoadedOnce, minilm_tokenizer, open_graph, run_bucketed

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = "spans-minilm-int8.onnx"
META_FILE = "spans-minilm.json"
BATCH = 16


def available(models_dir: Path | None = None) -> bool:
    d = Path(models_dir) if models_dir else MODELS_DIR
    return (d / MODEL_FILE).exists() and (d / META_FILE).exists() and (d / SHARED_FILE).exists()


class SpanModel(LoadedOnce):
    _instance: SpanModel | None = None

    def __init__(self, session, tokenizer, meta: dict):
        self._sess = session
        self._tok = tokenizer
        self.threshold = float(meta["threshold"])
        self.window = int(meta.get("max_length", 256))
        self._cls = tokenizer.token_to_id("[CLS]")
        self._sep = tokenizer.token_to_id("[SEP]")
        self._run_lock = threading.Lock()

    @classmethod
    def from_dir(cls, d: Path) -> SpanModel:
        # Never cut: a long post is read in windows of `window` pieces.
        return cls(open_graph(d / MODEL_FILE), minilm_tokenizer(None), json.loads((d / META_FILE).read_text(encoding="utf-8")))

    def word_probabilities(self, texts: list[str], words: list[list[tuple[str, int, int]]]) -> list[np.ndarray]:
        """For each text, the probability that each of its `words` (start/end offsets) is toxic: the largest
        of its word pieces'."""
        encs = self._tok.encode_batch(texts)
        # Each window: (text index, its pieces' ids, their character offsets), at most `window` pieces
        # with [CLS] and [SEP].
        step = self.window - 2
        windows = []
        for t, e in enumerate(encs):
            keep = [k for k, special in enumerate(e.special_tokens_mask) if not special]
            for lo in range(0, len(keep), step) or [0]:
                part = keep[lo : lo + step]
                windows.append((t, [self._cls] + [e.ids[k] for k in part] + [self._sep], [e.offsets[k] for k in part]))
        probs: list[np.ndarray | None] = [None] * len(windows)
        for idx, logits in run_bucketed(self._sess, [w[1] for w in windows], BATCH, self._run_lock):
            for r, i in enumerate(idx):
                n = len(windows[i][1])
                probs[i] = 1.0 / (1.0 + np.exp(-np.clip(logits[r, 1 : n - 1], -30, 30)))
        out = [np.zeros(len(w), dtype=np.float32) for w in words]
        for (t, _, offsets), p in zip(windows, probs):
            word_pieces_max(words[t], offsets, p, out[t])
        return out


def word_pieces_max(words: list[tuple[str, int, int]], offsets: list[tuple[int, int]], piece_probs: np.ndarray,
                    out: np.ndarray) -> None:
    """Raise each word's entry of `out` to the largest probability of the pieces that overlap it (both
    lists in text order)."""
    k = 0
    for (s, e), p in zip(offsets, piece_probs):
        if e <= s:
            continue
        while k < len(words) and words[k][2] <= s:
            k += 1
        i = k
        while i < len(words) and words[i][1] < e:
            if p > out[i]:
                out[i] = p
            i += 1
