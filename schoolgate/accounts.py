"""Log-in with throttling: after too many failures for an account or an address, a cool-down."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError


def _keys(request, username: str) -> list[str]:
    ip = request.META.get("REMOTE_ADDR", "unknown")
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:ip:{ip}"]


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        keys = _keys(self.request, username)
        if any((cache.get(k) or 0) >= settings.LOGIN_THROTTLE_ATTEMPTS for k in keys):
            minutes = settings.LOGIN_THROTTLE_SECONDS // 60
            raise ValidationError(f"Too many failed log-ins. Please wait {minutes} minutes or reset your password.", code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            for key in keys:
                cache.set(key, (cache.get(key) or 0) + 1, settings.LOGIN_THROTTLE_SECONDS)
            raise
        for key in keys[:1]:
            cache.delete(key)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True
