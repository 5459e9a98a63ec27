"""Playwright driving Debian's chromium (never `playwright install`)."""


import pytest


def build_demo():
    """Both seed policies and every app's demo data, as `schoolgate demo` builds them."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    from schoolgate.policies.loader import SEED_SLUGS, load_seed

    for slug in SEED_SLUGS:
        load_seed(slug)
    for config in apps.get_app_configs():
        module = f"{config.name}.demo"
        if config.name.startswith("schoolgate.") and find_spec(module):
            import_module(module).build()


@pytest.fixture(scope="session")
def browser(chromium):
    """The run's one Chromium (tests/conftest.py)."""
    return chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    def as_(email: str, password: str = "schoolgate-demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        return page

    return as_

