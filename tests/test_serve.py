"""Issue 14, part 1: `schoolgate serve`, the production web server (gunicorn), started as a school would.

A fresh data directory, `schoolgate setup`, then `schoolgate serve` on a free port in a subprocess: the
log-in page and a static file answer 200, the access log is on stdout, and Ctrl-C (SIGINT) stops the
server and its worker processes cleanly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from schoolgate.schools.management.commands.serve import default_workers, gunicorn_options


def _env(tmp_path) -> dict:
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "schoolgate.settings"}
    for name in ("SECRET_KEY", "AUDIT_KEY", "DEBUG", "ALLOWED_HOSTS"):
        env.pop(name, None)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_server_serves_the_log_in_page_and_static_files_and_stops_on_ctrl_c(tmp_path):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "schoolgate", "setup"], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    out, err = open(tmp_path / "stdout", "w+"), open(tmp_path / "stderr", "w+")
    server = subprocess.Popen([sys.executable, "-m", "schoolgate", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                              env=env, stdout=out, stderr=err)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(f"{base}/accounts/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (tmp_path / "stderr").read_text()[-3000:]
                assert time.monotonic() < deadline, "the server did not answer within 90 s"
                time.sleep(0.3)
        assert status == 200 and b'name="password"' in body
        status, css = _get(f"{base}/static/schoolgate/schoolgate.css")
        assert status == 200 and css
        server.send_signal(signal.SIGINT)  # Ctrl-C
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    logs = (tmp_path / "stdout").read_text() + (tmp_path / "stderr").read_text()
    assert "QuitSafeThreadWorker" in logs and "Booting worker" in logs
    assert '"GET /accounts/login/ HTTP/1.1" 200' in (tmp_path / "stdout").read_text()  # the access log, on stdout
    with pytest.raises(OSError):  # nothing listens any more: the workers went with the master
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_server_refuses_to_start_on_a_database_that_is_not_set_up(tmp_path):
    done = subprocess.run([sys.executable, "-m", "schoolgate", "serve", "--bind", f"127.0.0.1:{_free_port()}"],
                          env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "schoolgate setup" in done.stderr


@pytest.mark.parametrize("cpus, workers", [(1, 2), (2, 2), (4, 4), (16, 8)])
def test_one_worker_process_per_core_two_to_eight(cpus, workers):
    assert default_workers(cpus) == workers


def test_gunicorn_accepts_the_options():
    from gunicorn.config import Config

    config = Config()
    for key, value in gunicorn_options(bind="127.0.0.1:8000", workers=2).items():
        config.set(key, value)
    from gunicorn.workers.gthread import ThreadWorker

    assert issubclass(config.worker_class, ThreadWorker) and config.threads == 4 and config.accesslog == "-"


def test_ctrl_c_stops_a_worker_that_is_handing_a_request_to_a_thread():
    """The quit signal lands on the worker's main thread; if that thread is inside the thread pool's `submit`
    (which holds the pool's lock), gunicorn's own gthread handler waits for that lock forever. Ours exits."""
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from schoolgate.schools.gunicorn_worker import QuitSafeThreadWorker

    worker = QuitSafeThreadWorker.__new__(QuitSafeThreadWorker)
    worker.tpool = ThreadPoolExecutor(max_workers=1)
    worker.cfg = SimpleNamespace(worker_int=lambda w: None)
    exited = threading.Event()

    def main_thread_inside_submit():
        with worker.tpool._shutdown_lock:  # what `submit` holds while it starts a thread
            try:
                worker.handle_quit(None, None)  # the signal arrives here
            except SystemExit:
                exited.set()

    threading.Thread(target=main_thread_inside_submit, daemon=True).start()
    assert exited.wait(5), "the worker hung on quit"
    assert worker.alive is False
    worker.tpool.shutdown()


def test_each_worker_loads_the_judge_before_its_first_request(settings):
    """A worker that loaded the judge's models on its first comment kept that comment (and every comment sent to
    it meanwhile) waiting seconds; the server's application loader runs the judge once as the worker starts."""
    from schoolgate.schools.management.commands.serve import load_application
    from schoolgate.wsgi import application

    class Judge:
        calls: list[str] = []

        def analyse(self, text, policy, roster=None, *, author=None):
            self.calls.append(text)
            raise AssertionError("not a verdict")  # a judge that fails here must not stop the server starting

    settings.SCHOOLGATE_JUDGE = judge = Judge()
    assert load_application() is application
    assert len(judge.calls) == 1


def test_web_threads_keep_their_database_connection_and_check_it_first():
    """Persistent connections (no new PostgreSQL server process per request), checked on first use in a request
    so that a connection the database closed (a restart) is replaced rather than answered with a server error."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] >= 600
    assert database["CONN_HEALTH_CHECKS"] is True
