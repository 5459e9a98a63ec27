"""The CLI core: JSON lines in, JSON lines out, streaming in bounded batches.

    run_jsonl(sys.stdin, sys.stdout, load_policy_view("stokes-wood"), roster)

Contract (issue 3): each input line is `{"id": ..., "text": "..."}`; each output line, in the same order,
is `{"id", "decision", "explanation", "scores": {every category}, "findings": [...]}`, or
`{"id": <id or null>, "error": "..."}` for a line that cannot be judged. Only `batch_size` lines are
held at once, so a million-line input needs no more memory than one batch.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import IO

from . import analyse_batch
from .types import PolicyView, Roster

SEEDS_PACKAGE = "schoolgate.policies.seeds"


def load_policy_view(slug: str) -> PolicyView:
    """The packaged seed policy for `slug` (no database needed). Raises KeyError for an unknown school."""
    try:
        res = resources.files(SEEDS_PACKAGE) / f"{slug}.toml"
        data = tomllib.loads(res.read_text(encoding="utf-8"))
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        known = ", ".join(sorted(available_policies())) or "none"
        raise KeyError(f"no packaged policy for school {slug!r} (known: {known})") from exc
    return PolicyView.from_dict(data, school_slug=slug)


def available_policies() -> list[str]:
    try:
        return sorted(p.name[:-5] for p in resources.files(SEEDS_PACKAGE).iterdir() if p.name.endswith(".toml"))
    except ModuleNotFoundError:
        return []


def _parse(line: str) -> tuple[object, str | None, str | None]:
    """(id, text, error)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(obj, dict):
        return None, None, "each line must be a JSON object with \"id\" and \"text\""
    ident = obj.get("id")
    if isinstance(ident, (dict, list)):
        ident = None
    if "text" not in obj:
        return ident, None, "missing \"text\""
    if not isinstance(obj["text"], str):
        return ident, None, "\"text\" must be a string"
    return ident, obj["text"], None


# Inputs longer than this many records are judged by worker processes, one per core (`run_jsonl`).
PARALLEL_LINES = 1000
# Records per task sent to a worker: large enough for the models' batching, small enough to share out.
WORKER_CHUNK = 128


def default_workers() -> int:
    """Worker processes for a long input: SCHOOLGATE_JUDGE_WORKERS, else one per core this process may use
    (at most 4). 1 or less judges in this process."""
    env = os.environ.get("SCHOOLGATE_JUDGE_WORKERS")
    if env is not None and env.strip():
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return min(4, cores)


_worker_state: tuple[PolicyView, Roster | None] | None = None


def _worker_init(policy: PolicyView, roster: Roster | None) -> None:
    global _worker_state
    _worker_state = (policy, roster)
    # One thread per worker: the workers already fill the cores, and a second thread each (toxicity beside
    # the rest, `analyse_batch`) would only make them take turns.
    import schoolgate.judge as judge

    judge.PARALLEL_MIN = 1 << 62


def _worker_judge(texts: list[str]) -> list[dict]:
    policy, roster = _worker_state
    return [v.as_dict() for v in analyse_batch(texts, policy, roster)]


def run_jsonl(infile: IO[str], outfile: IO[str], policy: PolicyView, roster: Roster | None = None,
              batch_size: int = 64, workers: int | None = None) -> int:
    """Judge every line of `infile`, writing one line per input to `outfile`. Returns the number of errors.

    Up to PARALLEL_LINES records are read ahead; an input longer than that is judged by `workers` worker
    processes (default `default_workers()`; the judge's Python code holds the GIL, so threads cannot use a
    second core), each loading the models once, and written in input order. Memory stays bounded: at most
    two chunks per worker are in flight."""
    workers = default_workers() if workers is None else workers
    lines = _records(infile)
    head: list[tuple[object, str | None, str | None]] = []
    if workers > 1:
        for rec in lines:
            head.append(rec)
            if len(head) > PARALLEL_LINES:
                break
    if workers > 1 and len(head) > PARALLEL_LINES:
        return _run_parallel(itertools.chain(head, lines), outfile, policy, roster, workers)
    return _run_serial(itertools.chain(head, lines), outfile, policy, roster, batch_size)


def _records(infile: IO[str]) -> Iterator[tuple[object, str | None, str | None]]:
    for line in infile:
        # Blank (whitespace-only) lines carry no record: they are skipped and produce no output line, so
        # "one output line per input" counts records, and a trailing newline at EOF is harmless.
        if line.strip():
            yield _parse(line)


def _write(outfile: IO[str], ident: object, err: str | None, verdict: dict | None) -> None:
    rec = {"id": ident, "error": err} if err is not None else {"id": ident, **verdict}
    outfile.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _run_serial(records, outfile: IO[str], policy: PolicyView, roster: Roster | None, batch_size: int) -> int:
    errors = 0
    pending: list[tuple[object, str | None, str | None]] = []

    def flush() -> None:
        nonlocal errors
        texts = [t for _, t, err in pending if err is None]
        verdicts = iter(analyse_batch(texts, policy, roster)) if texts else iter(())
        for ident, _, err in pending:
            errors += err is not None
            _write(outfile, ident, err, None if err is not None else next(verdicts).as_dict())
        outfile.flush()
        pending.clear()

    for rec in records:
        pending.append(rec)
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return errors


def _run_parallel(records, outfile: IO[str], policy: PolicyView, roster: Roster | None, workers: int) -> int:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    errors = 0
    # "spawn": a fresh interpreter per worker (forking a process that may hold ONNX Runtime sessions and
    # threads is unsafe); each worker imports the judge (no Django) and loads the models once.
    ctx = multiprocessing.get_context("spawn")
    inflight: collections.deque = collections.deque()

    def drain_one() -> None:
        nonlocal errors
        chunk, fut = inflight.popleft()
        verdicts = iter(fut.result())
        for ident, _, err in chunk:
            errors += err is not None
            _write(outfile, ident, err, None if err is not None else next(verdicts))
        outfile.flush()

    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init, initargs=(policy, roster)) as pool:
        chunk: list[tuple[object, str | None, str | None]] = []

        def submit() -> None:
            texts = [t for _, t, err in chunk if err is None]
            inflight.append((list(chunk), pool.submit(_worker_judge, texts)))
            chunk.clear()
            while len(inflight) > 2 * workers:
                drain_one()

        for rec in records:
            chunk.append(rec)
            if len(chunk) >= WORKER_CHUNK:
                submit()
        if chunk:
            submit()
        while inflight:
            drain_one()
    return errors
