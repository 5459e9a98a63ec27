from django.core.management.base import BaseCommand

from schoolgate.plugins import hooks


class Command(BaseCommand):
    help = "Run the daily jobs of every app (reminders, retention purges, deadlines). Schedule with cron."

    def handle(self, *args, **options):
        # Each app that has daily work defines `jobs.daily(stdout)` (see schoolgate.plugins).
        for daily in hooks("jobs", "daily"):
            daily(stdout=self.stdout)
