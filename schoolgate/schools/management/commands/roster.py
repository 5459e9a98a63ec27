from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolgate.bootstrap import ensure_database
from schoolgate.schools import background
from schoolgate.schools.models import School
from schoolgate.schools.roster import INLINE_ROWS, RosterError, check_roster, import_roster


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
        data = path.read_bytes()
        try:
            rows = check_roster(target, data)
            if len(rows) <= INLINE_ROWS:
                result = import_roster(target, data, source=path.name)
                self.stdout.write(self.style.SUCCESS(f"{target.name}: {result.summary()}."))
                return
        except RosterError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Nothing imported: {len(exc.errors)} problem(s) in {path.name}.") from None
        # A large file: the same checkpointed chunks as the worker's import, here and now, so the web server is
        # never held by one long write; if this is stopped, the same command again finishes it (people are matched
        # by name, so nobody is added twice).
        job = background.create(target, kind="roster_import", title=f"Roster import from {path.name[:100]} ({len(rows):,} rows)",
                                params={"source": path.name[:100]}, input_data=data)
        background.run(job.pk)
        job.refresh_from_db()
        if job.status != background.BackgroundJob.Status.DONE:
            raise CommandError(job.error)
        self.stdout.write(self.style.SUCCESS(f"{target.name}: {job.summary}"))
