"""Issue 13 item 9 (part): password reset is limited per client address and per e-mail address typed; past the
limit a plain-English 429 page that reads the same whether or not an account uses the address."""

import pytest
from django.core import mail
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reset-tests"}}
    settings.PASSWORD_RESET_LIMIT = 3
    cache.clear()
    yield
    cache.clear()


def ask(client, email, ip="203.0.113.7"):
    return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def test_three_requests_for_one_address_then_429(demo, client):
    mail.outbox.clear()
    for _ in range(3):
        assert ask(client, "head@stokes-wood.demo").status_code == 302
    response = ask(client, "head@stokes-wood.demo", ip="198.51.100.1")  # another address: the e-mail's own limit
    assert response.status_code == 429
    assert "Please wait before asking again" in response.content.decode() and "about 60 minutes" in response.content.decode()
    assert len(mail.outbox) == 3


def test_one_client_address_is_limited_across_e_mail_addresses(demo, client):
    for n in range(3):
        ask(client, f"someone{n}@example.org")
    assert ask(client, "head@stokes-wood.demo").status_code == 429
    assert ask(client, "head@stokes-wood.demo", ip="198.51.100.2").status_code == 302


def test_the_limit_reveals_nothing_about_accounts(demo, client):
    for _ in range(3):
        ask(client, "head@stokes-wood.demo", ip="192.0.2.1")
        ask(client, "nobody@example.org", ip="192.0.2.2")
    known = ask(client, "head@stokes-wood.demo", ip="192.0.2.1")
    unknown = ask(client, "nobody@example.org", ip="192.0.2.2")
    assert known.status_code == unknown.status_code == 429
    page = lambda r: r.content.decode().split("<main")[1].split("</main>")[0]  # noqa: E731 - the head holds a per-request token
    assert page(known) == page(unknown)
