"""Sending a letter renders its PDF before any transaction (issue 14: no CPU-heavy work inside a write
transaction), from the draft as checked; then one short transaction sends it only if it is unchanged."""

import re

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection

from schoolgate.audit.models import AuditEntry
from schoolgate.cases import letters
from schoolgate.cases.errors import CaseError
from schoolgate.cases.models import Letter

from .test_letter_check import urls
from .test_letters_sendable import form_data, warning_for


def _checked(head, case, letter, delivery="hand"):
    _, check, send, _ = urls(case, letter)
    head.post(check, form_data(letter, delivery=delivery))
    page = head.get(f"{check}?delivery={delivery}").content.decode()
    return send, re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)


def _letter_files(case):
    folder = f"cases/{case.school.slug}/{case.pk}/letters"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_the_letter_pdf_is_rendered_outside_any_transaction(stokes, open_for, login, monkeypatch, django_capture_on_commit_callbacks):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    send, fingerprint = _checked(head, case, letter, delivery="email")
    seen, real = [], letters.render_pdf

    def watching(*args, **kwargs):
        seen.append(len(connection.atomic_blocks))
        return real(*args, **kwargs)

    monkeypatch.setattr(letters, "render_pdf", watching)
    outside = len(connection.atomic_blocks)  # pytest-django's own test transaction
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert head.post(send, {"delivery": "email", "fingerprint": fingerprint}).status_code == 302
    # One render, with no transaction of the sending's own around it.
    assert seen == [outside]
    letter.refresh_from_db()
    assert letter.is_sent and letter.pdf_bytes().startswith(b"%PDF") and letters.ev.sha256(letter.pdf_bytes()) == letter.sha256
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][1] == letter.pdf_bytes()


def test_a_letter_edited_while_its_pdf_is_made_is_refused_and_nothing_is_stored(stokes, open_for, login, monkeypatch):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    send, fingerprint = _checked(head, case, letter)
    real, before = letters.render_pdf, (case.deadlines.count(), case.step_actions.count())

    def edited_meanwhile(*args, **kwargs):
        # Another tab saves a change to the draft while this request renders the PDF.
        Letter.objects.filter(pk=letter.pk).update(body="A different letter, saved in another tab.")
        return real(*args, **kwargs)

    monkeypatch.setattr(letters, "render_pdf", edited_meanwhile)
    response = head.post(send, {"delivery": "hand", "fingerprint": fingerprint})
    assert response.status_code == 409 and "changed while it was being prepared" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT and not letter.sha256 and not letter.file and letter.sent_at is None
    assert _letter_files(case) == []
    assert (case.deadlines.count(), case.step_actions.count()) == before
    assert not AuditEntry.objects.filter(action="case.letter_sent").exists()
    # Checked again, the changed letter is sent as it now stands.
    monkeypatch.setattr(letters, "render_pdf", real)
    send, fingerprint = _checked(head, case, Letter.objects.get(pk=letter.pk))
    assert head.post(send, {"delivery": "hand", "fingerprint": fingerprint}).status_code == 302
    letter.refresh_from_db()
    assert letter.is_sent and len(_letter_files(case)) == 1


def test_a_letter_sent_meanwhile_is_not_sent_twice(stokes, open_for, login, monkeypatch):
    case, letter = warning_for(stokes, open_for)
    real, sent, steps = letters.render_pdf, [], case.step_actions.count()

    def sent_by_someone_else_meanwhile(*args, **kwargs):
        if not sent:
            sent.append(None)
            sent[0] = letters.send_letter(letter, actor=case.opened_by)  # the other request, which wins the lock
        return real(*args, **kwargs)

    monkeypatch.setattr(letters, "render_pdf", sent_by_someone_else_meanwhile)
    with pytest.raises(CaseError, match="already been sent"):
        letters.send_letter(letter, actor=case.opened_by)
    assert AuditEntry.objects.filter(action="case.letter_sent").count() == 1 and case.step_actions.count() == steps + 1
    assert Letter.objects.get(pk=letter.pk).sha256 == sent[0].sha256
