"""Benchmark of the whole judge: quality per category, the first-pass gate's recall cost, speed, start-up.

    .venv/bin/python bench/judge.py            # full run (several minutes on the shared 2-core machine)
    .venv/bin/python bench/judge.py --quick    # 2k posts for throughput, no toxicity table
    .venv/bin/python bench/judge.py --cross-source   # adds bench/judge_cross_source.py's table (minutes)

Quality: per-category precision/recall/F1 on the judge's held-out validation sentences (stored in
`schoolgate/judge/models/semantic.npz` by `training/train_judge.py`; never trained on), judged through
`analyse()` with a neutral policy that names every category and carries no clause examples (the seed
examples overlap the validation sentences and would flatter the numbers). The same sentences are also
judged with the gate off (every sentence embedded) to show what the fast first pass costs in recall.
Names: a generated set of roster mentions and name traps. Toxicity: `bench/judge_toxicity.py`'s
`evaluate()` when present (OLID macro-F1 next to alt-profanity-check, span F1).
Scenarios: `bench/judge_scenarios.py` on the held-out blind sets `bench/data/scenarios-heldout-a.tsv`,
`-b.tsv` to `-g.tsv` (1,280 posts), then a line each for the older held-out sets, among them `bench/data/scenarios.tsv` (342 school posts written by hand
for issue 11 before any rule was tuned; never trained on), per category and per school.
alt-profanity-check sits beside each table where it is installed (a bench-only import, never a product
dependency): its one "profane" label is taken as a prediction of each category.
Speed (`bench/judge_speed.py`): the `schoolgate analyse` CLI on 6,500 distinct real posts (OLID tweets,
then Jigsaw comments), embedding cache off, steady messages/s in wall time and per CPU-second of the CLI
process, start-up apart; p50/p99 of single `analyse()` calls on 1,000 other real posts.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

os.environ.setdefault("SCHOOLGATE_JUDGE_THREADS", "1")

from schoolgate.judge.types import CATEGORIES, Clause, PolicyView, Roster  # noqa: E402

NEUTRAL = PolicyView("bench", "Bench School", tuple(Clause(f"b-{c}", "", c, (c,)) for c in CATEGORIES))
ROSTER = Roster.from_csv_text(
    "name,role,group,aliases\n"
    "Oliver Bennett,pupil,Year 4,Olly\nWill Turner,pupil,Year 3,\nGrace Mercer,pupil,Year 2,\n"
    "Amelia Khan,pupil,Year 5,Millie\nJack Price,pupil,Year 6,\nDavid Hughes,staff,Year 4 teacher,Mr Hughes\n"
    "Sarah Wood,staff,Headteacher,Mrs Wood\nPriya Patel,staff,Year 2 teacher,Miss Patel\n"
)
SEM_TO_CAT = {"sensitive": "confidential"}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def semantic_quality() -> list[tuple]:
    import schoolgate.judge.semantic as semantic
    from schoolgate.judge import analyse_batch
    from schoolgate.judge.fastpass import SEMANTIC

    with np.load(ROOT / "schoolgate" / "judge" / "models" / "semantic.npz") as z:
        texts = [str(t) for t in z["val_texts"]]
        labels = z["val_labels"]
    rows = []
    results = {}
    for gate in (True, False):
        saved = semantic.GATE, semantic.CUE_RE
        if not gate:
            semantic.GATE = -1.0  # every sentence is a candidate
        verdicts = analyse_batch(texts, NEUTRAL, None)
        semantic.GATE, semantic.CUE_RE = saved
        results[gate] = verdicts
    for k, sem in enumerate(SEMANTIC):
        cat = SEM_TO_CAT.get(sem, sem)
        y = labels[:, k].astype(bool)
        out = []
        for gate in (True, False):
            pred = np.array([v.scores[cat] >= 0.5 for v in results[gate]])
            out.append(prf(int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())))
        rows.append((cat, int(y.sum()), len(y), *out[0], out[1][1], out[1][2]))
    return rows


NAME_CASES = [  # (text, expected pupil quote or None)
    ("Olly Benett keeps pushing the others", "Olly Benett"), ("olly was crying at pick up", "olly"),
    ("Olly's mum is lovely", "Olly's"), ("Oliver Bennet was sent out", "Oliver Bennet"),
    ("I saw Will at the park", "Will"), ("Will is being picked on", "Will"),
    ("My daughter played with Grace all day", "Grace"), ("Millie said she hates it", "Millie"),
    ("JACK PRICE hit my son", "JACK PRICE"), ("Jack's dad shouted at the gate", "Jack's"),
    ("Amelia Kahn is a bully", "Amelia Kahn"), ("Has anyone seen Amelia's coat?", "Amelia's"),
    ("Will the school be open?", None), ("grace and mercy", None), ("Grace and mercy be with you", None),
    ("we hope to see you in May", None), ("I will ask the office", None), ("My son Olly loved it", None),
    ("my son was ill", None), ("Jack of all trades, master of none", None), ("the price of the trip", None),
    ("Stokes Wood is great", None), ("Hit the jackpot at the raffle!", None), ("Olive oil for the cake sale", None),
]


def names_quality() -> tuple:
    from schoolgate.judge.names import find_mentions

    tp = fp = fn = 0
    for text, want in NAME_CASES:
        got = [m.quote for m in find_mentions(text, ROSTER, school_name="Stokes Wood Primary School")
               if m.role == "pupil" and not m.own_child]
        if want is None:
            fp += len(got)
        else:
            tp += int(want in got)
            fn += int(want not in got)
            fp += len([g for g in got if g != want])
    return ("naming_child (names set)", sum(1 for _, w in NAME_CASES if w), len(NAME_CASES), *prf(tp, fp, fn))


def peer():
    """alt-profanity-check's predict_prob when installed (a bench-only comparison, never a dependency)."""
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    return lambda texts: np.asarray(predict_prob(list(texts)), dtype=float)


