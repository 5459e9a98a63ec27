"""Cases tests: the fake judge (tests/conftest.py) stands in for the real one so the tests say exactly
which findings (and so which conditional steps) a text produces."""

from __future__ import annotations

import pytest

from schoolgate.cases.opening import open_case


@pytest.fixture(autouse=True)
def _predictable_judge(fake_judge):
    return fake_judge


@pytest.fixture
def open_for(user):
    """open_for(school, text=..., parent_email=...) -> a case opened by that school's headteacher."""
    def make(school, text="Mr Hughes is a liar and stole from the PTA.", parent_email=None, **kwargs):
        domain = school.slug + ".demo"
        parent = user(parent_email or f"parent@{domain}")
        return open_case(school, opened_by=user(f"head@{domain}"), concern=kwargs.pop("concern", "Posts on Facebook about staff"),
                         parent_user=parent, evidence_text=text, evidence_label="Facebook group post", **kwargs)

    return make


@pytest.fixture
def prepare():
    """prepare(client, export_page_url) -> the download response: asks for the document (the immediate task
    backend prepares it at once), then follows the page's download link."""
    import re

    def run(client, url):
        asked = client.post(url)
        assert asked.status_code == 302, asked.status_code
        page = client.get(url).content.decode()
        link = re.search(r'href="([^"]+/download/)"', page)
        assert link, page
        return client.get(link.group(1))

    return run
