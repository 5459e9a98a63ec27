"""The `schoolgate` command: Schoolgate's own commands, plus every Django management command."""

from __future__ import annotations

import os
import sys

from schoolgate import datadir

COMMANDS = [
    ("run", "set up the database and demo data, start the background worker and the web server on 127.0.0.1:8000"),
    ("setup", "create or upgrade the database and load both seed policies"),
    ("demo", "add the demo schools' staff, parents, pupils, posts, cases and chats; print the log-ins"),
    ("roster import --school SLUG FILE", "import a roster CSV (name,role,group,aliases)"),
    ("analyse --school SLUG [--roster FILE]", "judge JSON lines from stdin, write verdicts as JSON lines"),
    ("scan-chat FILE --school SLUG", "scan an exported group chat and print a JSON report"),
    ("policy remind", "send acknowledgement reminders for published policies"),
    ("audit verify", "check the audit log's hash chain for edited or deleted entries"),
    ("worker", "run the background task worker (scans, reminders, purges)"),
    ("daily", "the daily jobs: reminders, retention purges, deadlines (for cron)"),
]

ALIASES = {"scan-chat": "scan_chat", "worker": "db_worker"}


def print_help() -> None:
    print("usage: schoolgate COMMAND [options]\n\nSchoolgate puts a school's parental social media policy into practice.\n\ncommands:")
    width = max(len(name) for name, _ in COMMANDS)
    for name, text in COMMANDS:
        print(f"  {name.ljust(width)}  {text}")
    print("\n`schoolgate COMMAND --help` explains one command; `schoolgate help --django` lists Django's own commands too.")


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
    from django.core.management import execute_from_command_line

    execute_from_command_line(["schoolgate", *argv])


if __name__ == "__main__":
    main()
