"""Two-factor log-in for staff (issue 13 item 3): enrolment with a QR code and the secret, confirmation with a
code, recovery codes shown once and usable once, the code after the password (throttled), the school's
setting (on for new schools, off in the demo), and the Headteacher's reset of a lost phone; all audited."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolgate.audit.models import AuditEntry
from schoolgate.schools.demo import DEMO_PASSWORD
from schoolgate.schools.models import School

HEAD, OFFICE, PARENT = "head@stokes-wood.demo", "office@stokes-wood.demo", "parent@stokes-wood.demo"


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()


@pytest.fixture
def required(stokes):
    School.objects.filter(pk=stokes.pk).update(two_factor_required=True)
    stokes.refresh_from_db()
    return stokes


def unthrottled(username: str) -> None:
    """django-otp's own throttle waits 1 s, 2 s, 4 s… after a wrong code; a test does not wait."""
    from django_otp.plugins.otp_static.models import StaticDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user__username=username).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


def fresh(device: TOTPDevice) -> TOTPDevice:
    """Allow the current time step again (django-otp refuses a code used twice in the same 30 s)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    unthrottled(device.user.username)
    device.refresh_from_db()
    return device


def password_login(client, email):
    return client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})


def enrol(client, email) -> list[str]:
    client.get("/accounts/two-factor/set-up/")
    device = TOTPDevice.objects.get(user__username=email, confirmed=False)
    response = client.post("/accounts/two-factor/set-up/", {"code": code_for(device), "next": "/stokes-wood/"})
    assert response.status_code == 200, response.content.decode()[:500]
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())


def test_new_schools_require_it_and_the_demo_schools_do_not(stokes, hesket):
    assert School(name="New", slug="new").two_factor_required is True
    assert not School.objects.filter(slug__in=["stokes-wood", "high-hesket"], two_factor_required=True).exists()


def test_staff_must_enrol_before_any_page_and_parents_are_never_asked(required, client):
    response = password_login(client, OFFICE)
    assert response.status_code == 302
    for url in ("/stokes-wood/", "/stokes-wood/queue/", "/stokes-wood/consent/", "/stokes-wood/cases/"):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked.url.startswith("/accounts/two-factor/set-up/?next="), (url, blocked)
    assert client.get("/accounts/two-factor/set-up/").status_code == 200
    parent = client_class_login(PARENT)
    assert parent.get("/stokes-wood/").status_code == 200


def client_class_login(email):
    from django.test import Client

    c = Client()
    assert password_login(c, email).status_code == 302
    return c


def test_enrolment_shows_a_qr_code_and_the_secret_then_confirms_with_a_code(required, client, user):
    password_login(client, HEAD)
    page = client.get("/accounts/two-factor/set-up/?next=/stokes-wood/").content.decode()
    device = TOTPDevice.objects.get(user=user(HEAD), confirmed=False)
    assert "<svg" in page and 'class="segno"' in page and "style=" not in page.split("<svg", 1)[1].split("</svg>")[0]
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert secret.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode().rstrip("=")
    assert client.get("/accounts/two-factor/set-up/").content.decode().count(secret) == 1  # the same key on reload

    wrong = client.post("/accounts/two-factor/set-up/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user(HEAD), confirmed=True).exists()

    done = client.post("/accounts/two-factor/set-up/", {"code": code_for(fresh(device)), "next": "/stokes-wood/"})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "only time they are shown" in done.content.decode()
    assert client.get("/stokes-wood/").status_code == 200
    entry = AuditEntry.objects.get(action="two_factor.enrol")
    assert entry.school_id == required.pk and "Sarah Patel" in entry.summary
    assert not any(c in client.get("/accounts/two-factor/set-up/").content.decode() for c in codes)  # shown once


def test_the_code_comes_after_the_password_and_recovery_codes_work_once(required, client, user):
    password_login(client, OFFICE)
    codes = enrol(client, OFFICE)
    client.post("/accounts/logout/")

    assert password_login(client, OFFICE).status_code == 302
    blocked = client.get("/stokes-wood/queue/")
    assert blocked.status_code == 302 and blocked.url == "/accounts/two-factor/?next=%2Fstokes-wood%2Fqueue%2F"
    wrong = client.post("/accounts/two-factor/", {"code": "12345x", "next": "/stokes-wood/queue/"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    device = fresh(TOTPDevice.objects.get(user=user(OFFICE)))
    right = client.post("/accounts/two-factor/", {"code": code_for(device), "next": "/stokes-wood/queue/"})
    assert right.status_code == 302 and right.url == "/stokes-wood/queue/"
    assert client.get("/stokes-wood/queue/").status_code == 200
    client.post("/accounts/logout/")

    # No phone: a recovery code, once.
    unthrottled(OFFICE)
    password_login(client, OFFICE)
    used = client.post("/accounts/two-factor/", {"code": codes[0].upper(), "next": "/stokes-wood/"})
    assert used.status_code == 302 and client.get("/stokes-wood/").status_code == 200
    assert StaticToken.objects.filter(device__user=user(OFFICE)).count() == 9
    assert AuditEntry.objects.filter(action="two_factor.recovery_code_used", school=required).count() == 1
    client.post("/accounts/logout/")
    password_login(client, OFFICE)
    unthrottled(OFFICE)
    again = client.post("/accounts/two-factor/", {"code": codes[0], "next": "/stokes-wood/"})
    assert again.status_code == 400
    assert client.get("/stokes-wood/").status_code == 302


def test_enrolled_accounts_give_the_code_even_where_the_school_does_not_require_it(stokes, client, user):
    password_login(client, HEAD)
    page = client.get("/accounts/two-factor/set-up/").content.decode()
    assert "Two-factor log-in is off in this demo" in page
    enrol(client, HEAD)
    client.post("/accounts/logout/")
    password_login(client, HEAD)
    assert client.get("/stokes-wood/").url.startswith("/accounts/two-factor/?")


def test_the_code_step_is_throttled_before_the_code_is_checked(required, client, user, settings):
    password_login(client, OFFICE)
    enrol(client, OFFICE)
    client.post("/accounts/logout/")
    password_login(client, OFFICE)
    for _ in range(settings.LOGIN_THROTTLE_ATTEMPTS):
        assert client.post("/accounts/two-factor/", {"code": "000001"}).status_code == 400
    device = fresh(TOTPDevice.objects.get(user=user(OFFICE)))
    refused = client.post("/accounts/two-factor/", {"code": code_for(device)})
    assert refused.status_code == 400 and "Too many wrong codes" in refused.content.decode()
    assert client.get("/stokes-wood/").status_code == 302


def test_the_headteacher_resets_a_lost_phone(required, client, user):
    from django.test import Client

    password_login(client, OFFICE)
    enrol(client, OFFICE)
    client.post("/accounts/logout/")
    office = user(OFFICE)
    url = f"/stokes-wood/log-in-security/{office.pk}/reset/"

    dsl = Client()
    password_login(dsl, "dsl@stokes-wood.demo")
    enrol(dsl, "dsl@stokes-wood.demo")
    assert dsl.post(url).status_code == 403  # only the Headteacher
    head = Client()
    password_login(head, HEAD)
    enrol(head, HEAD)
    page = head.get("/stokes-wood/log-in-security/")
    assert page.status_code == 200 and "Janet Lee" in page.content.decode()
    assert head.post(f"/stokes-wood/log-in-security/{user('head@high-hesket.demo').pk}/reset/").status_code == 404
    response = head.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=office).exists() and not StaticToken.objects.filter(device__user=office).exists()
    entry = AuditEntry.objects.get(action="two_factor.reset")
    assert entry.school_id == required.pk and "Janet Lee" in entry.summary and "Sarah Patel" in entry.summary
    password_login(client, OFFICE)
    assert client.get("/stokes-wood/").url.startswith("/accounts/two-factor/set-up/")


def test_the_headteacher_turns_the_requirement_and_timeouts_on(stokes, login):
    head = login(HEAD)
    bad = head.post("/stokes-wood/log-in-security/", {"two_factor_required": "on", "session_idle_minutes": "1", "session_max_hours": "99"})
    assert bad.status_code == 400
    stokes.refresh_from_db()
    assert not stokes.two_factor_required and stokes.session_idle_minutes == 30
    ok = head.post("/stokes-wood/log-in-security/", {"two_factor_required": "on", "session_idle_minutes": "20", "session_max_hours": "8"})
    assert ok.status_code == 302
    stokes.refresh_from_db()
    assert (stokes.two_factor_required, stokes.session_idle_minutes, stokes.session_max_hours) == (True, 20, 8)
    assert AuditEntry.objects.filter(action="login_security.settings", school=stokes).exists()


def test_the_demo_says_two_factor_log_in_is_off_where_staff_would_set_it_up(stokes, login):
    head = login(HEAD)
    assert "Two-factor log-in is off in this demo" in head.get("/stokes-wood/log-in-security/").content.decode()
    assert "Two-factor log-in is off in this demo" in head.get("/accounts/two-factor/set-up/").content.decode()


def test_a_session_left_open_cannot_set_up_someone_elses_phone(stokes, client):
    import time

    from schoolgate.schools.reauth import CONFIRMED

    password_login(client, HEAD)
    session = client.session
    session[CONFIRMED] = time.time() - 600
    session.save()
    response = client.get("/accounts/two-factor/set-up/")
    assert response.status_code == 302 and response.url.startswith("/accounts/confirm/?next=")
    assert not TOTPDevice.objects.filter(user__username=HEAD).exists()
    client.post("/accounts/confirm/", {"password": DEMO_PASSWORD, "next": "/accounts/two-factor/set-up/"})
    assert client.get("/accounts/two-factor/set-up/").status_code == 200
