"""Two-factor log-in for staff (issue 13 item 3): a six-digit code from an authenticator app after the password.

Who: every staff role (headteacher, DSL, office, teachers, governors) at a school whose `two_factor_required`
is on. Each of those roles can see records a stranger must not: cases and their evidence (teachers and
governors when a case is shared with them), chat scans, the consent register, the audit log. Parents never.
A school's setting is on for a new school and off in the demo.

How (django-otp): a TOTP device per account (RFC 6238, the codes any authenticator app shows), enrolled by
scanning a QR code (drawn as SVG on the server by segno) or typing the secret, and confirmed with a first
code; ten recovery codes (django-otp's static device), shown once, each usable once. `TwoFactorMiddleware`
sends a staff member who has not enrolled to enrolment, and an enrolled person to the code step, before any
page. The code step is throttled with the log-in's own atomic slots (schoolgate.accounts), per account and
address and per account, so the six digits cannot be guessed. Enrolment, the use of a recovery code and a
Headteacher's reset of a lost phone go into the audit log of each school where the person is staff.
"""

from __future__ import annotations

import base64
import time
from enum import StrEnum
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolgate.accounts import _digest, _give_back, _take_slot, _wait_text, client_address
from schoolgate.audit.models import record

from . import redirects
from .models import STAFF_ROLES, School, actor_label

# Every staff role can reach cases, evidence, chat scans, consents or the audit log (see the module docstring).
TWO_FACTOR_ROLES = STAFF_ROLES
RECOVERY_CODES = 10
ISSUER = "Schoolgate"
# Pages reachable before the second factor: logging in and out, resetting a password, and these steps.
OPEN_URL_NAMES = frozenset({
    "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
    "two_factor_code", "two_factor_setup",
})


FREE_CHECKED_AT = "sg_2fa_free"
RECHECK_SECONDS = 60


class SecurityEvent(StrEnum):
    ENROL = "two_factor.enrol"
    RECOVERY_CODE_USED = "two_factor.recovery_code_used"
    RESET = "two_factor.reset"
    SETTINGS = "login_security.settings"


def staff_schools(user):
    return School.objects.filter(memberships__user=user, memberships__role__in=TWO_FACTOR_ROLES).distinct()


def required_for(user) -> bool:
    """Whether this account must use a second factor: staff at a school that requires it."""
    return staff_schools(user).filter(two_factor_required=True).exists()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _audit(user, action: str, summary: str, *, actor=None, **details) -> None:
    """One entry per school where the person is staff: each school's audit page shows its own people."""
    schools = list(staff_schools(user)) or [None]
    for school in schools:
        record(action, actor=actor or user, school=school, target=user, summary=summary, **details)


# -- enrolment -----------------------------------------------------------------------------------------------------

def pending_device(user) -> TOTPDevice:
    """The device being set up: one unconfirmed device per account, reused until confirmed (a reload of the
    page shows the same QR code, so a scan already made still works)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, user) -> str:
    """The otpauth:// link as a QR code in SVG markup (attributes only: nothing the CSP would refuse)."""
    label = f"{ISSUER}:{user.get_username()}"
    uri = f"otpauth://totp/{label}?" + urlencode({"secret": secret_text(device).replace(" ", ""), "issuer": ISSUER,
                                                   "digits": device.digits, "period": device.step})
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff", omitsize=False)


@transaction.atomic
def confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with its first code: the account is enrolled, this session is verified, and the
    new recovery codes are returned (to be shown once). None when the code is wrong."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # a new phone replaces the old one
    device.confirmed = True
    device.save()
    codes = new_recovery_codes(user)
    otp_login(request, device)
    request.session.pop(FREE_CHECKED_AT, None)
    _audit(user, SecurityEvent.ENROL, f"{actor_label(user)} set up two-factor log-in (an authenticator app and {len(codes)} recovery codes)")
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def reset(school: School, member, *, actor) -> None:
    """A Headteacher's reset of a lost phone: the person's app and recovery codes are removed, so they set up
    two-factor log-in again after their password at their next log-in."""
    TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    record(SecurityEvent.RESET, actor=actor, school=school, target=member,
           summary=f"{actor_label(actor, nobody='The server administrator (command line)')} reset two-factor log-in for {actor_label(member)} "
                   "(lost or replaced phone)")


# -- the code step -------------------------------------------------------------------------------------------------

class CodeRefused(ValueError):
    """The code was wrong, or too many codes were tried; the message is for the person."""


def _digits(code: str) -> str:
    return "".join((code or "").split()).replace("-", "")


def check_code(request, code: str):
    """Verify a code (the app's six digits or a recovery code) for the logged-in user, throttled like the
    password: a slot is taken before the code is checked. Returns the device; raises CodeRefused."""
    user = request.user
    attempts, seconds = settings.LOGIN_THROTTLE_ATTEMPTS, settings.LOGIN_THROTTLE_SECONDS
    pair = f"otp:pair:{_digest(f'{user.pk}|{client_address(request)}')}"
    account = f"otp:account:{user.pk}"
    if not _take_slot(pair, attempts, seconds) or not _take_slot(account, attempts * 3, seconds):
        raise CodeRefused(f"Too many wrong codes have been tried. Please wait {_wait_text(seconds)} and try again, "
                          "or ask your Headteacher to reset your two-factor log-in.")
    token = _digits(code).lower()
    device = None
    if token.isdigit():
        device = next((d for d in TOTPDevice.objects.filter(user=user, confirmed=True) if d.verify_token(token)), None)
    elif token:
        device = next((d for d in StaticDevice.objects.filter(user=user, confirmed=True) if d.verify_token(token)), None)
    if device is None:
        raise CodeRefused("That code is not right. Type the 6 numbers your authenticator app shows now, or one of your recovery codes.")
    _give_back(pair, attempts)
    _give_back(account, attempts * 3)
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        left = recovery_codes_left(user)
        _audit(user, SecurityEvent.RECOVERY_CODE_USED, f"{actor_label(user)} logged in with a recovery code ({left} left)", left=left)
    return device


# -- the middleware ------------------------------------------------------------------------------------------------

class TwoFactorMiddleware:
    """Before any page: an enrolled person gives their code; staff who must enrol are sent to enrol.

    After django_otp's OTPMiddleware (which sets request.user.is_verified from the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        # A person with no second factor, at no school requiring one, is re-checked once a minute (not on
        # every request): a Headteacher turning the requirement on reaches open sessions within that minute.
        checked = request.session.get(FREE_CHECKED_AT) or 0
        if 0 <= time.time() - checked < RECHECK_SECONDS:
            return None
        if is_enrolled(user):
            step = "schools:two_factor_code"
        elif required_for(user):
            step = "schools:two_factor_setup"
        else:
            request.session[FREE_CHECKED_AT] = time.time()
            return None
        return redirects.to_step(request, step)
