from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schoolgate.audit.models import verify


class Command(BaseCommand):
    help = ("Audit log tools. `audit verify` recomputes the keyed hash chain and reports any edited or deleted entry; "
            "with --anchor FILE (the file `schoolgate daily` appends to) it also catches a log deleted or recomputed from scratch.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--anchor", metavar="FILE",
                            help="an anchor file written by `schoolgate daily` (AUDIT_ANCHOR_FILE), or a copy of it from a backup")

    def handle(self, *args, action, anchor=None, **options):
        result = verify(anchor=anchor)
        if result.ok:
            against = f", matching the anchor {anchor}" if anchor else ""
            self.stdout.write(self.style.SUCCESS(f"Audit log intact: {result.checked} entries verified{against}."))
            if not anchor:
                self.stdout.write(f"To check it against the copy kept outside the database: --anchor {settings.AUDIT_ANCHOR_FILE}")
            return
        for problem in result.problems:
            self.stderr.write(problem)
        raise CommandError(f"Audit log has been tampered with: {len(result.problems)} problem(s) in {result.checked} entries.")
