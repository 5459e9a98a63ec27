"""Train the judge's semantic heads (allegation, complaint, staff_contact, speaking_for_school,
image_consent, sensitive -> confidential) and write `schoolgate/judge/models/semantic.npz`.

    .venv/bin/python training/train_judge.py

Data (all our own writing except the optional OLID negatives):
- `training/judge_sentences.tsv`: hand-written, labelled; lines with index % 4 == 3 are validation.
- `training/judge_templates.py`: template sentences, training only.
- `training/benign_school.txt` (the toxicity side's benign set): lines with index % 3 != 0 as negatives.
- `../shared/data/olid2019` tweets labelled NOT offensive (1,000, seeded sample, none about schools) as
  generic negatives, when that folder exists.

Two models per category: a hashed word-n-gram logistic regression (the fast first pass,
`schoolgate/judge/fastpass.py`) and a logistic regression on MiniLM sentence embeddings (the
second stage). The file also stores the validation split so `bench/judge.py` can report on it.
Runs in about half a minute on one core.
"""

from __future__ import annotations

import lzma
import random
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

from schoolgate.judge.embeddings import Embedder  # noqa: E402
from schoolgate.judge.fastpass import N_FEATURES, SEMANTIC, feature_ids  # noqa: E402

OUT = ROOT / "schoolgate" / "judge" / "models" / "semantic.npz"
SHARED = ROOT.parent / "shared" / "data"


def load_tsv() -> tuple[list[tuple[str, set[str]]], list[tuple[str, set[str]]]]:
    train, val = [], []
    rows = [ln for ln in (ROOT / "training" / "judge_sentences.tsv").read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]
    for i, ln in enumerate(rows):
        labels, text = ln.split("\t", 1)
        ls = set() if labels == "none" else set(labels.split("+"))
        (val if i % 4 == 3 else train).append((text, ls))
    return train, val


def load_benign() -> tuple[list[str], list[str]]:
    path = ROOT / "training" / "benign_school.txt"
    if not path.exists():
        return [], []
    rows = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    return [r for i, r in enumerate(rows) if i % 3 != 0], [r for i, r in enumerate(rows) if i % 3 == 0]


def load_olid_negatives(n: int = 1000) -> list[str]:
    path = SHARED / "olid2019" / "olid-training-v1.0.tsv.xz"
    if not path.exists():
        return []
    out = []
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[2] == "NOT":
                t = parts[1].replace("@USER", "").replace("URL", "").strip()
                low = t.lower()
                if len(t) > 15 and not any(w in low for w in ("school", "teacher", "photo", "pic", "follow", "dm")):
                    out.append(t)
    random.Random(11).shuffle(out)
    return out[:n]


def labels_matrix(items: list[tuple[str, set[str]]]) -> np.ndarray:
    return np.array([[c in ls for c in SEMANTIC] for _, ls in items], dtype=np.int8)


def hashed(texts: list[str]) -> sparse.csr_matrix:
    rows, cols = [], []
    for i, t in enumerate(texts):
        ids = feature_ids(t)
        rows.extend([i] * len(ids))
        cols.extend(ids)
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), N_FEATURES))


def prf(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    tp = int(((p == 1) & (y == 1)).sum())
    fp = int(((p == 1) & (y == 0)).sum())
    fn = int(((p == 0) & (y == 1)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def main() -> None:
    import judge_templates

    train, val = load_tsv()
    train += [(t, set(ls)) for t, ls in judge_templates.generate()]
    benign_train, benign_val = load_benign()
    train += [(t, set()) for t in benign_train]
    val += [(t, set()) for t in benign_val]
    olid = load_olid_negatives()
    train += [(t, set()) for t in olid]
    print(f"train {len(train)} (olid negatives {len(olid)}, benign {len(benign_train)}), val {len(val)}")

    Xtr_texts = [t for t, _ in train]
    Xva_texts = [t for t, _ in val]
    Ytr, Yva = labels_matrix(train), labels_matrix(val)

    Htr, Hva = hashed(Xtr_texts), hashed(Xva_texts)
    emb = Embedder.load()
    Etr, Eva = emb.embed(Xtr_texts), emb.embed(Xva_texts)

    fast_W = np.zeros((N_FEATURES, len(SEMANTIC)), dtype=np.float32)
    fast_b = np.zeros(len(SEMANTIC), dtype=np.float32)
    emb_W = np.zeros((Etr.shape[1], len(SEMANTIC)), dtype=np.float32)
    emb_b = np.zeros(len(SEMANTIC), dtype=np.float32)
    print(f"{'category':22} {'fast P/R/F1':>18} {'emb P/R/F1':>18} {'gate recall@0.1':>16}")
    for k, cat in enumerate(SEMANTIC):
        y = Ytr[:, k]
        fm = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", max_iter=2000)
        fm.fit(Htr, y)
        fast_W[:, k] = fm.coef_[0]
        fast_b[k] = fm.intercept_[0]
        em = LogisticRegression(C=2.0, class_weight="balanced", max_iter=3000)
        em.fit(Etr, y)
        emb_W[:, k] = em.coef_[0]
        emb_b[k] = em.intercept_[0]
        pf = fm.predict_proba(Hva)[:, 1]
        pe = em.predict_proba(Eva)[:, 1]
        f = prf(Yva[:, k], (pf >= 0.5).astype(int))
        e = prf(Yva[:, k], (pe >= 0.5).astype(int))
        pos = Yva[:, k] == 1
        gate = float((pf[pos] >= 0.1).mean()) if pos.any() else float("nan")
        print(f"{cat:22} {f[0]:.2f}/{f[1]:.2f}/{f[2]:.2f}      {e[0]:.2f}/{e[1]:.2f}/{e[2]:.2f}      {gate:.2f}")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    # fp16 halves the file; scores move by < 1e-3.
    np.savez_compressed(
        OUT,
        categories=np.array(SEMANTIC),
        fast_W=fast_W.astype(np.float16), fast_b=fast_b,
        emb_W=emb_W, emb_b=emb_b,
        val_texts=np.array(Xva_texts), val_labels=Yva,
    )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
