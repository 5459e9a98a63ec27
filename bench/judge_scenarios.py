"""The judge on the school-scenario set (`bench/data/scenarios.tsv`): per category, per school, decisions.

    .venv/bin/python bench/judge_scenarios.py            # table; --misses lists what it got wrong

The set was written by hand for issue 11 before any rule was tuned, with its own rosters
(`bench/data/roster-*.csv`, names that are also ordinary words: Will, Grace, Hope, Frost, Cook...).
It is never used for training. `bench/data/scenarios-after.tsv` (61 posts) was written after the rules,
to check them on phrasings they were not written from; its first result is in the commit that added it.
`scenarios-fresh-dev.tsv` and `scenarios-fresh-heldout.tsv` (160 posts each, with rosters of their own
people, `roster-fresh-*.csv`) were written blind by an engineer who had not read the judge: rules may be
tuned on the dev set only; the held-out set is scored, never read for tuning.
Each row: school (sw / hh), the expected decision, the expected
categories ("-" for a benign post), the text. A category counts as found when the verdict lists a
finding of it that holds or blocks the post (a breach of a clause, or the non-exhaustive rule).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schoolgate.judge.types import CATEGORIES, Roster  # noqa: E402

DATA = ROOT / "bench" / "data"
SCHOOLS = {"sw": "stokes-wood", "hh": "high-hesket"}


def load(name: str = "scenarios.tsv") -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for r in rows:
        r["cats"] = set() if r["categories"] == "-" else set(r["categories"].split(","))
    return rows


def roster(code: str, prefix: str = "roster") -> Roster:
    return Roster.from_csv_text((DATA / f"{prefix}-{SCHOOLS[code]}.csv").read_text(encoding="utf-8"))


def roster_prefix(file_name: str) -> str:
    """The roster that goes with a set: `scenarios-NAME.tsv` brings its own people in `roster-NAME-<school>.csv`
    when that file exists (each blind writer's set since December); the other fresh sets share
    `roster-fresh-*.csv`, and the first sets `roster-*.csv`."""
    own = "roster-" + file_name.removeprefix("scenarios-").removesuffix(".tsv")
    if all((DATA / f"{own}-{school}.csv").exists() for school in SCHOOLS.values()):
        return own
    return "roster-fresh" if file_name.startswith("scenarios-fresh") else "roster"


def found(verdict, policy) -> set[str]:
    """Categories of the findings that reach the school's review threshold (what a moderator is shown)."""
    out = set()
    for f in verdict.findings:
        if f.breach and f.score >= policy.thresholds_for(f.category)[0]:
            out.add(f.category)
    return out


def judge(analyse_batch=None, load_policy_view=None, rows=None, rosters: str = "roster"):
    """[(row, verdict, found categories)] for every row."""
    if analyse_batch is None:
        from schoolgate.judge import analyse_batch
    if load_policy_view is None:
        from schoolgate.judge.stream import load_policy_view
    rows = rows if rows is not None else load()
    out = []
    for code in SCHOOLS:
        policy = load_policy_view(SCHOOLS[code])
        mine = [r for r in rows if r["school"] == code]
        verdicts = analyse_batch([r["text"] for r in mine], policy, roster(code, rosters))
        out.extend((r, v, found(v, policy)) for r, v in zip(mine, verdicts))
    return out


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def summary(results) -> dict:
    per = {}
    for cat in CATEGORIES:
        tp = sum(1 for r, _, f in results if cat in r["cats"] and cat in f)
        fp = sum(1 for r, _, f in results if cat not in r["cats"] and cat in f)
        fn = sum(1 for r, _, f in results if cat in r["cats"] and cat not in f)
        per[cat] = (sum(1 for r, _, _ in results if cat in r["cats"]), *f1(tp, fp, fn))
    bad = [(r, v) for r, v, _ in results if r["cats"]]
    good = [(r, v) for r, v, _ in results if not r["cats"]]
    by_school = {}
    for code in SCHOOLS:
        b = [v for r, v in bad if r["school"] == code]
        g = [v for r, v in good if r["school"] == code]
        by_school[code] = (sum(v.decision != "allow" for v in b) / max(1, len(b)),
                           sum(v.decision != "allow" for v in g) / max(1, len(g)), len(b), len(g))
    exact = sum(v.decision == r["decision"] for r, v, _ in results) / len(results)
    held = [(r, v) for r, v in bad if v.decision != "allow"]
    ladder = sum(v.decision == r["decision"] for r, v in held) / max(1, len(held))
    return {"per": per, "by_school": by_school, "exact": exact, "ladder": ladder, "n": len(results),
            "caught": sum(v.decision != "allow" for _, v in bad) / max(1, len(bad)),
            "benign_held": sum(v.decision != "allow" for _, v in good) / max(1, len(good))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--file", default="scenarios.tsv", help="scenarios.tsv (default), scenarios-after.tsv, "
                    "scenarios-fresh-dev.tsv or scenarios-fresh-heldout.tsv")
    args = ap.parse_args()
    results = judge(rows=load(args.file), rosters=roster_prefix(args.file))
    s = summary(results)
    print(f"## Scenario set ({s['n']} posts, bench/data/{args.file}; never trained on)\n")
    print("| category | positives | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for cat, (n, p, r, f) in s["per"].items():
        print(f"| {cat} | {n} | {p:.2f} | {r:.2f} | {f:.2f} |")
    for code, (caught, held, nb, ng) in s["by_school"].items():
        print(f"\n{SCHOOLS[code]}: breaches caught {caught:.0%} of {nb}; benign held or blocked {held:.0%} of {ng}")
    print(f"\nall: breaches caught {s['caught']:.0%}, benign held {s['benign_held']:.0%}, decision exactly as expected "
          f"{s['exact']:.0%}, block-vs-review right for {s['ladder']:.0%} of caught breaches")
    if args.misses:
        print()
        counts = Counter()
        for r, v, f in results:
            if v.decision != r["decision"] or f != r["cats"]:
                counts[r["school"]] += 1
                print(f"{r['school']} want {r['decision']:6} {r['categories']:28} got {v.decision:6} "
                      f"{','.join(sorted(f)) or '-':28} {r['text']}")


if __name__ == "__main__":
    main()
