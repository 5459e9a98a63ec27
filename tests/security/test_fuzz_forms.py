"""Hostile strings posted to every form of the product: no 5xx, and a refused post changes nothing.

The forms are found from the URL configuration: every route is opened (with the ids of real demo records,
taken from the pages the Headteacher and a parent can reach by following links, or 1), and every POST form on
its page is read (fields, their kinds, their default values). Each form is then posted to, as the Headteacher
and as a parent, with the strings of `naughty_strings.txt` (written for Schoolgate after the categories of the
Big List of Naughty Strings: Unicode, right-to-left, zalgo, SQL, markup, format strings, NUL bytes, very long
strings) in two ways: in its text fields with every other field left at its default (so the strings reach what
the form does with them), and in every field at once (so choices and hidden ids see them too). Strings rotate
through the fields so each form gets the whole corpus across its fields, within a budget per form.

Each form runs in a savepoint that is rolled back, like tests/test_bad_ids.py, so an accepted post (a hostile
comment is still a comment) never changes what the next form sees.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from schoolgate.audit.models import AuditEntry

CORPUS_FILE = Path(__file__).with_name("naughty_strings.txt")
USERS = ("head@stokes-wood.demo", "parent@stokes-wood.demo")
SKIP_ROUTES = ("accounts/logout/",)  # posting it logs the fuzzing user out; it takes no input
MAX_PAGES = 250
POSTS_PER_FORM = 24  # text fields: the corpus rotates through them; a form with 5 text fields gets all of it
ALL_FIELDS_POSTS = 6  # every field at once
TEXT_KINDS = {"text", "textarea", "email", "search", "url", "tel", "password", "number", "date", "time", "datetime-local", ""}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0trn\\])")


def load_corpus() -> list[str]:
    def unescape(match: re.Match) -> str:
        code = match.group(1)
        if code[0] in "xu":
            return chr(int(code[1:], 16))
        return {"0": "\0", "t": "\t", "r": "\r", "n": "\n", "\\": "\\"}[code]

    strings = [""]
    for line in CORPUS_FILE.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        if line.startswith("@repeat "):
            _, count, text = line.split(" ", 2)
            strings.append(text * int(count))
        else:
            strings.append(_ESCAPE.sub(unescape, line))
    return strings


CORPUS = load_corpus()


def test_the_corpus_has_every_category():
    assert 100 <= len(CORPUS) <= 150
    assert any("\0" in s for s in CORPUS) and any(len(s) >= 100_000 for s in CORPUS)
    assert any("\u202e" in s for s in CORPUS) and any("DROP TABLE" in s for s in CORPUS) and any("%n" in s for s in CORPUS)
    assert any(len(s) > 3 * len(s.encode("ascii", "ignore")) + 20 for s in CORPUS)  # zalgo: mostly combining marks


# --- finding the forms ----------------------------------------------------------------------------------

class _Forms(HTMLParser):
    """The POST forms of a page: action, and each field's name, kind and default value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action"), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and a["name"] in self._form["fields"] and "checked" not in a:
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._form["fields"][a["name"]] = (kind, value)
        elif tag == "textarea":
            self._form["fields"][a["name"]] = ("textarea", "")
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"][a["name"]] = ("select", "")
        elif tag == "option" and self._select:
            kind, value = self._form["fields"][self._select]
            if not value or "selected" in a:
                self._form["fields"][self._select] = (kind, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


def _route_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def _built(route: str, converters: dict) -> str:
    url = route
    for name, converter in converters.items():
        kind = {"IntConverter": "int", "SlugConverter": "slug"}.get(type(converter).__name__, "str")
        value = "1" if kind == "int" else "stokes-wood" if name == "slug" else "x"
        url = url.replace(f"<{kind}:{name}>", value).replace(f"<{name}>", value)
    return "/" + url


LINK = re.compile(r'href="(/[^"#]*)"')


def find_forms(client) -> tuple[dict, set[str]]:
    """(route, field names) -> (action URL, fields); and the routes whose pages were opened."""
    pages: dict[str, str] = {}  # route -> first concrete URL reached by links
    queue, seen = ["/", "/stokes-wood/"], set()
    bodies: dict[str, str] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        route = _route_of(url)
        if url in seen or route is None or url.startswith(("/static/", "/accounts/logout")) or route in pages:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        pages[route] = url
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
        elif "text/html" in response.get("Content-Type", ""):
            bodies[url] = response.content.decode()
            queue += [href.replace("&amp;", "&") for href in LINK.findall(bodies[url])]
    for route, converters in _routes(get_resolver()):  # what the links did not reach: the URL configuration
        if route not in pages and not route.startswith(("static", "accounts/logout")):
            url = _built(route, converters)
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            pages[route] = url
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                bodies[url] = response.content.decode()
    forms = {}
    for url, body in bodies.items():
        parser = _Forms()
        parser.feed(body)
        for form in parser.forms:
            if form["method"] != "post":
                continue
            action = urljoin(url, form["action"] or url)
            route = _route_of(action)
            if route is None or route in SKIP_ROUTES:
                continue
            fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            forms.setdefault((route, frozenset(fields)), (action, fields))
    return forms, set(pages)


# --- posting ----------------------------------------------------------------------------------------------

def _changes():
    """Audit entries that record a change (not a page view or a log-in)."""
    return AuditEntry.objects.exclude(action__contains="view").exclude(action__startswith="auth.")


def _value(kind: str, text: str):
    if kind == "file":
        # The name kept within 255 bytes: a longer one is tests/chats/test_hostile_files.py's own case.
        safe = re.sub(r"[\0/\\]", "_", text).encode()[:200].decode("utf-8", "ignore") or "file"
        return SimpleUploadedFile(f"{safe}.txt", text.encode())
    return text


def _payloads(fields: dict, offset: int):
    """(description, data): the corpus through the text fields (others at their defaults), then every field."""
    text = [name for name, (kind, _) in fields.items() if kind in TEXT_KINDS]
    defaults = {name: value for name, (kind, value) in fields.items() if kind != "file"}
    if text:
        posts = min(POSTS_PER_FORM, math.ceil(len(CORPUS) / len(text)))
        for i in range(posts):
            data = dict(defaults)
            for j, name in enumerate(text):
                data[name] = CORPUS[(offset + i * len(text) + j) % len(CORPUS)]
            yield "text fields", data
    for i in range(ALL_FIELDS_POSTS):
        yield "every field", {name: _value(kind, CORPUS[(offset + i * 7 + j) % len(CORPUS)])
                              for j, (name, (kind, _)) in enumerate(fields.items())}


def _fuzz(client, action: str, fields: dict, offset: int) -> list:
    problems = []
    for how, data in _payloads(fields, offset):
        before = _changes().count()
        response = client.post(action, data)
        shown = {k: (v if isinstance(v, str) else v.name)[:40] for k, v in data.items()}
        if response.status_code >= 500:
            problems.append((action, how, response.status_code, shown))
        elif response.status_code >= 400 and _changes().count() != before:
            problems.append((action, how, response.status_code, "refused but changed", _changes().order_by("-pk").first().action, shown))
    return problems


@pytest.fixture
def demo_with_records(demo, fake_judge, settings):
    """Both demo schools with every app's demo records (posts, cases, chat scans); throttles in memory."""
    from django.core.management import call_command

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"}}
    settings.LOGIN_SLOWDOWN_SECONDS = 0
    cache.clear()
    call_command("demo", stdout=open("/dev/null", "w"))
    yield demo
    cache.clear()


def test_hostile_strings_in_every_form(demo_with_records, client, user):
    client.raise_request_exception = False  # a 500 is a finding to list, not an exception that stops the run
    problems, found, opened = [], set(), set()
    for email in (*USERS, None):
        client.logout()
        if email:
            client.force_login(user(email))
        forms, pages = find_forms(client)
        opened |= pages
        for offset, ((route, _), (action, fields)) in enumerate(sorted(forms.items(), key=lambda f: f[0][0])):
            found.add(route)
            with transaction.atomic():
                problems += _fuzz(client, action, fields, offset * 11)
                transaction.set_rollback(True)
            if email:  # a form may log the user out (or change who they are): log in again
                client.force_login(user(email))
    assert not problems, "\n".join(map(str, problems))
    # The URL configuration was read and the product's forms found: posts, comments, concerns, cases, letters,
    # evidence, chat uploads, consent, policies, roster, log-ins, log-in and password reset.
    assert len(opened) > 60
    assert len(found) >= 25, sorted(found)
    for route in ("accounts/login/", "accounts/password-reset/", "<slug:slug>/chats/new/"):
        assert route in found, sorted(found)
