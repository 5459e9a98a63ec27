"""`schoolgate run` starts the daily jobs beside the worker and the server; `daily --every` repeats them."""

import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schoolgate.schools.management.commands import daily as daily_command
from schoolgate.schools.management.commands import run as run_command


class FakeProcess:
    def __init__(self, command, **kwargs):
        self.command, self.kwargs, self.pid = command, kwargs, 4242
        self.signals = []

    def wait(self, timeout=None):
        return 0

    def send_signal(self, signum):
        self.signals.append(signum)

    def kill(self):
        pass


def test_run_starts_the_worker_the_daily_jobs_and_the_server_and_stops_them_all(monkeypatch):
    started = []
    monkeypatch.setattr(run_command, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(run_command.subprocess, "Popen", lambda command, **kw: started.append(FakeProcess(command, **kw)) or started[-1])
    monkeypatch.setattr(run_command.signal, "signal", lambda *a: None)
    out = io.StringIO()
    call_command("run", "--bind", "127.0.0.1:8123", stdout=out)
    commands = [p.command[1:] for p in started]
    assert commands[0] == ["-m", "schoolgate", "worker"]
    assert commands[1] == ["-m", "schoolgate", "daily", "--every", "24"]
    assert commands[2][:4] == ["-m", "schoolgate", "serve", "--bind"]
    assert started[1].kwargs.get("start_new_session") is True and started[0].command[0] == sys.executable
    assert "Daily jobs started" in out.getvalue()


def test_daily_every_repeats_until_stopped(monkeypatch, db):
    runs, sleeps = [], []
    monkeypatch.setattr(daily_command, "hooks", lambda module, function: [lambda stdout: runs.append(1)])

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(daily_command.time, "sleep", sleep)
    with pytest.raises(KeyboardInterrupt):
        call_command("daily", "--every", "24", stdout=io.StringIO())
    assert len(runs) == 3 and sleeps == [86400.0] * 3


def test_one_apps_failure_does_not_stop_the_others_and_fails_the_command(monkeypatch, db):
    ran = []

    def broken(stdout):
        raise OSError("mail relay down")

    monkeypatch.setattr(daily_command, "hooks", lambda module, function: [broken, lambda stdout: ran.append(1)])
    err = io.StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command("daily", stdout=io.StringIO(), stderr=err)
    assert ran == [1] and "mail relay down" in err.getvalue()


def test_every_must_be_positive(db):
    with pytest.raises(CommandError, match="above 0"):
        call_command("daily", "--every", "0")
