import time

from django.core.management.base import BaseCommand, CommandError

from schoolgate.plugins import hooks


class Command(BaseCommand):
    help = ("Run the daily jobs of every app (reminders, retention purges, deadlines, backups). Schedule with the "
            "systemd timer or cron; `--every 24` repeats them itself (what `schoolgate run` does).")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="HOURS", default=None,
                            help="run now, then again every HOURS hours until stopped")

    def handle(self, *args, every, **options):
        if every is not None and every <= 0:
            raise CommandError("--every needs a number of hours above 0.")
        while True:
            failed = self.run_once()
            if every is None:
                if failed:
                    raise CommandError(f"The daily jobs of {', '.join(failed)} failed (see above); the others ran.")
                return
            self.stdout.flush()
            time.sleep(every * 3600)

    def run_once(self) -> list[str]:
        # Each app that has daily work defines `jobs.daily(stdout)` (see schoolgate.plugins). One app's failure
        # is reported and the others still run: a mail relay that is down must not stop the retention purges.
        failed = []
        for daily in hooks("jobs", "daily"):
            try:
                daily(stdout=self.stdout)
            except Exception as exc:  # noqa: BLE001 - reported, the next app's jobs still run
                self.stderr.write(f"daily jobs of {daily.__module__}: {type(exc).__name__}: {exc}")
                failed.append(daily.__module__)
        return failed
