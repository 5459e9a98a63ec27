"""Issue 13 item 8 (static files): an encoded '..' under /static/ is a 404, never a file outside the static
folders and never a 500, whether WhiteNoise answers (`schoolgate serve`, `run`) or Django's development server (`schoolgate runserver`)."""

from __future__ import annotations

import pytest
from django.core.management import get_commands, load_command_class
from django.test.client import RequestFactory

TRAVERSALS = [
    "/static/%2e%2e/settings.py",
    "/static/%2E%2E/%2e%2e/pyproject.toml",
    "/static/schoolgate/%2e%2e/%2e%2e/settings.py",
    "/static/..%2fsettings.py",
    "/static/%2e%2e%2fsettings.py",
    "/static/..%5csettings.py",
    "/static/%252e%252e/settings.py",
    "/static/%c0%ae%c0%ae/settings.py",
    "/static/schoolgate/..%00/settings.py",
]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", TRAVERSALS)
def test_encoded_dot_dot_under_static_is_404(client, db, settings, debug, path):
    settings.DEBUG = debug  # WhiteNoise reads its files at start-up, or (DEBUG) finds them per request
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 404
    assert b"SECRET_KEY" not in b"".join(getattr(response, "streaming_content", [response.content]))


def _runserver_get(path: str) -> tuple[str, bytes]:
    """A GET through the WSGI handler `schoolgate runserver --insecure` serves."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("schoolgate", "runserver").parse_args(["--noreload", "--insecure"]))
    handler = command.get_handler(**options)
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    status = []
    body = b"".join(handler(environ, lambda s, headers, exc_info=None: status.append(s)))
    return status[0], body


@pytest.mark.parametrize("path", ["/static/../settings.py", "/static/schoolgate/../../settings.py"])
def test_schoolgate_run_leaves_static_files_to_whitenoise(db, path):
    # Django's own static handler (runserver) let SuspiciousFileOperation through as a 500.
    status, body = _runserver_get(path)
    assert status.startswith("404") and b"SECRET_KEY" not in body


def test_static_files_are_still_served(client, db):
    assert client.get("/static/schoolgate/schoolgate.css").status_code == 200
    status, _ = _runserver_get("/static/schoolgate/schoolgate.css")
    assert status.startswith("200")
