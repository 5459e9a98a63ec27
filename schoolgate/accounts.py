"""Log-in and password reset, protected against guessing, and e-mail that never prints a live link.

Log-in throttling (issue 13, items 1 and 2). Every attempt takes a numbered *slot* before its password is
checked: `cache.add` of `key:0`, `key:1`, … succeeds for one caller only (an INSERT on the database cache),
so N simultaneous attempts take at most the limit of slots and make at most that many password checks.
A success gives its slots back. Three counts, each with its own rule:

- the account from one client address: after LOGIN_THROTTLE_ATTEMPTS failures that address waits
  LOGIN_THROTTLE_SECONDS for that account (a cool-down for one pair, not a lock on the account);
- the account from anywhere: after LOGIN_THROTTLE_ATTEMPTS failures log-ins to it are *slowed*, not
  locked: one password check per turn, each turn a little longer (LOGIN_SLOWDOWN_SECONDS doubling up to
  LOGIN_SLOWDOWN_MAX_SECONDS). An address that logged in to the account before skips the turns, and the
  account holder is told by e-mail, once per episode;
- one address across accounts: after LOGIN_THROTTLE_ADDRESS_ATTEMPTS failures it is slowed the same way.

The client address is REMOTE_ADDR unless SCHOOLGATE_TRUSTED_PROXY_HEADER names the header a reverse proxy
sets: behind a proxy every request comes from the proxy, so without it all users share one address.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import math
import os
import re
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.shortcuts import render
from django.utils import timezone

from schoolgate import mail

log = logging.getLogger(__name__)

KNOWN_ADDRESS_SECONDS = 60 * 60 * 24 * 30


def client_address(request) -> str:
    """The client's address: from the trusted proxy's header when one is configured, else REMOTE_ADDR."""
    if request is None:
        return ""
    header = getattr(settings, "SCHOOLGATE_TRUSTED_PROXY_HEADER", "") or ""
    if header:
        meta_key = header.upper().replace("-", "_")
        meta_key = meta_key if meta_key.startswith("HTTP_") else f"HTTP_{meta_key}"
        value = request.META.get(meta_key, "")
        # X-Forwarded-For is "client, proxy1, …": the last entry is the one our own proxy added; the
        # ones before it are whatever the client chose to send.
        address = value.split(",")[-1].strip()
        if address:
            return address[:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]  # cache keys: fixed length, no odd characters


def _take_slot(key: str, limit: int, seconds: int) -> str | None:
    """Atomically take one of `limit` slots of `key` for `seconds`: the slot's key, None when all are taken."""
    return next((f"{key}:{n}" for n in range(limit) if cache.add(f"{key}:{n}", 1, seconds)), None)


def _slots_full(key: str, limit: int) -> bool:
    return len(cache.get_many([f"{key}:{n}" for n in range(limit)])) >= limit


def _give_back(key: str, limit: int) -> None:
    cache.delete_many([f"{key}:{n}" for n in range(limit)])


def _take_turn(key: str) -> int:
    """One password check per turn while slowed: 0 when this caller got the turn, else seconds to wait."""
    level = cache.get(f"{key}:level") or 0
    seconds = min(settings.LOGIN_SLOWDOWN_SECONDS * 2**level, settings.LOGIN_SLOWDOWN_MAX_SECONDS)
    if cache.add(f"{key}:turn", seconds, seconds):
        cache.set(f"{key}:level", level + 1, settings.LOGIN_THROTTLE_SECONDS)
        return 0
    return cache.get(f"{key}:turn") or seconds  # the length of the turn someone else holds


