"""The CLI core: JSON lines in, JSON lines out, streaming in bounded batches.

    run_jsonl(sys.stdin, sys.stdout, load_policy_view("stokes-wood"), roster)

Contract (issue 3): each input line is `{"id": ..., "text": "..."}`; each output line, in the same order,
is `{"id", "decision", "explanation", "scores": {every category}, "findings": [...]}`, or
`{"id": <id or null>, "error": "..."}` for a line that cannot be judged. Only `batch_size` lines are
held at once, so a million-line input needs no more memory than one batch.
"""

from __future__ import annotations

import json
import tomllib
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


def run_jsonl(infile: IO[str], outfile: IO[str], policy: PolicyView, roster: Roster | None = None,
              batch_size: int = 64) -> int:
    """Judge every line of `infile`, writing one line per input to `outfile`. Returns the number of errors."""
    errors = 0
    pending: list[tuple[object, str | None, str | None]] = []

    def flush() -> None:
        nonlocal errors
        texts = [t for _, t, err in pending if err is None]
        verdicts = iter(analyse_batch(texts, policy, roster)) if texts else iter(())
        for ident, _, err in pending:
            if err is not None:
                errors += 1
                rec = {"id": ident, "error": err}
            else:
                rec = {"id": ident, **next(verdicts).as_dict()}
            outfile.write(json.dumps(rec, ensure_ascii=False) + "\n")
        outfile.flush()
        pending.clear()

    for line in infile:
        # Blank (whitespace-only) lines carry no record: they are skipped and produce no output line, so
        # "one output line per input" counts records, and a trailing newline at EOF is harmless.
        if not line.strip():
            continue
        pending.append(_parse(line))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return errors
