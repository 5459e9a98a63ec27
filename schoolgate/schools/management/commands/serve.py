"""`schoolgate serve`: the production web server, the same one the demo (`schoolgate run`) uses.

Gunicorn, running `schoolgate.wsgi:application`, with threaded workers (gthread):

- one worker process per CPU core (at least 2, at most 8): the judge is CPU work in Python and ONNX
  Runtime, so more processes than cores add no throughput, only memory (each process loads the judge's
  models, about 200 MB). Gunicorn's "2 x cores + 1" is its rule for single-request (sync) workers;
- 4 threads in each, so requests that wait (the database, SQLite's busy timeout, the mail relay, a slow
  client) do not hold a whole process. Django is thread-safe; each thread has its own database connection;
- `--timeout` is a gthread worker's heartbeat: a worker that stops answering the master is killed and
  replaced. Unlike a sync worker's timeout, it does not kill a request that is slow but working (the
  evidence pack of a large case renders for a minute today).

The access log goes to stdout (journald under systemd), without query strings; errors to stderr. Static
files are served by WhiteNoise from inside the application. Behind a reverse proxy on the same machine,
gunicorn trusts its X-Forwarded-Proto from 127.0.0.1 (`FORWARDED_ALLOW_IPS` to change), so Django sees
HTTPS requests as secure. Ctrl-C (SIGINT) stops at once; SIGTERM finishes the requests in progress first.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

THREADS = 4
ACCESS_LOG_FORMAT = '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or systemd's CPU affinity), else all of them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cpus: int | None = None) -> int:
    return max(2, min(cpus or cpu_count(), 8))


def gunicorn_options(*, bind: str, workers: int, threads: int = THREADS, timeout: int = 120) -> dict:
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "schoolgate.schools.gunicorn_worker.QuitSafeThreadWorker",  # gthread, quit safely
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # A worker is replaced after this many requests (with jitter, so not all at once): memory a long-lived
        # process gathers is given back.
        "max_requests": 10_000,
        "max_requests_jitter": 1_000,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "proc_name": "schoolgate",
        # Gunicorn's control socket (one per account, in ~/.gunicorn) is not used; two servers on one
        # account (the demo beside a test run) would fight over it.
        "control_socket_disable": True,
    }


def load_application():
    """The WSGI application, in each worker process as it starts, with the judge's models loaded before the
    worker takes its first request: otherwise the first comments each worker is sent wait seconds for them."""
    from schoolgate.plugins import hooks
    from schoolgate.wsgi import application

    for warm_up in hooks("judging", "warm_up"):  # schoolgate.policies.judging.warm_up: a later app, found, not imported
        warm_up()
    return application


class Command(BaseCommand):
    help = ("Serve Schoolgate with a production web server (gunicorn): one worker process per CPU core with 4 threads each, "
            "an access log on stdout. Run `schoolgate setup` first, and again after each upgrade.")

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per CPU core, 2 to 8)")
        parser.add_argument("--threads", type=int, default=THREADS, help=f"threads per worker process (default {THREADS})")
        parser.add_argument("--timeout", type=int, default=120, help="seconds before a worker that stopped answering is replaced")

    def handle(self, *args, bind, workers, threads, timeout, **options):
        from gunicorn.app.base import BaseApplication

        from schoolgate.bootstrap import needs_migration

        if needs_migration():
            raise CommandError("The database is not set up or not upgraded: run `schoolgate setup` first.")
        connections.close_all()  # the worker processes are forked from this one: no connection may cross over
        workers = workers or default_workers()
        config = gunicorn_options(bind=bind, workers=workers, threads=threads, timeout=timeout)

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self):
                return load_application()

        self.stdout.write(f"Serving on http://{bind}/ with {workers} worker processes of {threads} threads (Ctrl-C stops).")
        self.stdout.flush()
        Server().run()
