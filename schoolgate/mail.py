"""E-mail from Schoolgate, always sent after the change it reports is committed.

The change (a decision, a reminder, a restriction) is already saved when the mail goes, so a mail relay
that is down must never undo it or turn someone's page into an error: the failure is logged, and the
in-app record still tells the person. Outside a transaction the mail goes at once.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

log = logging.getLogger(__name__)
_quiet: ContextVar[bool] = ContextVar("schoolgate_mail_quiet", default=False)


@contextmanager
def quiet():
    """No e-mail while building demo data: its notices stay in the app (the demo addresses are not real)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def send_after_commit(subject: str, body: str, to, *, reply_to=None, attachments=()) -> None:
    """Queue one e-mail for when the current transaction commits. `attachments`: (name, bytes, type)."""
    recipients = sorted({address for address in to if address})
    if not recipients or _quiet.get():
        return

    def send():
        message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients,
                               reply_to=[r for r in (reply_to or ()) if r] or None)
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        try:
            message.send()
        except Exception:  # noqa: BLE001 - any relay error: the saved change stands, the failure is logged
            log.exception("e-mail to %s failed: %s", recipients, subject)

    transaction.on_commit(send)
