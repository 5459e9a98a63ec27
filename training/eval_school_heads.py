"""Leave-one-writer-out: how much the school-post heads add on a writer whose posts they never saw.

    .venv/bin/python training/eval_school_heads.py                 # the shipped recipe, every writer left out in turn
    .venv/bin/python training/eval_school_heads.py --grid          # and the alternatives it was chosen from

Why: phrase rules tuned on one blind writer's posts did not carry to the next writer's, so the only honest
measure of a learned part is a writer it was not trained on. For each writer in `train_school_heads.WRITERS`
the heads are trained on every other writer (plus the sentence and negative data the shipped heads use) and
the judge is re-decided on the left-out writer's posts exactly as at run time (`judge._verdict` with the
heads' probabilities), with everything else in the judge computed once. Prints breaches caught and benign
posts held per left-out writer, without and with the heads. Never reads the held-out sets.
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

import train_school_heads as tsh  # noqa: E402

import schoolgate.judge as judge  # noqa: E402
from schoolgate.judge import school_heads  # noqa: E402
from schoolgate.judge.embeddings import Embedder  # noqa: E402
from schoolgate.judge.types import CATEGORIES  # noqa: E402


def base_runs(rows: list[dict], roster_prefix: str) -> list[dict]:
    """The judge on each row without the heads, keeping what `_verdict` needs to decide again with them."""
    import judge_scenarios as js

    from schoolgate.judge.stream import load_policy_view

    captured: dict[str, tuple] = {}
    real = judge._verdict

    def capture(text, policy, tox, mentions, sents, heads=None):
        captured[text] = (policy, tox, mentions, sents)
        return real(text, policy, tox, mentions, sents, heads)

    judge._verdict = capture
    asked = school_heads.worth_asking
    school_heads.worth_asking = lambda scores: False
    try:
        out = []
        for code, slug in js.SCHOOLS.items():
            policy = load_policy_view(slug)
            mine = [r for r in rows if r["school"] == code]
            verdicts = judge.analyse_batch([r["text"] for r in mine], policy, js.roster(code, roster_prefix))
            for r, v in zip(mine, verdicts):
                out.append({**r, "base": v, "args": captured[r["text"]]})
        return out
    finally:
        judge._verdict = real
        school_heads.worth_asking = asked


def decide_with(run: dict, probs: np.ndarray, headed: set[str], min_signal: float) -> str:
    v = run["base"]
    if v.decision != "allow" or not run["text"].strip():
        return v.decision
    if not any(min_signal <= v.scores.get(c, 0.0) < school_heads.HOLD_SCORE for c in headed):
        return v.decision
    policy, tox, mentions, sents = run["args"]
    saved = school_heads.MIN_SIGNAL
    school_heads.MIN_SIGNAL = min_signal
    try:
        return judge._verdict(run["text"], policy, tox, mentions, sents, probs).decision
    finally:
        school_heads.MIN_SIGNAL = saved


def rates(runs: list[dict], decisions: list[str]) -> tuple[float, float]:
    bad = [d for r, d in zip(runs, decisions) if r["cats"]]
    good = [d for r, d in zip(runs, decisions) if not r["cats"]]
    return (sum(d != "allow" for d in bad) / max(1, len(bad)), sum(d != "allow" for d in good) / max(1, len(good)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", action="store_true", help="also try other class weights, C and gates")
    args = ap.parse_args()
    emb = Embedder.load()
    writers = tsh.writers()
    runs = {w: base_runs(rows, tsh.roster_prefix_for(w)) for w, rows in writers.items()}
    post_vec = {w: emb.embed([r["text"].strip() for r in rs]) for w, rs in runs.items()}
    extra = tsh.sentences()
    neg = tsh.negatives()
    X_extra = emb.embed([t for t, _ in extra] + neg)
    Y_extra = np.array([[c in ls for c in CATEGORIES] for _, ls in extra] + [[False] * len(CATEGORIES)] * len(neg), dtype=np.int8)

    fits = [("shipped", tsh.CLASS_WEIGHT, tsh.C)]
    gates = [(school_heads.MIN_PROBABILITY, school_heads.MIN_SIGNAL)]
    if args.grid:
        fits += [(f"w{cw} C{c}", {0: 1, 1: cw}, c) for cw in (5, 10, 20) for c in (0.5, 1.0, 4.0)]
        gates += [(mp, ms) for mp in (0.6, 0.7, 0.8, 0.9) for ms in (0.0, 0.02, 0.05, 0.1)]

    print(f"writers: {', '.join(f'{w} ({len(rs)})' for w, rs in runs.items())}\n")
    print("| recipe | " + " | ".join(runs) + " | mean caught / benign held |")
    print("|---|" + "---|" * (len(runs) + 1))

    def row(name: str, cells: list[tuple[float, float]]) -> None:
        print(f"| {name} | " + " | ".join(f"{c:.0%} / {h:.0%}" for c, h in cells)
              + f" | {np.mean([c for c, _ in cells]):.1%} / {np.mean([h for _, h in cells]):.1%} |", flush=True)

    row("no heads", [rates(runs[w], [r["base"].decision for r in runs[w]]) for w in runs])
    for name, cw, c in fits:
        folds = {}
        for w in runs:
            X = np.vstack([post_vec[o] for o in runs if o != w] + [X_extra])
            Y = np.vstack([tsh.labels(runs[o]) for o in runs if o != w] + [Y_extra])
            W, b = tsh.fit(X, Y, cw, c)
            folds[w] = (1.0 / (1.0 + np.exp(-(post_vec[w] @ W + b))), {cat for cat, bias in zip(CATEGORIES, b) if bias > -20.0})
        for mp, ms in gates:
            saved = school_heads.MIN_PROBABILITY
            school_heads.MIN_PROBABILITY = mp
            try:
                cells = [rates(runs[w], [decide_with(r, p, folds[w][1], ms) for r, p in zip(runs[w], folds[w][0])]) for w in runs]
            finally:
                school_heads.MIN_PROBABILITY = saved
            row(f"{name} p{mp} s{ms}", cells)


if __name__ == "__main__":
    main()
