"""Every page a demo user can reach by following links answers without a server error.

Builds the full demo (every app's `demo.build`, as `schoolgate demo` does) and, for one account per
role, follows the links on each page, GET only, up to a bound. A 500 anywhere fails the test.
"""

import re
from html import unescape
from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps

ROLES = [
    "head@stokes-wood.demo",
    "office@stokes-wood.demo",
    "hughes@stokes-wood.demo",
    "governor@stokes-wood.demo",
    "parent@stokes-wood.demo",
    "head@high-hesket.demo",
    "parent@high-hesket.demo",
]
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/accounts/logout", "/static/")
MAX_PAGES = 120


@pytest.fixture
def full_demo(seeded):
    for config in apps.get_app_configs():
        module = f"{config.name}.demo"
        if config.name.startswith("schoolgate.") and find_spec(module):
            import_module(module).build()


@pytest.mark.parametrize("email", ROLES)
def test_no_page_reachable_by_links_fails(full_demo, login, email):
    client = login(email)
    queue, seen, statuses = ["/"], set(), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        statuses[url] = response.status_code
        assert response.status_code < 500, f"{email}: {url} answered {response.status_code}"
        if response.status_code in (301, 302):
            location = response["Location"]
            if location.startswith("/"):
                queue.append(location)
            continue
        if "text/html" in response.get("Content-Type", ""):
            for href in LINK.findall(response.content.decode()):
                href = unescape(href)
                if href not in seen:
                    queue.append(href)
    assert len(seen) > 5, statuses