def semantic_peer_f1(predict) -> dict[str, float]:
    """The peer on the same validation sentences: "profane" taken as a prediction of each category."""
    from schoolgate.judge.fastpass import SEMANTIC

    with np.load(ROOT / "schoolgate" / "judge" / "models" / "semantic.npz") as z:
        texts = [str(t) for t in z["val_texts"]]
        labels = z["val_labels"]
    pred = predict(texts) >= 0.5
    out = {}
    for k, sem in enumerate(SEMANTIC):
        y = labels[:, k].astype(bool)
        out[SEM_TO_CAT.get(sem, sem)] = prf(int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum()))[2]
    return out


# The held-out school-scenario set the issue asks for: 1,280 posts by seven blind writers (each with a
# roster of their own), written from 30 November to 1 December and never trained on, read or tuned on; and
# the older held-out sets.
HELD_OUT_MAIN = ("scenarios-heldout-a.tsv", "scenarios-heldout-b.tsv", "scenarios-heldout-c.tsv", "scenarios-heldout-d.tsv",
                 "scenarios-heldout-e.tsv", "scenarios-heldout-f.tsv", "scenarios-heldout-g.tsv")
HELD_OUT_MORE = ("scenarios-fresh-heldout.tsv", "scenarios.tsv", "scenarios-after.tsv")


