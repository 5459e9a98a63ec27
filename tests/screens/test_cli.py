"""`schoolgate read-screenshot FILE --school SLUG [--roster FILE.csv]`: the exact JSON contract."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from schoolgate import cli


class AuthorsJudge:
    """The fake judge, remembering which author each text was judged as."""

    def __init__(self, inner):
        self.inner, self.authors = inner, {}

    def analyse(self, text, policy, roster=None, *, author=None):
        self.authors[text] = author
        return self.inner.analyse(text, policy, roster)


def run(*args) -> dict:
    out = io.StringIO()
    call_command("read_screenshot", *args, stdout=out)
    return out.getvalue()


def test_the_json_contract(rendered, readings, seeded, fake_judge, settings, capsys, tmp_path):
    judge = settings.SCHOOLGATE_JUDGE = AuthorsJudge(fake_judge)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,role,group,aliases\nDave Patel,parent,Year 4,\nMr Clarke,staff,Year 4 teacher,\n", encoding="utf-8")
    readings("dark-chat")  # read once per session; the command reads it again
    cli.main(["read-screenshot", str(rendered["dark-chat"][1]), "--school", "stokes-wood", "--roster", str(roster)])
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"messages"}
    messages = data["messages"]
    assert len(messages) == 4
    for m in messages:
        assert set(m) == {"author", "time", "text", "box", "decision", "explanation", "findings"}
        assert isinstance(m["text"], str) and m["text"]
        assert m["author"] is None or isinstance(m["author"], str)
        assert isinstance(m["box"], list) and len(m["box"]) == 4 and all(isinstance(v, int) for v in m["box"])
        assert m["decision"] in {"allow", "advise", "review", "block"}
    liar = messages[1]
    assert liar["author"] == "Dave Patel" and liar["decision"] == "block"
    (finding,) = liar["findings"]
    assert set(finding) == {"category", "clause", "score", "start", "end", "quote"}
    assert finding["category"] == "allegation" and liar["text"][finding["start"]:finding["end"]].lower() == "liar"
    # Dave Patel is on the roster: the judge was told he wrote it. Sarah Jones is not.
    assert judge.authors[liar["text"]].name == "Dave Patel"
    assert judge.authors[messages[0]["text"]] is None


def test_a_file_that_is_not_an_image_exits_non_zero(tmp_path, seeded, capsys):
    bad = tmp_path / "notes.png"
    bad.write_text("these are my notes, not a picture", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        cli.main(["read-screenshot", str(bad), "--school", "stokes-wood"])
    assert exited.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "not a picture" in captured.err


def test_unknown_school_and_missing_file(tmp_path, seeded):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.png"), "--school", "stokes-wood")
