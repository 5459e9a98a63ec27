"""Issue 12: focus after every htmx swap, not only the review queue's. A form that updates part of the page
moves focus to what it put there (a screen reader reads the result; a keyboard user continues from it);
an error summary is focused when a page opens with one."""

import pytest


def _demo():
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()


@pytest.mark.django_db(transaction=True)
def test_a_form_swap_moves_focus_to_its_result(live_server, log_in, fake_judge):
    _demo()
    page = log_in("head@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/judge/")
    page.fill("textarea", "Mr Hughes is a liar.")
    page.locator("#main form button[type=submit]").click()
    # Polled from Python: wait_for_function evaluates a string, which the Content-Security-Policy forbids.
    for _ in range(100):
        if page.evaluate("document.activeElement && document.activeElement.closest('#result') !== null"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.closest('#result') !== null"), page.evaluate("document.activeElement.outerHTML")


@pytest.mark.django_db(transaction=True)
def test_a_page_with_an_error_summary_opens_on_it(live_server, log_in):
    _demo()
    page = log_in("parent@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/concerns/new/")
    page.locator("#main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
