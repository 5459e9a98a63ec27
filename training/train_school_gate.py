"""Train the school-post model's gate: a linear model on the toxicity first pass's n-gram features that says
which posts the judge has allowed are worth the school-post model's time (`school_heads.worth_reading`).

    .venv/bin/python training/train_school_gate.py            # scores the corpus once (cached), fits, writes
    .venv/bin/python training/train_school_gate.py --refit     # refit from the cached scores

Why: the school-post model costs about 2 ms a post (half the judge's CPU on real text), and on a post the
rest of the judge allowed it changes the decision only when it is sure of a category (`school_heads.sure`),
which it is for a few posts in a hundred of real traffic. The gate is distilled from the shipped model
itself: each text's target is whether the model comes within `MARGIN` logits of holding it, and the gate's
threshold is set where it keeps `RECALL` of the texts the model would really hold, on texts it never saw.

Corpus (targets from the shipped model, so no labels are used): the blind writers' training sets, our own
school sentences, and real posts from ../shared/data (OLID, Davidson, Kaggle insults, Jigsaw). Never used:
the held-out scenario sets, and the distinct posts `bench/judge_speed.py` measures speed on (the first
6,500 OLID tweets), which are this script's own held-out real text. Writers w9-w12 are held out too, so
the gate is measured on writers it never saw before being refit on everything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "bench"))

CACHE = ROOT / "training" / "cache" / "school_gate"
OUT = ROOT / "schoolgate" / "judge" / "models" / "school-gate.npz"
MARGIN = 1.5  # logits below a hold threshold that still count as "close": the gate learns a wider target
RECALL = 0.99  # of the posts the model would hold, on held-out text
HOLD_WRITERS = ("w9", "w10", "w11", "w12")
BENCH_POSTS = 6500


def corpus() -> dict[str, list[str]]:
    """{source: distinct texts}. 'bench' is held out (the speed bench's own posts)."""
    import school_posts_data as spd
    import toxdata
    from judge_speed import real_posts

    bench = real_posts(BENCH_POSTS)
    seen = set(bench)
    out: dict[str, list[str]] = {"bench": bench}

    def add(name: str, texts) -> None:
        keep = []
        for t in texts:
            t = " ".join(t.split())
            if t and t not in seen:
                seen.add(t)
                keep.append(t)
        out[name] = keep

    for w, rows in spd.writers().items():
        add(f"writer:{w}", (r["text"] for r in rows))
    add("sentences", (t for t, _ in spd.sentences()))
    add("negatives", spd.negatives())
    for name, load in (("olid", toxdata.load_olid), ("davidson", toxdata.load_davidson),
                       ("insults", toxdata.load_insults), ("jigsaw", toxdata.load_jigsaw)):
        add(name, (r.text[:280] for r in load()))
    return out


def margins(texts: list[str]) -> np.ndarray:
    """Each text's largest logit margin over its hold threshold under the shipped model (>= 0: held)."""
    from schoolgate.judge import school_heads
    from schoolgate.judge.types import CATEGORIES

    p = school_heads.probabilities(texts).astype(np.float64)
    thr = np.array([school_heads.HOLD_AT.get(c, school_heads.MIN_PROBABILITY) for c in CATEGORIES])
    p = np.clip(p, 1e-6, 1 - 1e-6)
    m = np.log(p / (1 - p)) - np.log(thr / (1 - thr))
    m[:, [CATEGORIES.index(c) for c in school_heads.NO_HOLD]] = -np.inf
    return m.max(axis=1)


def scored() -> dict[str, tuple[list[str], np.ndarray]]:
    import json

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "margins.json"
    if path.exists():
        data = json.loads(path.read_text())
        return {k: (v["texts"], np.array(v["m"])) for k, v in data.items()}
    out = {}
    for name, texts in corpus().items():
        print(f"scoring {name}: {len(texts)} texts", flush=True)
        out[name] = (texts, margins(texts))
    path.write_text(json.dumps({k: {"texts": t, "m": m.tolist()} for k, (t, m) in out.items()}))
    return out


def fit(texts: list[str], target: np.ndarray, C: float):
    from sklearn.linear_model import LogisticRegression

    from schoolgate.judge.toxicity import ToxicityModel

    X = ToxicityModel.load().featurizer.transform(texts)
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    clf.fit(X, target)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def gate_scores(texts: list[str], W: np.ndarray, b: float) -> np.ndarray:
    from schoolgate.judge.toxicity import ToxicityModel

    z, _ = ToxicityModel.load().featurizer.linear(texts, W[:, None], np.array([b], dtype=np.float32))
    return z[:, 0]


def report(name: str, z: np.ndarray, m: np.ndarray, thr: float) -> None:
    held = m >= 0
    passed = z >= thr
    rec = (passed & held).sum() / max(1, held.sum())
    print(f"  {name:<22} {len(m):>6} texts, model holds {held.sum():>4}: gate keeps {rec:6.1%} of them, "
          f"skips {1 - passed.mean():6.1%} of all")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--refit", action="store_true", help="refit from the cached scores")
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args()
    if not args.refit:
        (CACHE / "margins.json").unlink(missing_ok=True)
    data = scored()
    held_out = {"bench"} | {f"writer:{w}" for w in HOLD_WRITERS}

    def pool(names):
        texts, ms = [], []
        for n in names:
            texts += data[n][0]
            ms.append(data[n][1])
        return texts, np.concatenate(ms)

    # 1. Fit without the held-out text; the threshold keeps RECALL of what the model holds in the writers'
    # held-out posts and the held-out real posts alike (the stricter of the two).
    texts, m = pool([n for n in data if n not in held_out])
    W, b = fit(texts, m >= -MARGIN, args.C)
    thr = np.inf
    for n in held_out:
        z, mm = gate_scores(data[n][0], W, b), data[n][1]
        if (mm >= 0).any():
            thr = min(thr, float(np.quantile(z[mm >= 0], 1 - RECALL)))
    print(f"held-out fit (C={args.C}), threshold {thr:.3f}:")
    for n in sorted(held_out):
        report(n, gate_scores(data[n][0], W, b), data[n][1], thr)
    # 2. Refit on everything, with the threshold at the same quantile of its own training scores' held posts
    # shifted by what the held-out fit needed beyond its training quantile.
    z_train = gate_scores(texts, W, b)
    slack = float(np.quantile(z_train[m >= 0], 1 - RECALL)) - thr
    texts, m = pool(list(data))
    W, b = fit(texts, m >= -MARGIN, args.C)
    z_all = gate_scores(texts, W, b)
    thr_all = float(np.quantile(z_all[m >= 0], 1 - RECALL)) - max(0.0, slack)
    print(f"final fit on all {len(texts)} texts, threshold {thr_all:.3f} (slack {slack:.3f})")
    for n in sorted(held_out):
        report(n + " (seen)", gate_scores(data[n][0], W, b), data[n][1], thr_all)
    from schoolgate.judge.toxicity import ToxicityModel

    np.savez_compressed(OUT, W=W, b=np.float32(b), threshold=np.float32(thr_all),
                        n_features=np.int64(ToxicityModel.load().featurizer.n_features))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
