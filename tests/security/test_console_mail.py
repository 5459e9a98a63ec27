"""Issue 13 item 6: console e-mail (the demo's, and a school's before its relay is set up) never prints a live
password link: the log shows the e-mail with links removed, the whole e-mail goes to a file only the
operator's account can read."""

import io
import re
import stat
import subprocess
import sys

import pytest
from django.core import mail

from schoolgate.accounts import RedactingConsoleBackend


@pytest.fixture
def console(settings, tmp_path, monkeypatch):
    settings.MAILERS = {"default": {"BACKEND": "schoolgate.accounts.RedactingConsoleBackend"}}
    settings.CONSOLE_MAIL_FILE = tmp_path / "data" / "outbox.eml.txt"
    stream = io.StringIO()
    real_init = RedactingConsoleBackend.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **{**kwargs, "stream": stream})

    monkeypatch.setattr(RedactingConsoleBackend, "__init__", init)
    return stream


def test_reset_links_are_not_printed(demo, client, console, settings, capsys):
    response = client.post("/accounts/password-reset/", {"email": "head@stokes-wood.demo"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    printed = console.getvalue() + "".join(capsys.readouterr())
    assert "Choose your password here" in printed and "[link removed from the log" in printed
    assert "/accounts/reset/" not in printed
    # Quoted-printable folds long lines with "=" + newline (long ids on PostgreSQL, whose sequences are not reset).
    kept = settings.CONSOLE_MAIL_FILE.read_text().replace("=\n", "")
    link = re.search(r"/accounts/reset/([^/\s]+)/([^/\s]+)/", kept)
    assert link, "the whole e-mail, link included, is in the operator's file"
    assert link.group(2) not in printed
    assert stat.S_IMODE(settings.CONSOLE_MAIL_FILE.stat().st_mode) == 0o600
    assert str(settings.CONSOLE_MAIL_FILE) in printed  # the log line says where the whole e-mail is
    # The link works: it is the real one.
    assert client.get(link.group(0)).status_code == 302


def test_the_default_backend_is_the_redacting_console():
    code = "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])"
    env = {"DJANGO_SETTINGS_MODULE": "schoolgate.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == "schoolgate.accounts.RedactingConsoleBackend"


def test_other_mail_is_printed_whole(console, settings):
    mail.EmailMessage("Reminder", "Please read the policy at http://localhost/stokes-wood/policy/", "a@b", ["c@d"]).send()
    assert "http://localhost/stokes-wood/policy/" in console.getvalue()
