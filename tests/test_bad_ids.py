"""Every view answers bad ids with a 4xx, never a 500, and a refusal changes nothing.

The views are found from the URL configuration itself, so a new view is covered the day it is added.
Each is posted to by the Headteacher and by the office, with every form field that carries an id set
to a value that is not one: a word, a fraction, a number no table holds (and that overflows a 64-bit
integer), a negative number and nothing at all.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from schoolgate.audit.models import AuditEntry

# Form fields that carry a record's id (or a choice standing for one) somewhere in the product.
ID_FIELDS = ("membership", "user", "corrects", "evidence", "clauses", "child", "parent", "person", "version", "finding",
             "reason_clause", "assessments", "allowed", "step", "participant", "to", "kind", "action", "audience", "group")
BAD_VALUES = ("abc", "1.5", "²", "99999999999999999999999", "-1", "")
# URL arguments that are not ids: a real value, so the view's own checks are what is tested.
OTHER_ARGS = {"slug": "stokes-wood", "kind": "text", "step_id": "discuss", "token": "x", "uidb64": "x"}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _url(route: str, converters: dict, id_value: int) -> str | None:
    url = route
    for name, converter in converters.items():
        kind = type(converter).__name__
        value = str(id_value) if kind == "IntConverter" else OTHER_ARGS.get(name, "x")
        url = url.replace(f"<{'int' if kind == 'IntConverter' else 'slug' if kind == 'SlugConverter' else 'str'}:{name}>", value)
    return None if "<" in url else "/" + url


def post_views():
    for route, pattern in _patterns(get_resolver()):
        if route.startswith(("static", "accounts/", "admin")):
            continue
        if not route.startswith("<slug:slug>"):
            continue
        yield route, pattern.pattern.converters


ROUTES = sorted(post_views())


def _changes():
    """Audit entries that record a change (not a page view or a log-in)."""
    return AuditEntry.objects.exclude(action__contains="view").exclude(action__startswith="auth.")


def _problems_on(route, converters, login) -> list:
    problems = []
    for email in ("head@stokes-wood.demo", "office@stokes-wood.demo"):
        client = login(email)
        for id_value in (1, 99999999999999999999999):
            url = _url(route, converters, id_value)
            if url is None:
                continue
            for bad in BAD_VALUES:
                before = _changes().count()
                response = client.post(url, {field: bad for field in ID_FIELDS})
                if response.status_code not in (200, 302, 400, 403, 404, 405, 409):
                    problems.append((email, "POST", url, bad, response.status_code))
                elif response.status_code >= 400 and _changes().count() != before:
                    # Refused, yet something changed. (A 200/302 is a view whose ids are all in its URL and real.)
                    problems.append((email, "POST", url, bad, "refused but changed", _changes().order_by("-pk").first().action))
                # The same ids in a query string (a link that was edited, or pasted wrongly).
                response = client.get(url, {field: bad for field in ID_FIELDS + ("page", "state", "sort", "status")})
                if response.status_code not in (200, 302, 400, 403, 404, 405):
                    problems.append((email, "GET", url, bad, response.status_code))
    return problems


def test_bad_ids_get_a_4xx_and_a_refusal_changes_nothing(demo_with_records, login):
    # One demo for all routes (building it is the slow part); each route runs in a savepoint that is
    # rolled back, so what one view really changes (a valid id in its URL) never reaches the next.
    problems = []
    for route, converters in ROUTES:
        with transaction.atomic():
            problems += _problems_on(route, converters, login)
            transaction.set_rollback(True)
    assert len(ROUTES) > 60  # the URL configuration was read
    assert not problems, "\n".join(map(str, problems))


@pytest.fixture
def demo_with_records(demo, fake_judge):
    """Both demo schools with every app's demo records (posts, cases, chat scans)."""
    from django.core.management import call_command

    call_command("demo", stdout=open("/dev/null", "w"))
    return demo
