"""The labelled parent posts the school-post model learns from, by writer (shared by
`finetune_school_posts.py` and `eval_school_posts.py`).

- The blind writers' sets (`WRITERS`): parent posts labelled with the twelve categories, each written by
  someone who had never read the judge, with rosters of their own people. The held-out sets (`HELD_OUT`)
  are never read here.
- `judge_sentences.tsv`, its training lines only (every 4th line is `bench/judge.py`'s validation).
- Negatives: `benign_school.txt` and, when `../shared/data` exists, 1,500 OLID tweets labelled "NOT
  offensive" (`train_judge.load_olid_negatives`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "bench"))

from schoolgate.judge.types import CATEGORIES  # noqa: E402

# One blind writer per set (the writer of scenarios-fresh-dev.tsv also wrote scenarios-fresh-heldout.tsv).
WRITERS = {"dev": "scenarios-fresh-dev.tsv", "dev2": "scenarios-fresh-dev2.tsv", "dev3": "scenarios-fresh-dev3.tsv",
           "dev4": "scenarios-fresh-dev4.tsv", "w5": "scenarios-w5.tsv", "w6": "scenarios-w6.tsv",
           "w7": "scenarios-w7.tsv", "w8": "scenarios-w8.tsv", "w9": "scenarios-w9.tsv", "w10": "scenarios-w10.tsv",
           "w11": "scenarios-w11.tsv", "w12": "scenarios-w12.tsv", "w13": "scenarios-w13.tsv", "w14": "scenarios-w14.tsv",
           "w15": "scenarios-w15.tsv", "w16": "scenarios-w16.tsv",
           "w17": "scenarios-w17.tsv", "w18": "scenarios-w18.tsv", "w19": "scenarios-w19.tsv", "w20": "scenarios-w20.tsv",
           "w21": "scenarios-w21.tsv", "w22": "scenarios-w22.tsv", "w23": "scenarios-w23.tsv", "w24": "scenarios-w24.tsv",
           "w25": "scenarios-w25.tsv", "w26": "scenarios-w26.tsv", "w27": "scenarios-w27.tsv", "w28": "scenarios-w28.tsv",
           "w29": "scenarios-w29.tsv", "w30": "scenarios-w30.tsv", "w31": "scenarios-w31.tsv", "w32": "scenarios-w32.tsv",
           "w33": "scenarios-w33.tsv", "w34": "scenarios-w34.tsv", "w35": "scenarios-w35.tsv", "w36": "scenarios-w36.tsv"}
# Writers the shipped model never saw: the thresholds in `school_heads` are checked on them. (w23-w31 were
# left out the same way until the thirty-one-writer model of 1 December took them in.)
RULES_ONLY = {"w32", "w33", "w34", "w35", "w36"}
HELD_OUT = {"scenarios.tsv", "scenarios-after.tsv", "scenarios-fresh-heldout.tsv",
            "scenarios-heldout-a.tsv", "scenarios-heldout-b.tsv", "scenarios-heldout-c.tsv", "scenarios-heldout-d.tsv",
            "scenarios-heldout-e.tsv", "scenarios-heldout-f.tsv", "scenarios-heldout-g.tsv"}
# judge_sentences.tsv labels -> categories ("sensitive" is the confidential signal).
SENTENCE_LABELS = {"allegation": "allegation", "complaint": "complaint", "staff_contact": "staff_contact",
                   "speaking_for_school": "speaking_for_school", "image_consent": "image_consent", "sensitive": "confidential"}


def writers() -> dict[str, list[dict]]:
    """Each writer's labelled posts (rows as `bench/judge_scenarios.load` gives them), for the sets present."""
    import judge_scenarios

    out = {}
    for writer, name in WRITERS.items():
        assert name not in HELD_OUT
        if (ROOT / "bench" / "data" / name).exists():
            out[writer] = judge_scenarios.load(name)
    return out


def roster_prefix_for(writer: str) -> str:
    import judge_scenarios

    return judge_scenarios.roster_prefix(WRITERS[writer])


def sentences() -> list[tuple[str, set[str]]]:
    from train_judge import load_tsv

    train, _validation = load_tsv()
    return [(text, {SENTENCE_LABELS[x] for x in labels}) for text, labels in train]


def negatives() -> list[str]:
    from train_judge import load_benign, load_olid_negatives

    a, b = load_benign()
    return a + b + load_olid_negatives(1500)


def training_set(hold: set[str] = frozenset()) -> tuple[list[str], np.ndarray]:
    """Texts and a (n, len(CATEGORIES)) 0/1 label matrix: every writer not in `hold` or `RULES_ONLY`, the sentences,
    the negatives."""
    labelled = [(r["text"], r["cats"]) for w, rows in writers().items() if w not in hold | RULES_ONLY for r in rows]
    labelled += sentences()
    neg = negatives()
    texts = [t for t, _ in labelled] + neg
    y = np.array([[c in ls for c in CATEGORIES] for _, ls in labelled] + [[False] * len(CATEGORIES)] * len(neg), dtype=np.float32)
    return texts, y
