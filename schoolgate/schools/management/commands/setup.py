from django.core.management.base import BaseCommand

from schoolgate.bootstrap import ensure_database


class Command(BaseCommand):
    help = "Create or upgrade the database and load both seed schools' policies."

    def handle(self, *args, **options):
        ensure_database(verbosity=options["verbosity"] > 1)
        self.stdout.write(self.style.SUCCESS("Database ready; seed policies loaded."))
