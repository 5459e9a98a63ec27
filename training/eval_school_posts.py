"""The school-post model on writers it never saw: breaches caught and benign posts held, per writer.

    training/.env311/bin/python training/finetune_school_posts.py --hold dev4,w7   # and --hold dev,w5,
    training/.env311/bin/python training/finetune_school_posts.py --hold dev2,w6   # --hold dev3,w8: each writes
    .venv/bin/python training/eval_school_posts.py          # out-of-fold probabilities for the writers it held out

Why: phrase rules tuned on one blind writer's posts did not carry to the next writer's, so the only honest
measure of a learned part is a writer it was not trained on. Each `--hold` run trains the model without
those writers and writes their posts' probabilities (`training/cache/school_ft/probs-WRITER.npz`). This
script runs the rest of the judge once per post and decides again exactly as at run time
(`judge._verdict` with the model's probabilities, for every post the rest did not block), for the
shipped thresholds and the alternatives around them. The phrase rules were tuned on dev, dev2 and dev3,
so their rows flatter the judge; the mean over the other writers is the honest figure. Never reads the
held-out sets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

import school_posts_data as spd  # noqa: E402

import schoolgate.judge as judge  # noqa: E402
from schoolgate.judge import school_heads  # noqa: E402

PROBS = ROOT / "training" / "cache" / "school_ft"
RULES_TUNED_ON = {"dev", "dev2", "dev3"}


def base_runs(rows: list[dict], roster_prefix: str) -> list[dict]:
    """The judge on each row without the school-post model, keeping what `_verdict` needs to decide again."""
    import judge_scenarios as js

    from schoolgate.judge.stream import load_policy_view

    captured: dict[str, tuple] = {}
    real = judge._verdict

    def capture(text, policy, tox, mentions, sents, heads=None):
        captured[text] = (policy, tox, mentions, sents)
        return real(text, policy, tox, mentions, sents, heads)

    judge._verdict = capture
    probabilities = school_heads.probabilities
    # 0.5 for every category: the model neither holds (>= MIN_PROBABILITY) nor clears (< CLEAR_BELOW).
    school_heads.probabilities = lambda texts: np.full((len(texts), len(judge.CATEGORIES)), 0.5)
    try:
        out = []
        for code, slug in js.SCHOOLS.items():
            policy = load_policy_view(slug)
            mine = [r for r in rows if r["school"] == code]
            for r in mine:
                captured.pop(r["text"], None)
            verdicts = judge.analyse_batch([r["text"] for r in mine], policy, js.roster(code, roster_prefix))
            for r, v in zip(mine, verdicts):
                out.append({**r, "base": v, "args": captured[r["text"]]})
        return out
    finally:
        judge._verdict = real
        school_heads.probabilities = probabilities


def decide(run: dict, probs: np.ndarray) -> str:
    """The decision at run time, given the model's probabilities for this post."""
    if run["base"].decision == "block" or not run["text"].strip():
        return run["base"].decision
    policy, tox, mentions, sents = run["args"]
    return judge._verdict(run["text"], policy, tox, mentions, sents, probs).decision


def rates(runs: list[dict], decisions: list[str]) -> tuple[float, float, float, float]:
    """Breaches caught, benign posts held, benign posts blocked, decisions exactly as labelled."""
    bad = [d for r, d in zip(runs, decisions) if r["cats"]]
    good = [d for r, d in zip(runs, decisions) if not r["cats"]]
    return (sum(d != "allow" for d in bad) / max(1, len(bad)), sum(d != "allow" for d in good) / max(1, len(good)),
            sum(d == "block" for d in good) / max(1, len(good)),
            sum(d == r["decision"] for r, d in zip(runs, decisions)) / max(1, len(runs)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", action="store_true", help="also the thresholds around the shipped ones")
    args = ap.parse_args()
    writers = {w: rows for w, rows in spd.writers().items() if (PROBS / f"probs-{w}.npz").exists()}
    if not writers:
        sys.exit("no out-of-fold probabilities: run training/finetune_school_posts.py --hold WRITER,... first")
    runs, probs = {}, {}
    for w, rows in writers.items():
        runs[w] = base_runs(rows, spd.roster_prefix_for(w))
        z = np.load(PROBS / f"probs-{w}.npz")
        by_text = dict(zip((str(t) for t in z["texts"]), z["probs"]))
        probs[w] = [by_text[r["text"].strip()] for r in runs[w]]
    honest = [w for w in runs if w not in RULES_TUNED_ON]

    def row(name: str, cells: dict[str, tuple[float, float]]) -> None:
        mean = lambda ws, k: np.mean([cells[w][k] for w in ws])  # noqa: E731
        print(f"| {name} | " + " | ".join(f"{cells[w][0]:.0%} / {cells[w][1]:.0%}" for w in runs)
              + f" | {mean(honest, 0):.1%} / {mean(honest, 1):.1%} | {mean(runs, 0):.1%} / {mean(runs, 1):.1%} "
              f"| {mean(honest, 2):.1%} | {mean(honest, 3):.1%} |", flush=True)

    print(f"Breaches caught / benign posts held, each writer scored by a model trained without it "
          f"(phrase rules were tuned on {', '.join(sorted(RULES_TUNED_ON))}).\n")
    print("| | " + " | ".join(f"{w} ({len(runs[w])})" for w in runs) + " | mean, writers no rule was tuned on | mean, all "
          "| benign blocked (no rule tuned) | decision as labelled (no rule tuned) |")
    print("|---|" + "---|" * (len(runs) + 4))
    row("without the model", {w: rates(runs[w], [r["base"].decision for r in runs[w]]) for w in runs})
    settings = [(school_heads.MIN_PROBABILITY, school_heads.CLEAR_BELOW)]
    if args.grid:
        settings += [(mp, cb) for mp in (0.6, 0.7, 0.8, 0.9) for cb in (0.0, 0.05, 0.1, 0.2)
                     if (mp, cb) != settings[0]]
    for block_at in (0.9, 0.95, 0.98):
        saved_block = school_heads.BLOCK_AT
        school_heads.BLOCK_AT = block_at
        try:
            cells = {w: rates(runs[w], [decide(r, p) for r, p in zip(runs[w], probs[w])]) for w in runs}
        finally:
            school_heads.BLOCK_AT = saved_block
        row(f"shipped, and the model's threat / hate / allegation at {block_at} or more may block", cells)
    saved = school_heads.MIN_PROBABILITY, school_heads.CLEAR_BELOW, school_heads.HOLD_AT
    try:
        for k, (mp, cb) in enumerate(settings):
            school_heads.MIN_PROBABILITY, school_heads.CLEAR_BELOW = mp, cb
            school_heads.HOLD_AT = saved[2] if k == 0 else {}  # the grid: one threshold for every category
            cells = {w: rates(runs[w], [decide(r, p) for r, p in zip(runs[w], probs[w])]) for w in runs}
            row(f"hold at {mp}, clear below {cb}" + (" (shipped, with HOLD_AT per category)" if k == 0 else ""), cells)
    finally:
        school_heads.MIN_PROBABILITY, school_heads.CLEAR_BELOW, school_heads.HOLD_AT = saved


if __name__ == "__main__":
    main()