def scenario_table(predict) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import judge_scenarios as js

    def judged(name: str) -> list:
        return js.judge(rows=js.load(name), rosters=js.roster_prefix(name))

    per_file = {name: judged(name) for name in HELD_OUT_MAIN}
    results = [x for name in HELD_OUT_MAIN for x in per_file[name]]
    s = js.summary(results)
    rows = [r for r, _, _ in results]
    theirs = predict([r["text"] for r in rows]) >= 0.5 if predict else None
    print(f"\n## Held-out scenario set ({s['n']} posts: bench/data/{' + '.join(HELD_OUT_MAIN)}; seven blind writers, "
          "never trained on or tuned on)\n")
    print("| category | positives | precision | recall | F1 | alt-profanity-check F1 (profane = this category) |")
    print("|---|---|---|---|---|---|")
    for cat, (n, p, r, f) in s["per"].items():
        peer_f = "–"
        if theirs is not None:
            y = np.array([cat in row["cats"] for row in rows])
            peer_f = f"{prf(int((theirs & y).sum()), int((theirs & ~y).sum()), int((~theirs & y).sum()))[2]:.2f}"
        print(f"| {cat} | {n} | {p:.2f} | {r:.2f} | {f:.2f} | {peer_f} |")
    bad = np.array([bool(row["cats"]) for row in rows])
    print()
    for code, (caught, held, nb, ng) in s["by_school"].items():
        print(f"- {js.SCHOOLS[code]}: breaches caught {caught:.0%} of {nb}; benign posts held or blocked {held:.0%} of {ng}")
    print(f"- all: breaches caught {s['caught']:.0%}, benign held {s['benign_held']:.0%}; decision exactly as expected "
          f"{s['exact']:.0%}; block-vs-review right for {s['ladder']:.0%} of the breaches caught")
    if theirs is not None:
        print(f"- alt-profanity-check (profane = held): breaches caught {theirs[bad].mean():.0%}, benign held {theirs[~bad].mean():.0%}")
    for name in HELD_OUT_MAIN + HELD_OUT_MORE:
        other = js.summary(per_file[name] if name in per_file else judged(name))
        print(f"- bench/data/{name} ({other['n']} posts): breaches caught {other['caught']:.0%}, "
              f"benign held {other['benign_held']:.0%}, decision exactly as expected {other['exact']:.0%}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="2,000 posts for throughput, no toxicity table")
    ap.add_argument("--cross-source", action="store_true",
                    help="also the 'offensive' head trained on one source and measured on another (a few minutes)")
    args = ap.parse_args()
    predict = peer()

    print("## Judge quality (held-out validation sentences; threshold 0.5)\n")
    print("| category | positives | n | precision | recall | F1 | recall, gate off | F1, gate off | alt-profanity-check F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    peer_f = semantic_peer_f1(predict) if predict else {}
    for cat, pos, n, p, r, f, r_off, f_off in semantic_quality():
        pf = f"{peer_f[cat]:.2f}" if cat in peer_f else "–"
        print(f"| {cat} | {pos} | {n} | {p:.2f} | {r:.2f} | {f:.2f} | {r_off:.2f} | {f_off:.2f} | {pf} |")
    cat, pos, n, p, r, f = names_quality()
    print(f"| {cat} | {pos} | {n} | {p:.2f} | {r:.2f} | {f:.2f} | – | – | – |")

    scenario_table(predict)

    if not args.quick and (ROOT / "bench" / "judge_toxicity.py").exists():
        try:
            import importlib

            sys.path.insert(0, str(ROOT / "bench"))
            tox = importlib.import_module("judge_toxicity")
            rows = tox.evaluate()
            print("\n## Toxicity categories (bench/judge_toxicity.py; OLID and SemEval validation parts, the official test sets are not in ../shared/data)\n")
            print("| metric | set | n | schoolgate | alt-profanity-check | reference |")
            print("|---|---|---|---|---|---|")
            for r in rows:
                def fmt(x):
                    return "–" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))
                print(f"| {r['metric']} | {r['set']} | {r['n']} | {fmt(r['schoolgate'])} | {fmt(r['profanity_check'])} | {r['reference'] or ''} |")
        except Exception as exc:  # the toxicity bench needs ../shared/data
            print(f"\n(toxicity evaluate() unavailable: {exc})")

    sys.path.insert(0, str(ROOT / "bench"))
    if args.cross_source:
        import judge_cross_source

        print("\n## Unseen sources (bench/judge_cross_source.py): the fast 'offensive' head trained on one source, "
              "measured on another's validation split\n")
        print("| trained on | tested on | n | offensive macro-F1 | vs in-distribution |")
        print("|---|---|---|---|---|")
        cross = judge_cross_source.evaluate()
        base = {t: f for name, t, _, f, _ in cross if name == t}
        for name, target, n_rows, f1, _ in cross:
            delta = "in-distribution" if name == target else f"{f1 - base[target]:+.3f}"
            print(f"| {name} | {target} | {n_rows} | {f1:.3f} | {delta} |")

    import judge_speed

    n = 2000 if args.quick else 6500
    texts = judge_speed.real_posts(n + 1000)
    s = judge_speed.cli_throughput(texts[:n])
    fast = judge_speed.cli_throughput(texts[:n], extra_env={"SCHOOLGATE_TOX_FINETUNED": "0"})
    p50, p99, c50, c99 = judge_speed.latency(texts[n:])
    pc = judge_speed.profanity_check_throughput(texts[:n])
    print("\n## Speed on distinct real posts (OLID tweets, then Jigsaw comments cut to 280 characters; embedding cache off)\n")
    print("| measure | schoolgate | alt-profanity-check |")
    print("|---|---|---|")
    print(f"| `schoolgate analyse` CLI, {s['n']} posts, steady rate (start-up apart) | {s['rate']:.0f} msgs/s wall, "
          f"{s['cpu_rate']:.0f} msgs per CPU-second | {f'{pc:.0f} msgs/s' if pc else '–'} |")
    print(f"| same, including start-up ({s['startup']:.1f} s) | {s['rate_incl_startup']:.0f} msgs/s | – |")
    print(f"| same, fine-tuned MiniLM stage off (SCHOOLGATE_TOX_FINETUNED=0) | {fast['rate']:.0f} msgs/s wall, "
          f"{fast['cpu_rate']:.0f} msgs per CPU-second | – |")
    print(f"| single message latency p50 / p99 (1,000 other posts, models loaded), wall | {p50:.1f} ms / {p99:.1f} ms | – |")
    print(f"| same, CPU time of the calling thread (what it costs without contention) | {c50:.1f} ms / {c99:.1f} ms | – |")
    print(f"\nLoad average at the end (1/5/15 min, {os.cpu_count()} cores): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}: "
          "wall-clock rates fall when other work shares the cores; CPU-seconds do not.")


if __name__ == "__main__":
    main()
