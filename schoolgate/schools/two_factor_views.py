"""The pages of two-factor log-in: the code after the password, enrolment, and the Headteacher's log-in
security page (the school's settings, who has set it up, and resetting a lost phone)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolgate.audit.models import record

from . import two_factor
from .access import id_from, school_view
from .demo import ACCOUNTS as DEMO_ACCOUNTS
from .models import Membership, Role
from .reauth import mark_confirmed, reauth_required, recently_confirmed

DEMO_EMAILS = frozenset(email for _, email, *_ in DEMO_ACCOUNTS)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


class CodeForm(forms.Form):
    code = forms.CharField(label="Code", max_length=40, strip=True,
                           error_messages={"required": "Enter the 6 numbers your authenticator app shows."},
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autocapitalize": "none", "spellcheck": "false"}))


@require_http_methods(["GET", "POST"])
def code(request):
    """The second step of the log-in: the code from the app, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect("login")
    if not two_factor.is_enrolled(request.user):
        return redirect(_next(request))
    if request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.check_code(request, form.cleaned_data["code"])
        except two_factor.CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            mark_confirmed(request)
            if device.persistent_id.startswith("otp_static"):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(request, f"You used a recovery code. You have {left} left. If you have lost your phone, "
                                          "set up two-factor log-in again on a new one, or ask your Headteacher to reset it.")
            return redirect(_next(request))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/two_factor_code.html", {"form": form, "next": _next(request)}, status=status)


@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrolment: scan the QR code (or type the secret), then confirm with the first code."""
    if not request.user.is_authenticated:
        return redirect("login")
    user = request.user
    enrolled = two_factor.is_enrolled(user)
    if enrolled and not user.is_verified():
        return redirect("schools:two_factor_code")  # replacing a phone needs the current second factor first
    if not recently_confirmed(request):
        # A session left open must not be able to tie the account to someone else's phone.
        return redirect(f"{reverse('schools:confirm')}?{urlencode({'next': request.get_full_path()})}")
    required = two_factor.required_for(user)
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            mark_confirmed(request)
            return render(request, "registration/two_factor_done.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", "That code is not right. Check the app shows Schoolgate, and type the 6 numbers it shows now.")
    context = {
        "form": form, "qr": two_factor.qr_svg(device, user), "secret": two_factor.secret_text(device), "next": _next(request),
        "required": required, "enrolled": enrolled, "demo": not required and user.get_username() in DEMO_EMAILS,
    }
    return render(request, "registration/two_factor_setup.html", context, status=400 if request.method == "POST" else 200)


# -- the Headteacher's log-in security page ---------------------------------------------------------------------------

class LoginSecurityForm(forms.Form):
    two_factor_required = forms.BooleanField(
        label="Staff must use two-factor log-in", required=False,
        help_text="After their password, staff type a code from an app on their phone. Parents are never asked.")
    session_idle_minutes = forms.IntegerField(
        label="Log people out after this many minutes without activity", min_value=5, max_value=480,
        help_text="Between 5 and 480. 30 is recommended: a shared school computer is not left logged in.")
    session_max_hours = forms.IntegerField(
        label="Log people out after this many hours, however active", min_value=1, max_value=24,
        help_text="Between 1 and 24. 12 is recommended: everyone logs in again each day.")


def _staff(school):
    User = get_user_model()
    ids = Membership.objects.filter(school=school, role__in=two_factor.TWO_FACTOR_ROLES).values_list("user_id", flat=True)
    enrolled = set(TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True))
    people = User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")
    return [{"user": u, "enrolled": u.pk in enrolled,
             "roles": ", ".join(m.get_role_display() for m in Membership.objects.filter(school=school, user=u, role__in=two_factor.TWO_FACTOR_ROLES))}
            for u in people]


@school_view({Role.HEADTEACHER})
@require_http_methods(["GET", "POST"])
@reauth_required
def login_security(request):
    school = request.school
    initial = {"two_factor_required": school.two_factor_required, "session_idle_minutes": school.session_idle_minutes,
               "session_max_hours": school.session_max_hours}
    form = LoginSecurityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            changed = {k: v for k, v in form.cleaned_data.items() if getattr(school, k) != v}
            for field, value in changed.items():
                setattr(school, field, value)
            if changed:
                school.save(update_fields=list(changed))
                record(two_factor.SecurityEvent.SETTINGS, actor=request.user, school=school, target=school,
                       summary="Log-in security changed: " + "; ".join(f"{LoginSecurityForm.base_fields[k].label}: {v}" for k, v in changed.items()),
                       **changed)
        messages.success(request, "The log-in security settings are saved." if changed else "Nothing was changed.")
        return redirect("schools:login_security", slug=school.slug)
    demo = request.user.get_username() in DEMO_EMAILS
    return render(request, "registration/login_security.html", {"form": form, "staff": _staff(school), "demo": demo},
                  status=400 if request.method == "POST" else 200)


@school_view({Role.HEADTEACHER})
@require_POST
@reauth_required
def reset_two_factor(request, pk):
    member_id = id_from(str(pk))
    member = get_user_model().objects.filter(pk=member_id, memberships__school=request.school,
                                             memberships__role__in=two_factor.TWO_FACTOR_ROLES).distinct().first()
    if member is None:
        raise Http404("No such member of staff")
    two_factor.reset(request.school, member, actor=request.user)
    messages.success(request, f"Two-factor log-in was reset for {member.get_full_name() or member.get_username()}. "
                              "They will set it up again on their new phone after their password, next time they log in.")
    return redirect("schools:login_security", slug=request.school.slug)
