"""Sessions end (issue 13 item 4): after the school's idle minutes and its hours in all; and "confirm it's
you" (password, and the code when enrolled) before exports, the audit log and revealing a chat participant."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.urls import resolve

from schoolgate.schools.demo import DEMO_PASSWORD
from schoolgate.schools.models import School
from schoolgate.schools.reauth import CONFIRMED, SEEN, STARTED

HEAD = "head@stokes-wood.demo"


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()


def shift(client, **ago):
    """Move the session's clocks into the past: seen/started/confirmed `seconds` ago."""
    session = client.session
    for key, seconds in ago.items():
        session[{"seen": SEEN, "started": STARTED, "confirmed": CONFIRMED}[key]] = time.time() - seconds
    session.save()


def logged_in(client):
    assert client.post("/accounts/login/", {"username": HEAD, "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/stokes-wood/").status_code == 200
    return client


def test_an_idle_session_ends_after_the_schools_minutes(stokes, client):
    logged_in(client)
    shift(client, seen=29 * 60)
    assert client.get("/stokes-wood/").status_code == 200  # 29 minutes: still in
    shift(client, seen=31 * 60)
    response = client.get("/stokes-wood/queue/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=%2Fstokes-wood%2Fqueue%2F"
    page = client.get(response.url).content.decode()
    assert "You were logged out after 30 minutes without activity" in page
    assert client.get("/stokes-wood/").status_code == 302  # really logged out


def test_the_school_sets_its_own_idle_minutes_and_the_strictest_school_wins(stokes, client):
    School.objects.filter(slug="stokes-wood").update(session_idle_minutes=10)
    logged_in(client)
    shift(client, seen=11 * 60)
    assert client.get("/stokes-wood/").status_code == 302


def test_an_active_session_still_ends_after_the_schools_hours(stokes, client):
    logged_in(client)
    shift(client, seen=60, started=12 * 3600 + 60)
    response = client.get("/stokes-wood/")
    assert response.status_code == 302
    assert "You were logged out after 12 hours" in client.get(response.url).content.decode()


def test_activity_keeps_the_session(stokes, client):
    logged_in(client)
    shift(client, seen=20 * 60)
    client.get("/stokes-wood/")
    assert time.time() - client.session[SEEN] < 5


# Each sensitive view, by URL name: exports and downloads (evidence packs, chronologies, subject access), the
# consent CSV, the audit log and revealing a chat participant.
SENSITIVE = ["cases:evidence_pack", "cases:case_export", "cases:parent_export", "cases:parent_export_kind", "cases:job_download",
             "consent:export", "schools:audit", "chats:reveal"]


def test_every_sensitive_view_asks_to_confirm():
    from django.urls import get_resolver

    names = {}
    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", [pattern]):
            ns = getattr(pattern, "namespace", None)
            if getattr(sub, "name", None):
                names[f"{ns}:{sub.name}" if ns else sub.name] = sub.callback
    missing = [n for n in SENSITIVE if not getattr(names[n], "reauth_required", False)]
    assert not missing, missing


def test_the_audit_log_asks_for_the_password_again_after_five_minutes(stokes, client):
    logged_in(client)
    assert client.get("/stokes-wood/audit/").status_code == 200  # the password was just typed
    shift(client, confirmed=6 * 60)
    response = client.get("/stokes-wood/audit/")
    assert response.status_code == 302 and response.url == "/accounts/confirm/?next=%2Fstokes-wood%2Faudit%2F"
    page = client.get(response.url)
    assert page.status_code == 200 and "Confirm it" in page.content.decode()
    wrong = client.post("/accounts/confirm/", {"password": "not-my-password", "next": "/stokes-wood/audit/"})
    assert wrong.status_code == 400 and "That password is not right" in wrong.content.decode()
    assert client.get("/stokes-wood/audit/").status_code == 302
    right = client.post("/accounts/confirm/", {"password": DEMO_PASSWORD, "next": "/stokes-wood/audit/"})
    assert right.status_code == 302 and right.url == "/stokes-wood/audit/"
    assert client.get("/stokes-wood/audit/").status_code == 200


def test_confirming_is_throttled_like_the_log_in(stokes, client, settings):
    logged_in(client)
    shift(client, confirmed=6 * 60)
    for _ in range(settings.LOGIN_THROTTLE_ATTEMPTS):
        client.post("/accounts/confirm/", {"password": "wrong-password-1", "next": "/"})
    refused = client.post("/accounts/confirm/", {"password": DEMO_PASSWORD, "next": "/stokes-wood/audit/"})
    assert refused.status_code == 400 and "wait" in refused.content.decode()


def test_an_enrolled_person_confirms_with_the_code_too(stokes, client, user):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user(HEAD), name="app", confirmed=True)
    client.post("/accounts/login/", {"username": HEAD, "password": DEMO_PASSWORD})
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    assert client.post("/accounts/two-factor/", {"code": code, "next": "/"}).status_code == 302
    shift(client, confirmed=6 * 60)
    no_code = client.post("/accounts/confirm/", {"password": DEMO_PASSWORD, "next": "/stokes-wood/audit/"})
    assert no_code.status_code == 400
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = client.post("/accounts/confirm/", {"password": DEMO_PASSWORD, "code": code, "next": "/stokes-wood/audit/"})
    assert ok.status_code == 302 and ok.url == "/stokes-wood/audit/"


def test_a_refused_post_goes_back_to_its_page_and_changes_nothing(stokes, client):
    logged_in(client)
    shift(client, confirmed=6 * 60)
    response = client.post("/stokes-wood/log-in-security/", {"two_factor_required": "on", "session_idle_minutes": "20",
                                                              "session_max_hours": "8"},
                           HTTP_REFERER="http://testserver/stokes-wood/log-in-security/")
    assert response.status_code == 302 and response.url == "/accounts/confirm/?next=%2Fstokes-wood%2Flog-in-security%2F"
    assert School.objects.get(slug="stokes-wood").session_idle_minutes == 30
    assert resolve("/accounts/confirm/").url_name == "confirm"
