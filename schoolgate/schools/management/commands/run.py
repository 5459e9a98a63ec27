import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

DAILY_HOURS = 24


class Command(BaseCommand):
    help = ("Set up the database and demo data, start the background worker and the daily jobs (now, then every 24 "
            "hours), then serve with the production web server (`schoolgate serve`). Ctrl-C stops them all.")

    def add_arguments(self, parser):
        parser.add_argument("--bind", "--addrport", dest="bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=None, help="web worker processes (default: one per CPU core, 2 to 8)")
        parser.add_argument("--no-demo", action="store_true", help="do not add the demo schools' people and data")

    def handle(self, *args, bind, workers, no_demo, **options):
        if no_demo:
            call_command("setup")
        else:
            call_command("demo")
        # SIGTERM (a supervisor, `kill`) stops the web server and the worker as Ctrl-C does, not this process alone.
        signal.signal(signal.SIGTERM, _exit)
        # The worker runs scans, reminders and purges so a large chat never blocks the web server. In a session
        # of its own, so the terminal's Ctrl-C does not reach it: it gets one SIGTERM from here, which lets it
        # finish the task in hand (a second signal would cut the task short).
        worker = subprocess.Popen([sys.executable, "-m", "schoolgate", "worker"], start_new_session=True)
        self.stdout.write(f"Background worker started (pid {worker.pid}).")
        # The daily jobs (reminders, deadlines, consent expiry, retention purges, backups, the audit anchor) run
        # now and then every 24 hours, as the systemd timer runs them in a deployment; own session, as the worker.
        daily = subprocess.Popen([sys.executable, "-m", "schoolgate", "daily", "--every", str(DAILY_HOURS)], start_new_session=True)
        self.stdout.write(f"Daily jobs started (pid {daily.pid}): now, then every {DAILY_HOURS} hours.")
        self.stdout.write(self.style.SUCCESS(f"Open http://{bind}/ and log in with one of the accounts above."))
        self.stdout.flush()
        # What is demoed is what is deployed: `schoolgate serve`, in a fresh process. Not forked from this one,
        # which has built the demo data with the judge, whose model runtime keeps threads that a fork would
        # leave behind (the workers then hang on exit).
        command = [sys.executable, "-m", "schoolgate", "serve", "--bind", bind, *(["--workers", str(workers)] if workers else [])]
        server = subprocess.Popen(command)
        try:
            server.wait()
        except KeyboardInterrupt:  # the terminal's Ctrl-C, which has reached the server too
            pass
        finally:
            _stop(server, grace=2, timeout=40)
            _stop(daily, grace=0, timeout=60)
            _stop(worker, grace=0, timeout=60)


def _exit(signum, frame):
    raise SystemExit(0)


def _stop(process: subprocess.Popen, *, grace: int, timeout: int) -> None:
    """Let a child stop by itself for `grace` seconds (a Ctrl-C it received), else send it SIGTERM; kill it if
    it has not stopped `timeout` seconds later."""
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
