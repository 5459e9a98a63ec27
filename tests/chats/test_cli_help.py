"""`schoolgate --help`: every project management command and each of its actions, from the commands' own
definitions, listed without setting Django up or writing anything."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands, load_command_class

from schoolgate.cli import ALIASES

ROOT = Path(__file__).resolve().parents[2]


def _help(tmp_path) -> str:
    code = "import sys; from schoolgate.cli import main; main(['--help']); print(sorted(m for m in sys.modules if m.startswith('django')))"
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=True)
    out, imported = proc.stdout.rstrip("\n").rsplit("\n", 1)
    assert imported == "[]"  # fast: no Django, so no settings and no database
    assert not (tmp_path / "data").exists()  # and nothing written
    return out


def test_help_lists_every_project_command_with_its_help_and_actions(tmp_path):
    out = _help(tmp_path)
    lines = [line.strip() for line in out.splitlines()]
    flat = " ".join(out.split())
    typed = {command: alias for alias, command in ALIASES.items()}
    project = {name: app for name, app in get_commands().items() if app.startswith("schoolgate.")}
    assert {"scan_chat", "policy", "roster", "audit", "setup", "run", "daily", "demo", "analyse"} <= set(project)
    for name, app in project.items():
        command = load_command_class(app, name)
        shown = typed.get(name, name)
        assert any(line.split()[0] == shown for line in lines if line), shown
        assert " ".join(command.help.split()) in flat, name
        parser = command.create_parser("schoolgate", name)
        actions = [a for a in parser._actions if not a.option_strings and a.choices]
        for action in actions[:1]:
            for choice in action.choices:
                assert any(line.startswith(f"{shown} {choice}") for line in lines), (shown, choice)
    for usage in ("policy load-seeds", "policy remind", "roster import", "audit verify", "scan-chat FILE --school SLUG", "worker"):
        assert any(line.startswith(usage) for line in lines), usage


def test_aliases_run_the_commands_they_name():
    commands = get_commands()
    assert all(command in commands for command in ALIASES.values())
