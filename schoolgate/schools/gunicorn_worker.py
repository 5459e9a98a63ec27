"""The web server's worker: gunicorn's threaded worker (gthread), stopped safely by Ctrl-C.

Gunicorn's gthread worker shuts its thread pool down inside the SIGINT/SIGQUIT handler. The handler runs on
the worker's main thread, which may at that moment be inside the pool's `submit` (handing a request to a
thread) and so hold the pool's lock: the shutdown then waits for that lock forever and the worker never
exits (cpython#121649; seen once in `tests/test_serve.py`, a server that did not stop). This worker's
handler only does what every gunicorn worker does on quit (stop accepting, `worker_int`, exit); leaving
the handler unwinds `submit` and releases the lock, and the interpreter's exit joins the pool's threads.
"""

from __future__ import annotations

from gunicorn.workers.base import Worker
from gunicorn.workers.gthread import ThreadWorker


class QuitSafeThreadWorker(ThreadWorker):
    def handle_quit(self, sig, frame):
        Worker.handle_quit(self, sig, frame)
