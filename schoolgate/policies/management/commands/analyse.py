"""`schoolgate analyse --school SLUG [--roster FILE.csv] < in.jsonl > out.jsonl`

Works straight after `make install`: it creates the database and loads the seed policies itself,
quietly, so stdout carries nothing but one JSON line per input line.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Judge JSON lines ({\"id\", \"text\"}) from stdin against a school's policy; write one verdict per line to stdout."
    # A JSON-lines filter: Django's system checks (URL conf, admin, forms: about 0.3 s of start-up) say
    # nothing about judging text, and `ensure_database()` below looks after migrations itself.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, metavar="SLUG", help="the school's slug, e.g. stokes-wood")
        parser.add_argument("--roster", help="a roster CSV (name,role,group,aliases) to use instead of the school's stored roster")
        parser.add_argument("--batch-size", type=int, default=256, help=argparse_hidden())

    def handle(self, *args, school, roster, batch_size, **options):
        from schoolgate.bootstrap import ensure_database
        from schoolgate.judge.stream import run_jsonl
        from schoolgate.judge.types import Roster
        from schoolgate.schools.models import School

        ensure_database()
        target = School.objects.filter(slug=school).first()
        if target is None:
            known = ", ".join(School.objects.values_list("slug", flat=True))
            raise CommandError(f"No school '{school}'. Known: {known}")
        version = target.current_policy()
        if version is None:
            raise CommandError(f"{target.name} has no published policy.")
        if roster:
            path = Path(roster)
            if not path.is_file():
                raise CommandError(f"No such roster file: {roster}")
            try:
                people = Roster.from_csv_text(path.read_text(encoding="utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise CommandError(f"The roster could not be read: {exc}") from None
        else:
            people = target.roster()
        run_jsonl(sys.stdin, sys.stdout, version.policy_view(), people, batch_size=max(1, batch_size))


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
