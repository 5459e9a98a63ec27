"""`schoolgate read-screenshot FILE --school SLUG [--roster FILE.csv]`

Reads a phone screenshot of a chat or a post, judges each message against the school's published policy
and prints {"messages": [{"author", "time", "text", "box", "decision", "explanation", "findings"}]}.
Works straight after `make install`: it creates the database and loads the seed policies itself.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Read a screenshot of a chat or post, and judge each message in it against a school's policy (JSON to stdout)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the screenshot (PNG, JPEG, WebP, GIF, BMP or TIFF)")
        parser.add_argument("--school", required=True, metavar="SLUG", help="the school's slug, e.g. stokes-wood")
        parser.add_argument("--roster", help="a roster CSV (name,role,group,aliases) to use instead of the school's stored roster")

    def handle(self, *args, file, school, roster, **options):
        from schoolgate.screens import NotAScreenshot, read_screenshot

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        people = None
        if roster:
            people = _read_roster(roster)
        # Read the picture first: a file that is not one is refused before the database is touched.
        try:
            reading = read_screenshot(path.read_bytes())
        except NotAScreenshot as exc:
            raise CommandError(f"{file}: {exc}") from None

        from schoolgate.bootstrap import ensure_database
        from schoolgate.policies.screenshot_judging import cli_message, judge_reading
        from schoolgate.schools.models import School

        ensure_database()
        target = School.objects.filter(slug=school).first()
        if target is None:
            known = ", ".join(School.objects.values_list("slug", flat=True))
            raise CommandError(f"No school '{school}'. Known: {known}")
        if target.current_policy() is None:
            raise CommandError(f"{target.name} has no published policy.")
        judged = judge_reading(target, reading, roster=people)
        sys.stdout.write(json.dumps({"messages": [cli_message(j) for j in judged]}, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _read_roster(roster: str):
    from schoolgate.judge.types import Roster

    path = Path(roster)
    if not path.is_file():
        raise CommandError(f"No such roster file: {roster}")
    try:
        return Roster.from_csv_text(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CommandError(f"The roster could not be read: {exc}") from None
