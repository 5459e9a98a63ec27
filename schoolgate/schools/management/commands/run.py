import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up the database and demo data, start the background worker, then the web server."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="do not add the demo schools' people and data")

    def handle(self, *args, addrport, no_demo, **options):
        if no_demo:
            call_command("setup")
        else:
            call_command("demo")
        # The worker runs scans, reminders and purges so a large chat never blocks the web server.
        worker = subprocess.Popen([sys.executable, "-m", "schoolgate", "worker"])
        self.stdout.write(f"Background worker started (pid {worker.pid}).")
        self.stdout.write(self.style.SUCCESS(f"Open http://{addrport}/ and log in with one of the accounts above."))
        try:
            call_command("runserver", addrport, "--noreload", "--insecure")
        finally:
            worker.terminate()