def _wait_text(seconds: int) -> str:
    if seconds >= 90 * 60:
        return f"{round(seconds / 3600)} hours"
    if seconds >= 90:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds} seconds"


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The e-mail address (or user name) and password do not match an account. Check them and try again, "
        "or reset your password.",
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip().lower()
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        address = client_address(self.request)
        attempts = settings.LOGIN_THROTTLE_ATTEMPTS
        seconds = settings.LOGIN_THROTTLE_SECONDS
        account = f"login:account:{_digest(username)}"
        pair = f"login:pair:{_digest(username + '|' + address)}"
        from_address = f"login:address:{_digest(address)}"

        # Count first, check the password after: a slot is taken before the slow hash runs.
        if not _take_slot(pair, attempts, seconds):
            raise ValidationError(
                f"There have been too many failed log-ins to this account from your network. Please wait "
                f"{_wait_text(seconds)} and try again, or reset your password.", code="throttled")
        address_slot = _take_slot(from_address, settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS, seconds)
        if not address_slot:
            wait = _take_turn(from_address)
            if wait:
                raise ValidationError(
                    f"There have been many failed log-ins from your network. To keep accounts safe, log-ins from it are "
                    f"slowed down: please wait {_wait_text(wait)} and try again.", code="slowed")
        known = cache.get(f"login:known:{_digest(username + '|' + address)}")
        slowed = not _take_slot(account, attempts, seconds)
        if slowed and not known:
            wait = _take_turn(account)
            if wait:
                self._tell_holder(username, account)
                raise ValidationError(
                    f"There have been several failed log-ins to this account. To keep it safe, log-ins are slowed down: "
                    f"please wait {_wait_text(wait)} and try again.", code="slowed")
        try:
            cleaned = super().clean()
        except ValidationError:
            if slowed or _slots_full(account, attempts):
                self._tell_holder(username, account)
            raise
        for key in (pair, account):
            _give_back(key, attempts)
        if address_slot:  # only failures count against an address (a school behind one proxy logs in a lot)
            cache.delete(address_slot)
        for key in (f"{account}:level", f"{account}:turn", f"{account}:told"):
            cache.delete(key)
        cache.set(f"login:known:{_digest(username + '|' + address)}", 1, KNOWN_ADDRESS_SECONDS)
        return cleaned

    def _tell_holder(self, username: str, account: str) -> None:
        """One e-mail per episode to the account holder; the page says the same whether the account exists."""
        if not cache.add(f"{account}:told", 1, settings.LOGIN_THROTTLE_SECONDS):
            return
        user = get_user_model()._default_manager.filter(username__iexact=username, is_active=True).first()
        if user is None or not user.email:
            return
        mail.send_after_commit(
            "Failed log-ins to your Schoolgate account",
            f"Hello {user.get_full_name() or user.get_username()},\n\n"
            "Someone has just tried several times to log in to your Schoolgate account with the wrong password.\n\n"
            "If it was you, there is nothing to do: wait a moment and try again, or reset your password from the log-in page.\n"
            "If it was not you, your account is safe for now: log-ins to it are being slowed down. Please choose a new, "
            "strong password and tell your school's Schoolgate administrator.\n\n"
            "We will not e-mail you again about this unless it happens again later.\n",
            [user.email],
        )


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page with a limit per client address and per e-mail address typed (issue 13 item 9).

    The limit counts what was typed, whether or not an account uses it, and the page beyond it is the same
    either way, so it tells nobody whether an address has an account.
    """

    def post(self, request, *args, **kwargs):
        limit, seconds = settings.PASSWORD_RESET_LIMIT, settings.PASSWORD_RESET_WINDOW_SECONDS
        email = (request.POST.get("email") or "").strip().lower()[:254]
        keys = [f"reset:address:{_digest(client_address(request))}"]
        if email:
            keys.append(f"reset:email:{_digest(email)}")
        if not all([_take_slot(key, limit, seconds) for key in keys]):
            return render(request, "registration/password_reset_limited.html",
                          {"wait": _wait_text(seconds), "limit": limit}, status=429)
        return super().post(request, *args, **kwargs)


# -- limits per user on what costs the school something (issue 13 item 9) ---------------------------------------
# Comments and concerns land in a person's queue, the live check runs the judge, reminders e-mail every parent.
# Each is limited per account with the same atomic slots as the log-in throttle: N simultaneous posts take at
# most the limit. Past it the person gets a 429 page saying what was limited and when they can try again.


def take_turn(request, name: str):
    """Count one use of `name` (a key of settings.RATE_LIMITS) by the logged-in user: None when it is allowed,
    else the 429 response to return. Used by `rate_limited`, and directly where only some POSTs count."""
    return _take(request, name)[1]


SLOTS_READ_AT_ONCE = 50


def _free_slot(key: str, limit: int, until: float, seconds: int) -> tuple[str | None, list]:
    """Take the first free one of the `limit` slots `key:0` … `key:limit-1` (cache.add: atomic, so two requests
    never hold one slot): (the slot, []) or, when all are held, (None, the values they hold).

    The slots in use are read first, SLOTS_READ_AT_ONCE in one cache read, and only a free one is tried: one read
    and one write per use, where trying each slot in turn made the n-th use in a window cost n writes (each a
    write transaction in the database cache, taking SQLite's one write lock)."""
    held = []
    for start in range(0, limit, SLOTS_READ_AT_ONCE):
        keys = [f"{key}:{n}" for n in range(start, min(start + SLOTS_READ_AT_ONCE, limit))]
        values = cache.get_many(keys)
        for k in keys:
            if k not in values and cache.add(k, until, seconds):
                return k, []
        held.extend(values.values())
    return None, held


def _take(request, name: str):
    """(the slot taken, None) when allowed; (None, the 429 response) when the user is over the limit."""
    limit, seconds, what, meanwhile = settings.RATE_LIMITS[name]
    key = f"limit:{name}:{request.user.pk}"
    until = time.time() + seconds  # each slot holds the time it frees, so the page can say when to try again
    slot, held = _free_slot(key, limit, until, seconds)
    if slot is not None:
        return slot, None
    freed = [v for v in held if isinstance(v, (int, float))]
    wait = max(1, math.ceil((min(freed) if freed else until) - time.time()))
    again = timezone.localtime(timezone.now() + dt.timedelta(seconds=wait))
    context = {"what": what, "meanwhile": meanwhile, "limit": limit, "window": _wait_text(seconds), "wait": _wait_text(wait), "again": again}
    template = "registration/rate_limited_fragment.html" if request.headers.get("HX-Request") else "registration/rate_limited.html"
    response = render(request, template, context, status=429)
    response.headers["Retry-After"] = str(wait)
    return None, response


def rate_limited(name: str):
    """Limit a view's POSTs per user (settings.RATE_LIMITS[name]); GETs are never counted. Place it below
    the access decorator, so only a logged-in member with the right role is counted. The use is counted
    before the view runs (so simultaneous posts cannot overshoot) and given back when the view refuses the
    request (a 4xx: a form error, an unknown id): only what was really done counts."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST" or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            slot, refused = _take(request, name)
            if refused is not None:
                return refused
            try:
                response = view(request, *args, **kwargs)
            except Exception:  # Http404, PermissionDenied, …: refused, so not counted
                cache.delete(slot)
                raise
            if response.status_code >= 400:
                cache.delete(slot)
            return response

        return wrapper

    return decorator


# -- e-mail printed to the console (the demo, or a school before its relay is set up) -----------------------

# A password link: /accounts/reset/<uid>/<token>/, and Django's token shape anywhere else.
_SECRET_LINK = re.compile(r"\S*/reset/[^/\s]+/[^/\s]+/?")
_TOKEN = re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{20,}\b")
REDACTED = "[link removed from the log: see the e-mail file]"


def redact(text: str) -> str:
    return _TOKEN.sub(REDACTED, _SECRET_LINK.sub(REDACTED, text))


class RedactingConsoleBackend(ConsoleEmailBackend):
    """Prints each e-mail with its password links removed, and writes it whole to CONSOLE_MAIL_FILE.

    The server log is read by more people, and kept longer, than anyone should hold a live reset link; the
    file is created mode 0600, so only the operator's account can read it.
    """

    def write_message(self, message):
        path = Path(settings.CONSOLE_MAIL_FILE)
        self._keep_whole(message, path)
        shown = copy.copy(message)
        shown.body = redact(message.body or "")
        if getattr(message, "alternatives", None):
            shown.alternatives = [type(a)(redact(a.content), a.mimetype) if isinstance(a.content, str) else a
                                  for a in message.alternatives]
        super().write_message(shown)
        if shown.body != message.body:
            self.stream.write(f"(links in this e-mail were removed from the log; the whole e-mail is in {path}, readable by the operator only)\n")

    @staticmethod
    def _keep_whole(message, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # an older file made with a looser umask is tightened too
        with os.fdopen(fd, "ab") as fh:
            fh.write(message.message().as_bytes() + b"\n" + b"-" * 79 + b"\n")
