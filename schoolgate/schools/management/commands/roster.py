from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolgate.bootstrap import ensure_database
from schoolgate.schools.models import School
from schoolgate.schools.roster import RosterError, import_roster


class Command(BaseCommand):
    help = "Roster tools. `roster import --school SLUG FILE` imports a CSV with header name,role,group,aliases."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file")
        parser.add_argument("--school", required=True, metavar="SLUG", help="the school's slug, e.g. stokes-wood")

    def handle(self, *args, action, file, school, **options):
        ensure_database()
        try:
            target = School.objects.get(slug=school)
        except School.DoesNotExist:
            raise CommandError(f"No school '{school}'. Known: {', '.join(School.objects.values_list('slug', flat=True))}") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = import_roster(target, path.read_bytes(), source=path.name)
        except RosterError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Nothing imported: {len(exc.errors)} problem(s) in {path.name}.") from None
        self.stdout.write(self.style.SUCCESS(f"{target.name}: {result.summary()}."))
