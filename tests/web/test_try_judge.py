"""The staff 'try the judge' page and the `schoolgate analyse` command's contract."""

import json
import os
import subprocess
import sys

import pytest

from schoolgate.judge.types import CATEGORIES


def test_staff_see_findings_clause_and_spans(stokes, login):
    response = login("office@stokes-wood.demo").post("/stokes-wood/judge/", {"text": "Mr Hughes is a useless teacher and everyone knows it"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark" in page and ">useless</mark>" in page
    assert "sw-" in page  # a Stokes Wood clause id is cited


def test_htmx_request_gets_the_fragment(stokes, login):
    response = login("head@stokes-wood.demo").post("/stokes-wood/judge/", {"text": "Lovely assembly today"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and 'id="verdict"' in response.content.decode()


def test_parents_cannot_use_it_and_empty_text_is_refused(stokes, login):
    assert login("parent@stokes-wood.demo").get("/stokes-wood/judge/").status_code == 403
    response = login("head@stokes-wood.demo").post("/stokes-wood/judge/", {"text": ""})
    assert response.status_code == 400 and "required" in response.content.decode()


def test_xss_in_judged_text_renders_as_text(stokes, login):
    page = login("head@stokes-wood.demo").post("/stokes-wood/judge/", {"text": "<script>alert(1)</script> you idiot"}).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.fixture(scope="module")
def fresh_cli(tmp_path_factory):
    """Run `schoolgate analyse` as a new user would: a data directory with nothing in it yet."""
    data_dir = tmp_path_factory.mktemp("fresh-data")

    def run(args, stdin: str):
        env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(data_dir)}
        env.pop("DATABASE_URL", None)
        return subprocess.run([sys.executable, "-m", "schoolgate", "analyse", *args], input=stdin, env=env, capture_output=True, text=True, timeout=300)

    return run


def test_cli_contract_on_a_fresh_install(fresh_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,role,group,aliases\nOliver Bennett,pupil,Year 4,Olly\nTom Hughes,staff,Year 4 Teacher,Mr Hughes\n")
    lines = [
        json.dumps({"id": "a", "text": "Mr Hughes is a useless teacher and everyone knows it"}),
        "this is not json",
        json.dumps({"id": "c", "text": 42}),
        json.dumps({"id": "d", "text": "Olly Benett was crying at pick-up again"}),
        json.dumps({"id": "e", "text": "Will the school be open on Friday?"}),
    ]
    result = fresh_cli(["--school", "high-hesket", "--roster", str(roster)], "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d", "e"]
    assert "error" in out[1] and "error" in out[2]
    first = out[0]
    assert set(first) >= {"id", "decision", "explanation", "scores", "findings"}
    assert set(first["scores"]) == set(CATEGORIES)
    assert first["decision"] in {"review", "block"}
    text = json.loads(lines[0])["text"]
    for finding in first["findings"]:
        assert set(finding) == {"category", "clause", "score", "start", "end", "quote"}
        assert text[finding["start"] : finding["end"]] == finding["quote"]
    naming = [f for f in out[3]["findings"] if f["category"] == "naming_child"]
    assert naming and naming[0]["clause"] == "hh-naming-children" and naming[0]["quote"].startswith("Olly")
    assert not [f for f in out[4]["findings"] if f["category"] == "naming_child"]


def test_cli_unknown_school_is_a_clear_error(fresh_cli):
    result = fresh_cli(["--school", "nowhere"], "")
    assert result.returncode != 0 and "No school 'nowhere'" in result.stderr and result.stdout == ""
