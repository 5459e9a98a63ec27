"""Log-ins, log-outs and refused log-ins are audited like any other state change."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from schoolgate.accounts import client_address

from .audit_events import AuditEvent
from .models import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditEvent.LOGIN, actor=user, summary="Logged in", ip=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.LOGOUT, actor=user, summary="Logged out", ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the user name is kept: never the password that was tried.
    record(AuditEvent.LOGIN_FAILED, summary=f"Refused log-in for {credentials.get('username', '')[:150]}", ip=_ip(request))


def _ip(request) -> str:
    return client_address(request) if request is not None else ""
