"""The `schoolgate` command: Schoolgate's own commands, plus every Django management command.

`schoolgate --help` lists the project's management commands from their own definitions, so a new command
(or a new action of one) appears without being described twice: each `Command`'s `help`, and its usage from
`add_arguments` (the choices of a first positional argument are its actions: `policy remind`, `policy
load-seeds`; other positionals and required options follow). The command modules are read as source
(`ast`), not imported: importing one needs Django set up (about a second, and the settings), and the list
should come at once and touch nothing.
"""

from __future__ import annotations

import ast
import os
import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from schoolgate import datadir

PACKAGE_DIR = Path(__file__).resolve().parent

ALIASES = {"scan-chat": "scan_chat", "read-screenshot": "read_screenshot", "worker": "db_worker"}

# Another package's command that people run as part of Schoolgate, by its alias. Its own help speaks of
# that package ("Run a database background worker"), not of what it does here.
OTHER_COMMANDS = {"worker": "Run the background task worker: chat scans, reminders and retention purges."}


@dataclass(frozen=True)
class CommandHelp:
    name: str  # as people type it: the alias where there is one
    usages: tuple[str, ...]  # one per action
    text: str


def project_commands() -> list[CommandHelp]:
    """Every management command in the project's apps, and the other packages' commands it aliases."""
    typed = {command: alias for alias, command in ALIASES.items()}
    found = []
    for path in PACKAGE_DIR.glob("*/management/commands/*.py"):
        if not path.name.startswith("_"):
            found.append(read_command(typed.get(path.stem, path.stem), path))
    found += [CommandHelp(alias, (alias,), text) for alias, text in OTHER_COMMANDS.items()]
    return sorted(found, key=lambda c: c.name)


def read_command(name: str, path: Path) -> CommandHelp:
    """A command's help and usage, read from the `Command` class in its module's source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    command = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Command"), None)
    if command is None:
        return CommandHelp(name, (name,), "")
    text, actions, arguments = "", [], []
    for node in command.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "help" for t in node.targets):
            text = _constant(node.value) or ""
        elif isinstance(node, ast.FunctionDef) and node.name == "add_arguments":
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "add_argument"]
            for call in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
                flags = [_constant(a) for a in call.args]
                options = {k.arg: k.value for k in call.keywords if k.arg}
                if not flags or not isinstance(flags[0], str):
                    continue
                choices = _constant(options["choices"]) if "choices" in options else None
                if not flags[0].startswith("-") and not arguments and not actions and isinstance(choices, (list, tuple)):
                    actions = [str(c) for c in choices]
                    continue
                token = _usage_token(flags, options)
                if token:
                    arguments.append(token)
    usages = tuple(" ".join([name, action, *arguments]) for action in actions) or (" ".join([name, *arguments]),)
    return CommandHelp(name, usages, " ".join(text.split()))


def _constant(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):  # not a literal (a call, a name): nothing to read statically
        return None


def _usage_token(flags: list, options: dict) -> str:
    metavar = _constant(options["metavar"]) if "metavar" in options else None
    if not flags[0].startswith("-"):
        token = metavar or flags[0].upper()
        return f"[{token}]" if _constant(options.get("nargs", ast.Constant(None))) in ("?", "*") else token
    if _constant(options.get("required", ast.Constant(False))) is not True:
        return ""  # optional options: `schoolgate COMMAND --help` lists them
    flag = max((f for f in flags if isinstance(f, str)), key=len)
    return f"{flag} {metavar or flag.lstrip('-').replace('-', '_').upper()}"


def print_help() -> None:
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    print("usage: schoolgate COMMAND [options]\n\nSchoolgate puts a school's parental social media policy into practice.\n\ncommands:")
    for command in project_commands():
        for usage in command.usages:
            print(f"  {usage}")
        if command.text:
            print(textwrap.fill(command.text, width=width, initial_indent=" " * 6, subsequent_indent=" " * 6))
    print("\nStart with `schoolgate run`. `schoolgate COMMAND --help` explains one command; "
          "`schoolgate help --django` lists Django's own commands too.")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    if not argv or argv[0] in {"-h", "--help"} or argv == ["help"]:
        print_help()
        return
    if argv[:2] == ["help", "--django"]:
        argv = ["help"]
    argv[0] = ALIASES.get(argv[0], argv[0])
    datadir.prepare()  # the data folder and secret key, before the settings are read (settings write nothing)
    from django.core.management import execute_from_command_line  # Django only once a command runs (see above)

    execute_from_command_line(["schoolgate", *argv])


if __name__ == "__main__":
    main()
