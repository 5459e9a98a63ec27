"""Log-in and its throttle (issue 13 items 1 and 2): a cool-down for one account from one address, a slow-down
(not a lock) for the account from elsewhere and for a busy address, the account holder told once."""

import pytest
from django.core import mail
from django.core.cache import cache

from schoolgate.accounts import _digest
from schoolgate.audit.models import AuditEntry
from schoolgate.schools.demo import DEMO_PASSWORD

HEAD = "head@stokes-wood.demo"
WRONG = "do not match an account"
COOL_DOWN = "too many failed log-ins to this account from your network"
SLOWED = "log-ins are slowed down"


@pytest.fixture(autouse=True)
def _local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "login-tests"}}
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 6
    settings.SCHOOLGATE_TRUSTED_PROXY_HEADER = ""
    cache.clear()
    yield
    cache.clear()


def attempt(client, username, password, ip="203.0.113.7", **extra):
    client.logout()
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def text(response):
    return response.content.decode()


def turn_passes(key):
    """What waiting for the slow-down's turn does (the turn is a cache entry that expires)."""
    cache.delete(f"login:{key}:turn")


def test_the_right_password_logs_in_and_is_audited(demo, client):
    response = attempt(client, HEAD, DEMO_PASSWORD)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor__username=HEAD).exists()


def test_a_wrong_password_is_told_in_plain_english(demo, client):
    response = attempt(client, HEAD, "wrong")
    assert response.status_code == 200 and WRONG in text(response)


def test_failures_from_one_address_cool_that_address_down_for_that_account_only(demo, client):
    for _ in range(3):
        assert WRONG in text(attempt(client, HEAD, "wrong"))
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 3
    response = attempt(client, HEAD, DEMO_PASSWORD)  # the same address: it waits, even with the right password
    assert response.status_code == 200 and COOL_DOWN in text(response) and "15 minutes" in text(response)
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    assert attempt(client, "office@stokes-wood.demo", DEMO_PASSWORD).status_code == 302


def test_another_address_is_only_slowed_and_the_holder_is_told_once(demo, client, user, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            attempt(client, HEAD, "wrong", ip="203.0.113.7")
        # The real user, elsewhere, is not locked out: the first turn is theirs.
        assert attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.1").status_code == 302
        for _ in range(3):
            attempt(client, HEAD, "wrong", ip="203.0.113.8")
        # An attacker at yet another address gets one password check per turn, then waits.
        assert WRONG in text(attempt(client, HEAD, "wrong", ip="192.0.2.50"))
        response = attempt(client, HEAD, "wrong again", ip="192.0.2.51")
        assert SLOWED in text(response) and "5 seconds" in text(response)
        # A new address for the real user waits its turn too, then gets in.
        assert SLOWED in text(attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.9"))
        turn_passes(f"account:{_digest(HEAD)}")
        assert attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.9").status_code == 302
    told = [m for m in mail.outbox if "Failed log-ins" in m.subject]
    assert len(told) == 2  # one per episode: the first, and the one after the real user's log-in
    assert told[0].to == [user(HEAD).email]
    assert DEMO_PASSWORD not in told[0].body and "slowed down" in told[0].body


def test_an_address_that_logged_in_before_skips_the_slow_down(demo, client):
    assert attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.1").status_code == 302
    for ip in ("203.0.113.7", "203.0.113.8"):
        for _ in range(3):
            attempt(client, HEAD, "wrong", ip=ip)
    assert SLOWED in text(attempt(client, HEAD, "wrong", ip="203.0.113.9"))
    assert attempt(client, HEAD, DEMO_PASSWORD, ip="198.51.100.1").status_code == 302


def test_failures_across_accounts_slow_that_address_down(demo, client, settings):
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 3
    for name in ("a@example.org", "b@example.org", "c@example.org", "d@example.org"):
        attempt(client, name, "wrong", ip="192.0.2.9")
    response = attempt(client, HEAD, DEMO_PASSWORD, ip="192.0.2.9")
    assert "many failed log-ins from your network" in text(response)
    assert attempt(client, HEAD, DEMO_PASSWORD, ip="192.0.2.10").status_code == 302


def test_successful_log_ins_do_not_count_against_a_shared_address(demo, client):
    for _ in range(10):  # a school behind one address logs in all day
        assert attempt(client, HEAD, DEMO_PASSWORD, ip="192.0.2.1").status_code == 302


def test_a_success_clears_the_accounts_failures(demo, client):
    attempt(client, HEAD, "wrong")
    attempt(client, HEAD, "wrong")
    assert attempt(client, HEAD, DEMO_PASSWORD).status_code == 302
    attempt(client, HEAD, "wrong")
    attempt(client, HEAD, "wrong")
    assert attempt(client, HEAD, DEMO_PASSWORD).status_code == 302


def test_the_proxy_header_is_used_only_when_configured(demo, client, settings):
    behind_proxy = {"ip": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.77"}
    for _ in range(3):
        attempt(client, HEAD, "wrong", **behind_proxy)
    # Not configured: the header is ignored, so another client behind the proxy is the same address.
    assert COOL_DOWN in text(attempt(client, HEAD, DEMO_PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.78"))
    cache.clear()
    settings.SCHOOLGATE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    for _ in range(3):
        attempt(client, HEAD, "wrong", **behind_proxy)
    assert COOL_DOWN in text(attempt(client, HEAD, DEMO_PASSWORD, **behind_proxy))
    # The last entry (the one the proxy added) decides; a client cannot pick its address with the first.
    assert COOL_DOWN in text(attempt(client, HEAD, DEMO_PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.77"))
    assert attempt(client, HEAD, DEMO_PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.78").status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", details__ip="203.0.113.78").exists()
