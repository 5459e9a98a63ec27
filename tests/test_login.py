"""Log-in and its throttle: after LOGIN_THROTTLE_ATTEMPTS failures for an account or an address, a cool-down."""

import pytest
from django.core.cache import cache

from schoolgate.audit.models import AuditEntry
from schoolgate.schools.demo import DEMO_PASSWORD

HEAD = "head@stokes-wood.demo"


@pytest.fixture(autouse=True)
def _local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "login-tests"}}
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    cache.clear()
    yield
    cache.clear()


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_right_password_logs_in_and_is_audited(demo, client):
    response = attempt(client, HEAD, DEMO_PASSWORD)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor__username=HEAD).exists()


def test_failures_lock_the_account_then_even_the_right_password_waits(demo, client):
    for _ in range(3):
        response = attempt(client, HEAD, "wrong")
        assert response.status_code == 200 and "Please enter a correct" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 3
    response = attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.1")  # another address: the account is throttled
    assert response.status_code == 200 and "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    assert attempt(client, "office@stokes-wood.demo", DEMO_PASSWORD, ip="198.51.100.2").status_code == 302


def test_failures_from_one_address_throttle_that_address(demo, client):
    for name in ("a@example.org", "b@example.org", "c@example.org"):
        attempt(client, name, "wrong", ip="192.0.2.9")
    response = attempt(client, HEAD, DEMO_PASSWORD, ip="192.0.2.9")
    assert "Too many failed log-ins" in response.content.decode()
    assert attempt(client, HEAD, DEMO_PASSWORD, ip="192.0.2.10").status_code == 302


def test_a_success_clears_the_accounts_failures(demo, client):
    attempt(client, HEAD, "wrong")
    attempt(client, HEAD, "wrong")
    assert attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.3").status_code == 302
    client.logout()
    attempt(client, HEAD, "wrong", ip="198.51.100.4")
    attempt(client, HEAD, "wrong", ip="198.51.100.5")
    assert attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.6").status_code == 302
