"""Meaning-based categories: allegation, complaint, staff_contact, speaking_for_school, image_consent, and
the "sensitive fact" signal behind `confidential`.

Two stages per sentence:
1. `FastPass` (hashed n-grams, microseconds) on every sentence; a sentence is a *candidate* when any
   category's fast probability reaches `GATE`, a cue word matches (`fastpass.CUE_RE`), or it mentions a
   person.
2. Candidates are embedded with MiniLM; logistic-regression heads give the model probability, and the
   school's own clause `examples` give an exemplar similarity (this is how each school tunes its judge).
   The score is the larger of the two.
Non-candidates keep their (low) fast-pass probability.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .fastpass import CUE_RE, SEMANTIC, FastPass
from .types import PolicyView

GATE = 0.12
# Lower bars for sentences that name a person or contain a cue word: the fast pass must still see
# *something* (0.02), which drops "thank you Miss Patel!" but keeps 96% of validation positives.
GATE_PERSON = 0.02
GATE_CUE = 0.02
# Exemplar similarity -> probability: cosine 0.55 or less is no evidence, 0.85 or more is certain.
EX_LOW, EX_HIGH = 0.55, 0.85
# How much the fast pass counts next to the embedding head once a sentence is embedded.
FAST_WEIGHT = 0.3


@dataclass
class SentenceScores:
    probs: np.ndarray  # (len(SEMANTIC),)
    exemplar_clause: list[str | None]  # per category: the clause whose example matched best, if it decided
    vector: np.ndarray | None = None  # the sentence's embedding, when it was a candidate (reused by the judge)


class SemanticModel:
    _instance: SemanticModel | None = None
    _lock = threading.Lock()

    def __init__(self, fast: FastPass, emb_W: np.ndarray, emb_b: np.ndarray):
        self.fast = fast
        self.emb_W = emb_W.astype(np.float32)
        self.emb_b = emb_b.astype(np.float32)
        self._embedder = None
        self._examples: dict[tuple, tuple[np.ndarray, list[tuple[int, str]]]] = {}

    @classmethod
    def load(cls) -> SemanticModel:
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    path = resources.files("schoolgate.judge") / "models" / "semantic.npz"
                    with resources.as_file(path) as p, np.load(p, allow_pickle=False) as z:
                        assert tuple(str(c) for c in z["categories"]) == SEMANTIC, "semantic.npz out of date"
                        cls._instance = cls(FastPass(z["fast_W"], z["fast_b"]), z["emb_W"], z["emb_b"])
        return cls._instance

    @property
    def embedder(self):
        if self._embedder is None:
            from .embeddings import Embedder

            self._embedder = Embedder.load()
        return self._embedder

    def _policy_examples(self, policy: PolicyView) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """Embeddings of the policy's clause examples, with (category index, clause id) per row; cached."""
        key = (policy.school_slug, tuple((c.id, c.examples, c.categories) for c in policy.clauses if c.examples))
        hit = self._examples.get(key)
        if hit is None:
            texts, meta = [], []
            for c in policy.clauses:
                for ex in c.examples:
                    for cat in c.categories:
                        target = "sensitive" if cat == "confidential" else cat
                        if target in SEMANTIC:
                            texts.append(ex)
                            meta.append((SEMANTIC.index(target), c.id))
            vecs = self.embedder.embed(texts) if texts else np.zeros((0, 384), dtype=np.float32)
            hit = (vecs, meta)
            if len(self._examples) > 32:
                self._examples.clear()
            self._examples[key] = hit
        return hit

    def score_sentences(self, sentences: list[str], policy: PolicyView, force: list[bool]) -> list[SentenceScores]:
        """Scores for each sentence; `force[i]` marks a sentence as a candidate (e.g. it names a person)."""
        if not sentences:
            return []
        fast = self.fast.scores(sentences)
        top = fast.max(axis=1)
        cand = [i for i, s in enumerate(sentences)
                if top[i] >= GATE or (force[i] and top[i] >= GATE_PERSON)
                or (top[i] >= GATE_CUE and CUE_RE.search(s) is not None)]
        out = [SentenceScores(fast[i].copy(), [None] * len(SEMANTIC)) for i in range(len(sentences))]
        if not cand:
            return out
        vecs = self.embedder.embed([sentences[i] for i in cand])
        head = 1.0 / (1.0 + np.exp(-(vecs @ self.emb_W + self.emb_b)))
        ex_vecs, ex_meta = self._policy_examples(policy)
        sims = vecs @ ex_vecs.T if len(ex_meta) else None
        for row, i in enumerate(cand):
            p = (1 - FAST_WEIGHT) * head[row] + FAST_WEIGHT * fast[i]
            clauses: list[str | None] = [None] * len(SEMANTIC)
            if sims is not None:
                for j, (k, clause_id) in enumerate(ex_meta):
                    s = float(sims[row, j])
                    pe = min(1.0, max(0.0, (s - EX_LOW) / (EX_HIGH - EX_LOW)))
                    if pe > p[k]:
                        p[k] = pe
                        clauses[k] = clause_id
            out[i] = SentenceScores(p.astype(np.float32), clauses, vecs[row])
        return out

    def candidate_rate(self, sentences: list[str]) -> float:
        """Share of sentences that would reach the embedding stage without a person mention (bench)."""
        if not sentences:
            return 0.0
        top = self.fast.scores(sentences).max(axis=1)
        return float(np.mean([top[i] >= GATE or (top[i] >= GATE_CUE and CUE_RE.search(s) is not None)
                              for i, s in enumerate(sentences)]))
