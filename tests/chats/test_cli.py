"""`schoolgate scan-chat`: the JSON contract, PDF output, errors, and a fresh install bootstrapping itself."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out = io.StringIO()
    call_command("scan_chat", *args, stdout=out)
    return out.getvalue()


def test_json_contract(stokes, fake_judge, chat_file):
    report = json.loads(run(str(chat_file), "--school", "stokes-wood"))
    assert set(report) == {"chat", "findings"}
    chat = report["chat"]
    assert {"platform", "messages", "participants", "start", "end"} <= set(chat)
    assert (chat["platform"], chat["messages"], chat["participants"]) == ("whatsapp", 12, 4)
    assert chat["start"] == "2024-03-12T18:45:00" and chat["end"] == "2024-03-16T10:05:00"
    first = report["findings"][0]
    assert set(first) == {"message_index", "author", "timestamp", "text", "category", "clause", "start", "end"}
    assert first == {
        "message_index": 5, "author": "Dave Smith", "timestamp": "2024-03-13T08:06:00",
        "text": "Mr Hughes is an idiot, honestly", "category": "abuse", "clause": "sw-consider-2",
        "start": 16, "end": 21,
    }
    assert [f["category"] for f in report["findings"]] == ["abuse", "confidential", "complaint"]


def test_roster_csv_and_date_order(stokes, fake_judge, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,role,group,aliases\nOliver Bennett,pupil,Year 4,Olly\n")
    chat = tmp_path / "chat.txt"
    chat.write_text("03/04/2024, 09:00 - Ann: The school is a disgrace\n03/05/2024, 09:00 - Ann: ok\n")
    report = json.loads(run(str(chat), "--school", "stokes-wood", "--roster", str(roster), "--month-first"))
    assert report["chat"]["start"] == "2024-03-04T09:00:00"
    report = json.loads(run(str(chat), "--school", "stokes-wood", "--day-first"))
    assert report["chat"]["start"] == "2024-04-03T09:00:00"


def test_pdf_format(stokes, fake_judge, chat_file, capsysbinary, output_dir):
    call_command("scan_chat", str(chat_file), "--school", "stokes-wood", "--format", "pdf")
    data = capsysbinary.readouterr().out
    (output_dir / "chat-scan-cli-report.pdf").write_bytes(data)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert stokes.name in text
    assert "sw-consider-2" in text and "sw-conduct-confidential" in text  # the clauses each breach cites
    assert "Mr Hughes is an idiot, honestly" in text and "07700 900123" in text  # the flagged messages
    assert "Friday I think" in text  # context: the message before a flagged one
    assert "make abusive comments about those people" in text  # the clause's own words
    assert "trip money" not in text  # neither flagged nor next to a flagged message


@pytest.mark.parametrize("args, says", [
    (["--school", "nowhere"], "No school 'nowhere'"),
    (["--school", "stokes-wood", "--day-first", "--month-first"], None),
])
def test_errors(stokes, fake_judge, chat_file, args, says):
    with pytest.raises((CommandError, SystemExit)) as exc:
        run(str(chat_file), *args)
    if says:
        assert says in str(exc.value)


def test_not_a_chat_is_a_clear_error(stokes, tmp_path):
    bad = tmp_path / "list.txt"
    bad.write_text("milk\neggs\n")
    with pytest.raises(CommandError, match="does not look like a chat export"):
        run(str(bad), "--school", "stokes-wood")


def test_progress_bar_only_on_a_terminal():
    from schoolgate.chats.scanning import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    quiet, loud = io.StringIO(), Tty()
    for stream in (quiet, loud):
        p = Progress(10, stream=stream)
        p.update(5, force=True)
        p.finish()
    assert quiet.getvalue() == "" and "100%" in loud.getvalue() and "10/10" in loud.getvalue()


def test_fresh_install_subprocess_prints_only_json(tmp_path, chat_file):
    """`python -m schoolgate scan-chat` on an empty data directory, with the real judge: it creates the
    database and prints JSON."""
    roster = tmp_path / "roster.csv"
    roster.write_text("name,role,group,aliases\nOliver Bennett,pupil,Year 4,Olly\nTom Hughes,staff,Year 4 Teacher,Mr Hughes\n")
    data_dir = tmp_path / "data"
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "schoolgate.settings"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "schoolgate", "scan-chat", str(chat_file), "--school", "stokes-wood", "--roster", str(roster)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)  # nothing but the JSON document on stdout
    assert report["chat"]["messages"] == 12 and report["chat"]["platform"] == "whatsapp"
    assert (data_dir / "schoolgate.sqlite3").exists()
    assert all(f["clause"] for f in report["findings"])
    assert any(f["message_index"] == 5 for f in report["findings"])  # "Mr Hughes is an idiot"
