"""The judge's cheap first pass for the semantic categories: hashed word n-grams and a linear model.

It costs a few microseconds a sentence, so every sentence gets it; only sentences it (or a cue
pattern, or a person mention) marks as candidates go on to the sentence-embedding stage (about 1 ms a
sentence). The same featuriser is used by `training/train_judge.py`, so the hashing here must never
change without retraining. Recall cost of the gate is measured in `bench/judge.py`.
"""

from __future__ import annotations

import itertools
import re
import zlib

import numpy as np

N_FEATURES = 1 << 18
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[£$!?]")

# Semantic heads, in model-column order. "sensitive" feeds `confidential` (with a person mention).
SEMANTIC: tuple[str, ...] = ("allegation", "complaint", "staff_contact", "speaking_for_school",
                             "image_consent", "sensitive")

# Words whose presence alone makes a sentence worth a closer look (cheap recall safety net for the gate).
CUE_RE = re.compile(
    r"\b(?:photo|photos|pic|pics|picture|pictures|video|videos|vid|clip|snap|snapped|filmed|footage|selfie|"
    r"upload(?:ed)?|friend request|follow(?:ed|ing)?|dm|dms|dmed|dm'd|inbox(?:ed)?|messag(?:e|ed|ing)|"
    r"facebook|insta|instagram|tiktok|snapchat|twitter|whatsapp|number|mobile|"
    r"office|official|behalf|announcement|notice|decided|decision|confirm(?:ed)?|advised|"
    r"ehcp|sen|senco|send|autis\w*|adhd|diagnos\w*|medication|social services|social worker|foster|"
    r"excluded|exclusion|expelled|suspended|upheld|disciplin\w*|investigat\w*|warning|prison|cancer|"
    r"depress\w*|anxiety|self.?harm\w*|camhs|pregnan\w*|divorce|benefits|epilep\w*|diabet\w*|"
    r"lie|lied|lies|liar|cover(?:ed|ing)? up|stole|steal\w*|drunk|drinking|hit|hits|grabbed|pushed|"
    r"watching|predator|sacked|fired|affair|fiddl\w*|rumou?r|apparently|allegedly|"
    r"complain\w*|disgrace\w*|joke|shambles|shambolic|useless|pathetic|appalling|shocking|fuming|"
    r"ruined|rubbish|terrible|awful|worst|incompetent|waste|ridiculous|unprofessional|sick of|fed up)\b",
    re.IGNORECASE,
)


def feature_ids(text: str) -> list[int]:
    words = _WORD.findall(text.lower().replace("’", "'"))
    feats = [zlib.crc32(b"w:" + w.encode()) for w in words]
    feats += [zlib.crc32(("b:" + a + "_" + b).encode()) for a, b in zip(words, words[1:])]
    feats.append(zlib.crc32(b"bias:len" + str(min(len(words) // 4, 8)).encode()))
    return [f & (N_FEATURES - 1) for f in feats]


_MASK = N_FEATURES - 1
_LEN_IDS = [zlib.crc32(b"bias:len" + str(k).encode()) & _MASK for k in range(9)]
_word_ids: dict[str, int] = {}
_pair_ids: dict[tuple[str, str], int] = {}
_ID_CACHE_LIMIT = 100_000


def _feature_ids_cached(text: str) -> list[int]:
    """`feature_ids(text)`, with each word's and word pair's hash remembered (bounded)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    wget, pget = _word_ids.get, _pair_ids.get
    feats = []
    for w in words:
        f = wget(w)
        if f is None:
            f = _word_ids[w] = zlib.crc32(b"w:" + w.encode()) & _MASK
        feats.append(f)
    for pair in zip(words, words[1:]):
        f = pget(pair)
        if f is None:
            f = _pair_ids[pair] = zlib.crc32(("b:" + pair[0] + "_" + pair[1]).encode()) & _MASK
        feats.append(f)
    feats.append(_LEN_IDS[min(len(words) // 4, 8)])
    if len(_pair_ids) > _ID_CACHE_LIMIT or len(_word_ids) > _ID_CACHE_LIMIT:
        _word_ids.clear()
        _pair_ids.clear()
    return feats


class FastPass:
    def __init__(self, W: np.ndarray, b: np.ndarray):
        self.W = W.astype(np.float32)  # (N_FEATURES, len(SEMANTIC))
        self.b = b.astype(np.float32)

    def scores(self, texts: list[str]) -> np.ndarray:
        """(len(texts), len(SEMANTIC)) probabilities."""
        out = np.empty((len(texts), len(SEMANTIC)), dtype=np.float32)
        ids = [_feature_ids_cached(t) for t in texts]  # never empty: the length feature is always there
        # One gather for the batch, then each text's rows summed on their own (a text's own reduction, so
        # the float32 sums are the ones `W[ids].sum(axis=0)` gives, bit for bit).
        rows = self.W[np.fromiter(itertools.chain.from_iterable(ids), dtype=np.intp, count=sum(map(len, ids)))]
        start = 0
        for i, one in enumerate(ids):
            out[i] = rows[start:start + len(one)].sum(axis=0)
            start += len(one)
        out += self.b
        return 1.0 / (1.0 + np.exp(-out))
