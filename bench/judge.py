"""Benchmark of the whole judge: quality per category, the first-pass gate's recall cost, speed, start-up.

    .venv/bin/python bench/judge.py            # full run (about 2 minutes on the 2-core machine)
    .venv/bin/python bench/judge.py --quick    # 4k messages for throughput, no toxicity table

Quality: per-category precision/recall/F1 on the judge's held-out validation sentences (stored in
`schoolgate/judge/models/semantic.npz` by `training/train_judge.py`; never trained on), judged through
`analyse()` with a neutral policy that names every category and carries no clause examples (the seed
examples overlap the validation sentences and would flatter the numbers). The same sentences are also
judged with the gate off (every sentence embedded) to show what the fast first pass costs in recall.
Names: a generated set of roster mentions and name traps. Toxicity: `bench/judge_toxicity.py`'s
`evaluate()` when present (OLID macro-F1 next to alt-profanity-check, span F1).
Speed: messages/s of `analyse_batch` (batches of 64; the CLI streams 256) on 20k generated school chat
messages, with the embedding cache off (the honest number: real chats repeat little) and on, also per
CPU-second of the process (steady when other work shares the 2 cores); p50/p99 of single `analyse()`
calls, cache off and on; and CLI start-up (`schoolgate analyse` on one line).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
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


def realistic_messages(n: int, seed: int = 3) -> list[str]:
    """School WhatsApp traffic: mostly chatter, about one in five a possible problem."""
    import judge_templates as jt

    rng = random.Random(seed)
    gen = jt.generate(seed=seed, per_category=400)
    bad = [t for t, ls in gen if ls]
    good = [t for t, ls in gen if not ls]
    chatter = ["ok", "thanks!", "lol", "see you there x", "👍", "Yes please", "Anyone know if it's PE tomorrow?",
               "Running late, can someone grab Olly?", "Happy birthday Millie! 🎂", "Is it non-uniform on Friday?",
               "Brilliant, thank you so much", "Has anyone got a spare book bag?", "What time is pick up today?",
               "See you at the gate", "Does anyone have the dinner money form?", "Haha so true 😂",
               "He loved it, thank you Miss Patel!", "Can't make it tonight sorry", "Where's the party again?"]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.45:
            msg = rng.choice(chatter)
        elif r < 0.8:
            msg = rng.choice(good)
        elif r < 0.9:
            msg = rng.choice(good) + " " + rng.choice(chatter)
        else:
            msg = rng.choice(bad)
        out.append(msg)
    return out


def speed(n: int) -> dict:
    from schoolgate.judge import analyse, analyse_batch
    from schoolgate.judge.fastpass import SEMANTIC  # noqa: F401
    from schoolgate.judge.semantic import SemanticModel
    from schoolgate.judge.stream import load_policy_view
    from schoolgate.judge.text import sentences

    policy = load_policy_view("stokes-wood")
    msgs = realistic_messages(n)
    analyse_batch(msgs[:64], policy, ROSTER)  # load models
    flat = [m[s:e] for m in msgs for s, e in sentences(m)]
    cand = SemanticModel.load().candidate_rate(flat)
    import schoolgate.judge.embeddings as embeddings

    rates, cpu_rates, lats = {}, {}, {}
    for cache in (False, True):  # cold: every embedded sentence runs the model; warm: exact repeats cached
        saved = embeddings.CACHE_SIZE
        embeddings.CACHE_SIZE = saved if cache else 0
        embeddings.Embedder.load()._cache.clear()
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, len(msgs), 64):
            analyse_batch(msgs[i : i + 64], policy, ROSTER)
        rates[cache] = len(msgs) / (time.perf_counter() - t)
        # Messages per CPU-second of this process: what the judge costs, whatever else shares the machine.
        cpu_rates[cache] = len(msgs) / max(1e-9, time.process_time() - c)
        lat = []
        for m in msgs[:1500]:
            t = time.perf_counter()
            analyse(m, policy, ROSTER)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        lats[cache] = (statistics.median(lat), lat[int(len(lat) * 0.99) - 1])
        embeddings.CACHE_SIZE = saved
    return {"n": len(msgs), "rate": rates[True], "rate_nocache": rates[False], "cpu_rate": cpu_rates[True],
            "cpu_rate_nocache": cpu_rates[False], "p50": lats[False][0], "p99": lats[False][1],
            "p50_cache": lats[True][0], "p99_cache": lats[True][1], "candidates": cand}


def startup() -> tuple[str, float]:
    exe = ROOT / ".venv" / "bin" / "schoolgate"
    line = json.dumps({"id": 1, "text": "Mr Hughes is a useless teacher"}) + "\n"
    if exe.exists():
        t = time.perf_counter()
        r = subprocess.run([str(exe), "analyse", "--school", "stokes-wood"], input=line, capture_output=True,
                           text=True, timeout=300)
        dt = time.perf_counter() - t
        if r.returncode == 0 and r.stdout.strip().startswith("{"):
            return "schoolgate analyse, 1 line (incl. model load)", dt
    code = ("import sys, json; from schoolgate.judge import analyse; from schoolgate.judge.stream import load_policy_view;"
            "analyse('Mr Hughes is a useless teacher', load_policy_view('stokes-wood'))")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return "python: import judge + load models + 1 message", time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()

    print("## Judge quality (held-out validation sentences; threshold 0.5)\n")
    print("| category | positives | n | precision | recall | F1 | recall, gate off | F1, gate off |")
    print("|---|---|---|---|---|---|---|---|")
    for cat, pos, n, p, r, f, r_off, f_off in semantic_quality():
        print(f"| {cat} | {pos} | {n} | {p:.2f} | {r:.2f} | {f:.2f} | {r_off:.2f} | {f_off:.2f} |")
    cat, pos, n, p, r, f = names_quality()
    print(f"| {cat} | {pos} | {n} | {p:.2f} | {r:.2f} | {f:.2f} | – | – |")

    if not args.quick and (ROOT / "bench" / "judge_toxicity.py").exists():
        try:
            import importlib

            sys.path.insert(0, str(ROOT / "bench"))
            tox = importlib.import_module("judge_toxicity")
            rows = tox.evaluate()
            print("\n## Toxicity categories (bench/judge_toxicity.py)\n")
            print("| metric | set | n | schoolgate | alt-profanity-check | reference |")
            print("|---|---|---|---|---|---|")
            for r in rows:
                def fmt(x):
                    return "–" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))
                print(f"| {r['metric']} | {r['set']} | {r['n']} | {fmt(r['schoolgate'])} | {fmt(r['profanity_check'])} | {r['reference'] or ''} |")
        except Exception as exc:  # the toxicity bench needs ../shared/data
            print(f"\n(toxicity evaluate() unavailable: {exc})")

    s = speed(4000 if args.quick else 20000)
    label, up = startup()
    print("\n## Speed (this machine, one process, SCHOOLGATE_JUDGE_THREADS=1)\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| whole judge, batched (64), {s['n']} generated school messages, embedding cache off (every candidate sentence runs MiniLM) | {s['rate_nocache']:.0f} msgs/s ({s['cpu_rate_nocache']:.0f} per CPU-second) |")
    print(f"| same, embedding cache on (exact repeats skip MiniLM; flatters this repetitive mix) | {s['rate']:.0f} msgs/s ({s['cpu_rate']:.0f} per CPU-second) |")
    print(f"| sentences sent to the embedding stage by the gate (before person mentions) | {s['candidates'] * 100:.0f}% |")
    print(f"| single message latency p50 / p99, cache off | {s['p50']:.1f} ms / {s['p99']:.1f} ms |")
    print(f"| same, cache on | {s['p50_cache']:.1f} ms / {s['p99_cache']:.1f} ms |")
    print(f"| start-up: {label} | {up:.2f} s |")
    print(f"\nLoad average at the end (1/5/15 min, {os.cpu_count()} cores): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
