"""The CLI core: JSONL contract, malformed lines, blank lines, bounded batches, packaged policies."""

from __future__ import annotations

import io
import json

import pytest

import schoolgate.judge as judge
from schoolgate.judge import stream
from schoolgate.judge.types import CATEGORIES


def run(lines: str, policy, roster=None, **kw):
    out = io.StringIO()
    errors = stream.run_jsonl(io.StringIO(lines), out, policy, roster, **kw)
    return errors, [json.loads(x) for x in out.getvalue().splitlines()]


def test_contract_shape_and_order(sw, roster):
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(
        ["Mr Hughes is a useless teacher", "See you at the fair!", "Here's a photo of the whole class"]))
    errors, out = run(lines, sw, roster)
    assert errors == 0 and [o["id"] for o in out] == [0, 1, 2]
    for o in out:
        assert set(o) == {"id", "decision", "explanation", "scores", "findings"}
        assert o["decision"] in ("allow", "review", "block")
        assert set(o["scores"]) == set(CATEGORIES)
        assert all(0.0 <= s <= 1.0 for s in o["scores"].values())
        for f in o["findings"]:
            assert set(f) == {"category", "clause", "score", "start", "end", "quote"}
    text = "Here's a photo of the whole class"
    for f in out[2]["findings"]:
        assert text[f["start"]:f["end"]] == f["quote"]


def test_malformed_lines_get_errors_and_the_rest_still_run(hh):
    lines = "\n".join([
        '{"id": 1, "text": "hello"}',
        "not json at all",
        '{"id": 2}',
        '{"id": 3, "text": 42}',
        "[1, 2]",
        '{"id": {"x": 1}, "text": null}',
        '{"id": 4, "text": "The new head has ruined this school."}',
    ]) + "\n"
    errors, out = run(lines, hh)
    assert errors == 5
    assert [o.get("id") for o in out] == [1, None, 2, 3, None, None, 4]
    assert [("error" in o) for o in out] == [False, True, True, True, True, True, False]
    assert out[-1]["decision"] in ("review", "block")


def test_blank_lines_are_skipped(hh):
    errors, out = run('\n   \n{"id": "a", "text": "hi"}\n\n', hh)
    assert errors == 0 and [o["id"] for o in out] == ["a"]


def test_unicode_text_and_empty_text(hh):
    errors, out = run(json.dumps({"id": 1, "text": ""}) + "\n" + json.dumps({"id": 2, "text": "Café 😀 naïve"}) + "\n", hh)
    assert errors == 0 and [o["decision"] for o in out] == ["allow", "allow"]


def test_streams_in_bounded_batches(hh, monkeypatch):
    seen: list[int] = []
    real = judge.analyse_batch

    def spy(texts, policy, roster=None, **kw):
        seen.append(len(texts))
        return real(texts, policy, roster, **kw)

    monkeypatch.setattr(stream, "analyse_batch", spy)

    def lines():  # a generator: the input is never materialised
        for i in range(250):
            yield json.dumps({"id": i, "text": "See you at pick up"}) + "\n"

    out = io.StringIO()
    assert stream.run_jsonl(lines(), out, hh, None, batch_size=64) == 0
    assert max(seen) <= 64 and sum(seen) == 250
    assert len(out.getvalue().splitlines()) == 250


def test_packaged_policies_load_without_a_database():
    assert {"stokes-wood", "high-hesket"} <= set(stream.available_policies())
    p = stream.load_policy_view("high-hesket")
    assert p.school_slug == "high-hesket" and p.names("naming_child")
    with pytest.raises(KeyError):
        stream.load_policy_view("no-such-school")


def test_long_input_is_judged_by_worker_processes_in_order(hh, monkeypatch):
    """Past PARALLEL_LINES records the CLI shares the input out to worker processes (both cores); the
    output is the serial output, line for line, errors and blank lines included."""
    texts = ["The new head has ruined this school.", "See you at pick up", "Mrs Wood is a useless cow",
             "Thank you for a lovely term!", "Call me on 07700 900123"]
    rows = []
    for i in range(23):
        rows.append(json.dumps({"id": i, "text": texts[i % len(texts)] + f" ({i})"}))
        if i % 7 == 3:
            rows.append("not json")
        if i % 9 == 4:
            rows.append("   ")
    lines = "\n".join(rows) + "\n"
    serial_errors, serial = run(lines, hh, workers=1)
    monkeypatch.setattr(stream, "PARALLEL_LINES", 10)
    monkeypatch.setattr(stream, "WORKER_CHUNK", 4)
    calls: list[int] = []
    real = stream._run_parallel

    def spy(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(stream, "_run_parallel", spy)
    errors, out = run(lines, hh, workers=2)
    assert calls == [1]
    assert errors == serial_errors == 3
    assert out == serial
    assert [o["id"] for o in out if "error" not in o] == list(range(23))


def test_short_input_stays_in_process(hh, monkeypatch):
    monkeypatch.setattr(stream, "_run_parallel", lambda *a, **kw: pytest.fail("no worker processes for a short input"))
    errors, out = run("".join(json.dumps({"id": i, "text": "hello"}) + "\n" for i in range(30)), hh, workers=2)
    assert errors == 0 and len(out) == 30
