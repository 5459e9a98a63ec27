"""Sessions that end, and "confirm it's you" before the most sensitive actions (issue 13 item 4).

- Timeouts: a log-in ends after the school's idle minutes without a request, and after its hours in all
  however active (School.session_idle_minutes / session_max_hours; 30 minutes and 12 hours by default). A
  person at two schools gets the stricter of the two. `SessionTimeoutMiddleware` logs them out and says why.
- Re-authentication: `@reauth_required` on a view asks for the password again (and the two-factor code when
  the person has set it up) unless they gave it within REAUTH_SECONDS. It guards exports and downloads of
  evidence packs, chronologies and subject access exports, the consent CSV, the audit log and revealing
  a chat participant: a session left open on a shared computer cannot take those away. Put it below the
  access decorator: `@school_view(...)` first, so only a member with the right role is asked.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from schoolgate.accounts import ThrottledAuthenticationForm

from . import redirects, two_factor
from .models import School

STARTED, SEEN, CONFIRMED, LIMITS = "sg_started", "sg_seen", "sg_confirmed", "sg_limits"
SEEN_RESOLUTION = 30  # seconds: the session is written at most this often just to note activity


def limits_for(user) -> tuple[int, int]:
    """(idle seconds, absolute seconds): the strictest among the person's schools, else the defaults."""
    rows = list(School.objects.filter(memberships__user=user).values_list("session_idle_minutes", "session_max_hours"))
    idle = min((r[0] for r in rows), default=settings.SESSION_IDLE_MINUTES)
    most = min((r[1] for r in rows), default=settings.SESSION_MAX_HOURS)
    return max(idle, 1) * 60, max(most, 1) * 3600


def _limits(request, user, now: float) -> tuple[int, int]:
    """limits_for, read again once a minute rather than on every request."""
    cached = request.session.get(LIMITS)
    if cached and 0 <= now - cached[2] < 60:
        return cached[0], cached[1]
    idle, most = limits_for(user)
    request.session[LIMITS] = (idle, most, now)
    return idle, most


@receiver(user_logged_in)
def _note_log_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[STARTED] = request.session[SEEN] = now
    for key in (CONFIRMED, LIMITS, two_factor.FREE_CHECKED_AT):
        request.session.pop(key, None)
    if not two_factor.is_enrolled(user):
        request.session[CONFIRMED] = now  # the password was just typed; an enrolled person confirms with the code


def mark_confirmed(request) -> None:
    request.session[CONFIRMED] = time.time()


def recently_confirmed(request) -> bool:
    return time.time() - (request.session.get(CONFIRMED) or 0) <= settings.REAUTH_SECONDS


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started, seen = session.get(STARTED), session.get(SEEN)
            if started is None or seen is None:  # a session from before timeouts (or a test's force_login)
                session[STARTED] = started = now if started is None else started
                session[SEEN] = seen = now
            idle, most = _limits(request, user, now)
            if now - seen > idle or now - started > most:
                logout(request)
                why = (f"after {idle // 60} minutes without activity" if now - seen > idle
                       else f"after {most // 3600} hours")
                messages.info(request, f"You were logged out {why}, to keep the school's records safe. Please log in again.")
                return redirects.to_step(request, "login")
            if now - seen >= SEEN_RESOLUTION:
                session[SEEN] = now
        return self.get_response(request)


# -- re-authentication ----------------------------------------------------------------------------------------------

def reauth_required(view):
    """Ask for the password (and code) again unless given in the last REAUTH_SECONDS."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and recently_confirmed(request):
            return view(request, *args, **kwargs)
        if request.method == "GET":
            back = request.get_full_path()
        else:
            # A form's POST cannot be replayed: back to the page the form was on, to choose it again.
            referer = request.headers.get("Referer", "")
            back = urlsplit(referer)._replace(scheme="", netloc="").geturl() if referer else reverse("home")
            if not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
                back = reverse("home")
        return redirects.to_step(request, "schools:confirm", back)

    wrapper.reauth_required = True
    return wrapper


class ConfirmForm(forms.Form):
    password = forms.CharField(label="Your password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               error_messages={"required": "Enter your password."})
    code = forms.CharField(label="Code from your authenticator app", required=False, max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))

    def __init__(self, *args, request, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.needs_code = request, needs_code
        if not needs_code:
            del self.fields["code"]
        else:
            self.fields["code"].required = True
            self.fields["code"].error_messages["required"] = "Enter the 6 numbers your authenticator app shows."

    def clean_password(self):
        password = self.cleaned_data["password"]
        # The log-in form's own throttle: the same slots, so confirming cannot be used to guess a password.
        check = ThrottledAuthenticationForm(self.request, data={"username": self.request.user.get_username(), "password": password})
        if not check.is_valid() or check.get_user().pk != self.request.user.pk:
            errors = check.errors.get("__all__") or ["That password is not right."]
            message = errors[0] if "wait" in errors[0] else "That password is not right."
            raise ValidationError(message)
        return password

    def clean(self):
        cleaned = super().clean()
        if self.needs_code and not self.errors:
            try:
                two_factor.check_code(self.request, cleaned.get("code", ""))
            except two_factor.CodeRefused as exc:
                self.add_error("code", str(exc))
        return cleaned


@require_http_methods(["GET", "POST"])
def confirm(request):
    """"Confirm it's you": the password again, and the code when enrolled."""
    if not request.user.is_authenticated:
        return redirect("login")
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    needs_code = two_factor.is_enrolled(request.user)
    form = ConfirmForm(request.POST or None, request=request, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        mark_confirmed(request)
        return redirect(target)
    minutes = settings.REAUTH_SECONDS // 60
    return render(request, "registration/confirm.html", {"form": form, "next": target, "minutes": minutes},
                  status=400 if request.method == "POST" else 200)
