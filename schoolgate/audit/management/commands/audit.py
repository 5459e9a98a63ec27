from django.core.management.base import BaseCommand, CommandError

from schoolgate.audit.models import verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` recomputes the hash chain and reports any edited or deleted entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        result = verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit log intact: {result.checked} entries verified."))
            return
        for problem in result.problems:
            self.stderr.write(problem)
        raise CommandError(f"Audit log has been tampered with: {len(result.problems)} problem(s) in {result.checked} entries.")
