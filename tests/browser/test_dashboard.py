"""A headteacher logs in and sees the dashboard with the overdue review warning."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_headteacher_sees_dashboard(live_server, log_in, output_dir):
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    page = log_in("head@stokes-wood.demo")
    page.wait_for_url(f"{live_server.url}/stokes-wood/")
    assert page.locator("h1").inner_text() == "Stokes Wood Primary School"
    assert "Policy review overdue" in page.locator(".panel.warning").first.inner_text()
    assert page.get_by_text("Complaining about the school's values and systems on social media").is_visible()
    page.screenshot(path=str(output_dir / "dashboard.png"), full_page=True)
