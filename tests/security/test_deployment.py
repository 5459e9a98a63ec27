"""Issue 13 item 5 (without the Content-Security-Policy): deployment settings and the headers every page gets.

- `schoolgate check --deploy --fail-level WARNING` passes with no warning for a production environment:
  DEBUG=0, a real SECRET_KEY, ALLOWED_HOSTS and SCHOOLGATE_HTTPS=1 ("served behind HTTPS").
- With SCHOOLGATE_HTTPS=1: HSTS for a year with subdomains (no preload unless asked), Secure session and CSRF
  cookies, plain HTTP redirected, X-Forwarded-Proto trusted so a password-reset link is https://.
- A real SMTP relay from the environment (Django 6.1 MAILERS OPTIONS).
- Every response: Permissions-Policy, X-Content-Type-Options, Referrer-Policy, X-Frame-Options; every response
  to a logged-in user: Cache-Control: no-store (unless the view chose its own).
"""

from __future__ import annotations

import json
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "schoolgate" / "settings.py"
YEAR = 365 * 24 * 3600


def _production_env(tmp_path, **extra) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "SCHOOLGATE_DATA_DIR": str(tmp_path / "data"),  # a fresh data directory
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "schoolgate.stokes-wood.example",
        "SCHOOLGATE_HTTPS": "1",
    }
    return {**env, **extra}


def _settings_in_a_fresh_process(env: dict, names: list[str]) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    out = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "schoolgate.settings"},
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_check_deploy_passes_with_no_warning(tmp_path):
    result = subprocess.run([sys.executable, "-m", "schoolgate", "check", "--deploy", "--fail-level", "WARNING"],
                            env=_production_env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert not [line for line in output.splitlines() if "WARNING" in line.upper() or "(security." in line], output


def test_https_settings(tmp_path):
    values = _settings_in_a_fresh_process(_production_env(tmp_path), [
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    ])
    assert values == {
        "SECURE_HSTS_SECONDS": YEAR, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": False,
        "SECURE_SSL_REDIRECT": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
    }
    preload = _settings_in_a_fresh_process(_production_env(tmp_path, SCHOOLGATE_HSTS_PRELOAD="1"), ["SECURE_HSTS_PRELOAD"])
    assert preload == {"SECURE_HSTS_PRELOAD": True}


def test_plain_http_development_keeps_working(tmp_path):
    """Without SCHOOLGATE_HTTPS (`schoolgate run` on a laptop): no HSTS, no redirect, cookies over http, no
    trusted proxy header. The old SECURE_COOKIES=1 still makes the cookies Secure."""
    env = _production_env(tmp_path)
    del env["SCHOOLGATE_HTTPS"]
    names = ["SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    assert _settings_in_a_fresh_process(env, names) == {
        "SECURE_HSTS_SECONDS": 0, "SECURE_SSL_REDIRECT": False, "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False,
    }
    legacy = _settings_in_a_fresh_process({**env, "SECURE_COOKIES": "1"}, ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"])
    assert legacy == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}


def test_smtp_relay_from_the_environment(tmp_path):
    env = _production_env(tmp_path, EMAIL_HOST="smtp.example.org", EMAIL_HOST_USER="office@stokes-wood.example",
                          EMAIL_HOST_PASSWORD="relay-password", EMAIL_USE_TLS="1")
    code = (
        "import json; from django.core.mail import mailers; m = mailers['default']; "
        "print(json.dumps([type(m).__module__, m.host, m.port, m.username, m.password, m.use_tls, m.use_ssl, m.timeout]))"
    )
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                         env={**env, "DJANGO_SETTINGS_MODULE": "schoolgate.settings"}, cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert json.loads(out) == ["django.core.mail.backends.smtp", "smtp.example.org", 587, "office@stokes-wood.example",
                               "relay-password", True, False, 30]
    ssl = _settings_in_a_fresh_process(_production_env(tmp_path, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                                                       EMAIL_HOST="relay", EMAIL_PORT="2525", EMAIL_USE_SSL="1"), ["MAILERS"])
    assert ssl["MAILERS"]["default"]["OPTIONS"] | {} == {"host": "relay", "port": 2525, "username": None, "password": None,
                                                        "use_tls": False, "use_ssl": True, "timeout": 30}


# --- in the test process, with the product's own HTTPS settings ---------------------------------------------

HTTPS_SETTINGS = ("SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                  "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


@pytest.fixture
def behind_https(settings, monkeypatch, tmp_path):
    """The settings schoolgate/settings.py gives with SCHOOLGATE_HTTPS=1 (read from the file itself, nothing
    copied here), applied to this test's settings."""
    monkeypatch.setenv("SCHOOLGATE_HTTPS", "1")
    monkeypatch.setenv("SCHOOLGATE_DATA_DIR", str(tmp_path / "data"))
    product = runpy.run_path(str(SETTINGS_FILE))
    for name in HTTPS_SETTINGS:
        setattr(settings, name, product.get(name))
    return settings


# What the reverse proxy passes on: the protocol the browser used, and the host it asked for.
FORWARDED = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "testserver"}


def _assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_headers_on_a_logged_in_page_and_a_case_page(demo, fake_judge, login, behind_https, user):
    from schoolgate.cases.opening import open_case

    stokes = demo["stokes-wood"]
    case = open_case(stokes, opened_by=user("head@stokes-wood.demo"), concern="Posts about staff",
                     parent_user=user("parent@stokes-wood.demo"), evidence_text="Mr Hughes is a liar.", evidence_label="Post")
    client = login("head@stokes-wood.demo")
    for url in ("/stokes-wood/", f"/stokes-wood/cases/{case.pk}/"):
        response = client.get(url, **FORWARDED)
        assert response.status_code == 200, url
        _assert_common_headers(response)
        assert response["Cache-Control"] == "no-store", url
        assert response["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    # A parent's pages are private too.
    response = login("parent@stokes-wood.demo").get("/stokes-wood/", **FORWARDED)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_anonymous_pages_and_static_files(client, db, behind_https):
    for url in ("/accounts/login/", "/accounts/password-reset/"):
        page = client.get(url, **FORWARDED)
        assert page.status_code == 200
        _assert_common_headers(page)
    assert "Cache-Control" not in page  # an anonymous page the view left alone: nothing private on it
    static = client.get("/static/schoolgate/schoolgate.css", **FORWARDED)
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_plain_http_is_redirected_to_https(client, db, behind_https):
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/accounts/login/"


def test_a_view_that_sets_its_own_cache_header_keeps_it(rf, settings):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from schoolgate.middleware import PrivatePagesMiddleware

    class Someone(AnonymousUser):
        is_authenticated = True

    def view(request):
        response = HttpResponse("photo")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    request = rf.get("/")
    request.user = Someone()
    assert PrivatePagesMiddleware(view)(request)["Cache-Control"] == "private, max-age=3600"


@pytest.fixture
def reset_limits(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "deploy-tests"}}
    cache.clear()
    yield
    cache.clear()


def test_password_reset_link_behind_the_proxy_is_https(demo, client, behind_https, reset_limits):
    mail.outbox.clear()
    response = client.post("/accounts/password-reset/", {"email": "head@stokes-wood.demo"}, **FORWARDED)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "https://testserver/accounts/reset/" in message.body
    assert "http://testserver" not in message.body
