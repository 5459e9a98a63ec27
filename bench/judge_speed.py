"""The judge's speed on distinct real text: through the `schoolgate analyse` CLI and one message at a time.

    .venv/bin/python bench/judge_speed.py              # 6,500 distinct real posts through the CLI, then latency
    .venv/bin/python bench/judge_speed.py --n 2000     # fewer
    .venv/bin/python bench/judge_speed.py --n 2000 --split   # where one worker's CPU goes, in-process

Honest by construction: the posts are real (OLID tweets, then Jigsaw comments cut to their first 280
characters, the length of a parent's post), each text appears once (nothing to cache), the embedding
cache is off (SCHOOLGATE_JUDGE_EMBED_CACHE=0), and the CLI is a fresh process whose start-up (model
loading) is measured apart from its steady rate. Both wall time and the CLI process's own CPU-seconds
are reported: the machine is shared, and CPU-seconds are what the judge costs whatever else runs.
The CLI runs on a fresh data directory so it loads the packaged seed policies as they are now. An input
this long is judged by worker processes, one per core (`schoolgate.judge.stream`); their CPU-seconds are
counted (the CLI waits for them, so getrusage's children include them).
Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))


def real_posts(n: int) -> list[str]:
    """`n` distinct real posts: OLID tweets first, then Jigsaw comments (first 280 characters)."""
    import toxdata

    seen: set[str] = set()
    out: list[str] = []
    sources = [lambda: (r.text for r in toxdata.load_olid()),
               lambda: (r.text[:280] for r in toxdata.load_jigsaw())]
    for source in sources:
        for t in source():
            t = " ".join(t.split())
            if t and t not in seen:
                seen.add(t)
                out.append(t)
                if len(out) >= n:
                    return out
    return out


def cli_throughput(texts: list[str], school: str = "stokes-wood", extra_env: dict | None = None) -> dict:
    """Messages/s of `schoolgate analyse` on `texts`, start-up apart: one line first (loads everything),
    then the whole input; CPU-seconds of the child process from getrusage."""
    exe = ROOT / ".venv" / "bin" / "schoolgate"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "SCHOOLGATE_DATA_DIR": data_dir, "SCHOOLGATE_JUDGE_EMBED_CACHE": "0",
               "SCHOOLGATE_JUDGE_THREADS": os.environ.get("SCHOOLGATE_JUDGE_THREADS", "1"), "DATABASE_URL": "",
               **(extra_env or {})}
        one = json.dumps({"id": 0, "text": "Mr Hughes is a useless teacher"}) + "\n"

        def run(lines: str) -> tuple[subprocess.CompletedProcess, float, float]:
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            done = subprocess.run([str(exe), "analyse", "--school", school], input=lines, capture_output=True,
                                  text=True, env=env, check=True)
            wall = time.perf_counter() - t
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            return done, wall, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)

        run(one)  # creates the fresh database and loads the seeds: not part of either measure
        _, startup, startup_cpu = run(one)  # start-up: Python, Django, the models, one message
        done, wall, cpu = run("".join(json.dumps({"id": i, "text": x}) + "\n" for i, x in enumerate(texts)))
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(out) == len(texts), "one verdict per input line"
    # The steady rate: the run's time less one start-up (the same model loading happens in both runs).
    steady_wall = max(1e-9, wall - startup)
    steady_cpu = max(1e-9, cpu - startup_cpu)
    return {"n": len(texts), "wall": wall, "cpu": cpu, "startup": startup, "rate": len(texts) / steady_wall,
            "cpu_rate": len(texts) / steady_cpu, "rate_incl_startup": len(texts) / wall,
            "held": sum(o["decision"] != "allow" for o in out) / len(out)}


def latency(texts: list[str], school: str = "stokes-wood") -> tuple[float, float, float, float]:
    """p50 / p99 ms of single `analyse()` calls on distinct real texts, embedding cache off, models loaded:
    wall time, then this thread's CPU time (one message runs on the caller's thread, ONNX Runtime with one
    intra-op thread included), which does not grow when other work shares the cores."""
    import schoolgate.judge.embeddings as embeddings
    from schoolgate.judge import analyse
    from schoolgate.judge.stream import load_policy_view

    embeddings.CACHE_SIZE = 0
    policy = load_policy_view(school)
    analyse("warm up the models, Mr Hughes", policy)
    lat, cpu = [], []
    for t in texts:
        s, c = time.perf_counter(), time.thread_time()
        analyse(t, policy)
        cpu.append((time.thread_time() - c) * 1000)
        lat.append((time.perf_counter() - s) * 1000)
    lat.sort()
    cpu.sort()

    def p99(xs):
        return xs[max(0, int(len(xs) * 0.99) - 1)]

    return statistics.median(lat), p99(lat), statistics.median(cpu), p99(cpu)


def cpu_split(texts: list[str], school: str = "stokes-wood", chunk: int | None = None) -> dict[str, float]:
    """Where one worker's CPU goes on `texts`: in this process, one thread, embedding cache off, in the CLI
    workers' chunks. CPU-seconds (this thread) per part: the toxicity first pass (n-grams and spans), each
    fine-tuned MiniLM (the toxicity stage, the school-post model), the sentence encoder with the semantic
    fast pass, and the rest (names, phrase rules, contact details, verdicts)."""
    import schoolgate.judge as judge
    import schoolgate.judge.embeddings as embeddings
    from schoolgate.judge.semantic import SemanticModel
    from schoolgate.judge.stream import WORKER_CHUNK, load_policy_view
    from schoolgate.judge.toxicity_transformer import TransformerStage

    embeddings.CACHE_SIZE = 0
    policy = load_policy_view(school)
    judge.analyse("warm up the models, Mr Hughes", policy)
    tox = judge._toxicity()
    sem = SemanticModel.load()
    spent: dict[str, float] = {}
    inside: list[str] = []  # the part being timed, innermost last

    def timed(real, label_of):
        def run(*a, **k):
            label = label_of(a)
            spent.setdefault(label, 0.0)
            inside.append(label)
            t = time.thread_time()
            try:
                return real(*a, **k)
            finally:
                dt = time.thread_time() - t
                spent[inside.pop()] += dt
                if inside:  # an inner part's time is not its caller's
                    spent[inside[-1]] -= dt
        return run

    tox.score_batch = timed(tox.score_batch, lambda a: "toxicity first pass")
    sem.score_sentences = timed(sem.score_sentences, lambda a: "sentence encoder + fast pass")
    # Every fine-tuned MiniLM runs through TransformerStage.logits; `a[0]` is the model.
    real_logits = TransformerStage.logits
    TransformerStage.logits = timed(real_logits, lambda a: "fine-tuned stage" if type(a[0]) is TransformerStage
                                    else f"{type(a[0]).__name__} (fine-tuned MiniLM)")
    chunk = chunk or WORKER_CHUNK
    parallel_min, judge.PARALLEL_MIN = judge.PARALLEL_MIN, 1 << 62  # one thread, as in a CLI worker
    t = time.thread_time()
    try:
        for k in range(0, len(texts), chunk):
            judge.analyse_batch(texts[k:k + chunk], policy)
    finally:
        judge.PARALLEL_MIN = parallel_min
        TransformerStage.logits = real_logits
        del tox.score_batch, sem.score_sentences  # back to the classes' own methods
    total = time.thread_time() - t
    spent["rest"] = total - sum(spent.values())
    return {"total": total, **spent}


def profanity_check_throughput(texts: list[str]) -> float | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    t = time.perf_counter()
    predict_prob(texts)
    return len(texts) / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=6500)
    ap.add_argument("--latency", type=int, default=1000)
    ap.add_argument("--split", action="store_true", help="only where the CPU goes, in this process (no CLI run)")
    args = ap.parse_args()
    texts = real_posts(args.n)
    if args.split:
        sp = cpu_split(texts)
        total = sp.pop("total")
        print(f"CPU split, {len(texts)} distinct real posts, one thread, cache off: {total:.2f} s "
              f"({len(texts) / total:.0f} msgs per CPU-second)")
        for part, sec in sp.items():
            print(f"  {part:36} {sec:6.2f} s  {sec / total:5.1%}")
        return
    s = cli_throughput(texts)
    from schoolgate.judge.stream import default_workers

    print(f"CLI ({default_workers()} worker processes; SCHOOLGATE_JUDGE_WORKERS), {s['n']} distinct real posts, cache off: "
          f"{s['rate']:.0f} msgs/s steady ({s['cpu_rate']:.0f} per CPU-second; "
          f"{s['rate_incl_startup']:.0f}/s including {s['startup']:.1f} s start-up); held or blocked {s['held']:.1%}")
    p50, p99, c50, c99 = latency(real_posts(args.n + args.latency)[args.n:])
    print(f"single message, distinct real posts, cache off: p50 {p50:.1f} ms, p99 {p99:.1f} ms wall; "
          f"CPU p50 {c50:.1f} ms, p99 {c99:.1f} ms")
    pc = profanity_check_throughput(texts)
    print(f"alt-profanity-check on the same posts: {pc:.0f} msgs/s" if pc else "alt-profanity-check: not installed")
    print(f"load average (1/5/15 min, {os.cpu_count()} cores): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
