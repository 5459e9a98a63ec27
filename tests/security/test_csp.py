"""The Content-Security-Policy (issue 13 item 5): on every response, nothing inline allowed, and no template
brings back an inline style, script or event handler."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2] / "schoolgate"
HTMX = ROOT / "static" / "schoolgate" / "htmx-2.0.11.min.js"


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.get('Content-Type')}"
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_strict(response) -> None:
    d = directives(response)
    for name in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in d[name] and "'unsafe-eval'" not in d[name], d
    assert d["script-src"] == ["'self'"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["form-action"] == ["'self'"]
    assert d["object-src"] == ["'none'"]
    assert d["base-uri"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in response.headers


@pytest.mark.django_db
def test_anonymous_pages_static_files_and_errors_have_it(client):
    assert_strict(client.get("/accounts/login/"))
    assert_strict(client.get("/accounts/password-reset/"))
    assert_strict(client.get("/no-such-school/"))  # an error page (302 to log in, or 404)
    static = client.get("/static/schoolgate/schoolgate.css")
    assert static.status_code == 200
    assert_strict(static)


def test_logged_in_pages_fragments_downloads_and_refusals_have_it(stokes, login, fake_judge):
    head = login("head@stokes-wood.demo")
    for url in ("/stokes-wood/", "/stokes-wood/channel/", "/stokes-wood/cases/", "/stokes-wood/audit/"):
        response = head.get(url)
        assert response.status_code in (200, 302), url
        assert_strict(response)
    fragment = head.post("/stokes-wood/channel/check/", {"text": "A lovely trip"}, HTTP_HX_REQUEST="true")
    assert_strict(fragment)
    parent = login("parent@stokes-wood.demo")
    forbidden = parent.get("/stokes-wood/queue/")
    assert forbidden.status_code in (403, 404)
    assert_strict(forbidden)


def test_the_one_inline_block_allowed_is_exactly_htmx_s_indicator_style():
    """htmx adds one <style> to <head> on load; it is allowed by its hash (no 'unsafe-inline'). Upgrading htmx
    changes that text: this test then names the hash to put in settings.HTMX_INDICATOR_STYLE_HASH."""
    source = HTMX.read_text()
    template = re.search(r'`\.\$\{t\}\{([^`]*)\} `\+`\.\$\{n\} \.\$\{t\}, \.\$\{n\}\.\$\{t\}\{([^`]*)\}`', source)
    assert template, "htmx's indicator style was not found: check how the new htmx version injects it"
    indicator, request = "htmx-indicator", "htmx-request"
    css = (f".{indicator}{{{template.group(1)}}} "
           f".{request} .{indicator}, .{request}.{indicator}{{{template.group(2)}}}")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert settings.HTMX_INDICATOR_STYLE_HASH == f"'sha256-{digest}'"
    assert settings.HTMX_INDICATOR_STYLE_HASH in settings.SECURE_CSP["style-src"]


# Templates only ever rendered to PDF by WeasyPrint on the server: the browser never sees them, so the CSP
# does not apply, and their <style> blocks stay.
PDF_ONLY = {
    "cases/templates/cases/letters/_base.html", "cases/templates/cases/_pdf_style.html",
    "chats/templates/chats/report_pdf.html", "chats/templates/chats/closure_letter.html",
}
INLINE = re.compile(r"""\sstyle\s*=|<style\b|<script\b(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*["']|javascript:""", re.I)


def test_the_photo_check_and_security_templates_have_nothing_inline():
    mine = [ROOT / "channel/templates/channel/photo_check.html", ROOT / "channel/templates/channel/photo_check_summary.html",
            ROOT / "channel/templates/channel/_photo_style.html", *sorted((ROOT / "templates/registration").glob("*.html"))]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)!r}" for p in mine for m in INLINE.finditer(p.read_text())]
    assert not found, found
