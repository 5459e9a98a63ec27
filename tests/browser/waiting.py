"""Waiting on the page under a Content-Security-Policy without 'unsafe-eval'."""


def wait_until(page, expression: str, timeout_ms: int = 5000, arg=None) -> None:
    """Poll a JavaScript expression from Python. Playwright's wait_for_function turns its string into code
    inside the page, which the Content-Security-Policy (no 'unsafe-eval') blocks; page.evaluate does not."""
    waited = 0
    while True:
        if page.evaluate(expression, arg) if arg is not None else page.evaluate(expression):
            return
        if waited >= timeout_ms:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)
        waited += 50
