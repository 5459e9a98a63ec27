"""Logging in from a browser context of one's own (a viewport of its own), for tests that need several."""


def logged_in(browser, live_server, email: str, viewport: dict, password: str = "schoolgate-demo"):
    """A new context at `viewport`, logged in as `email`: (context, page). The caller closes the context."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page
