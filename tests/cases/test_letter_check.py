"""Issue 12: "check your answers" before a letter is sent, then a confirmation that says what happens next.

The letter form's "Continue" saves the draft and shows, on one page, the recipient, the address or e-mail,
how it will be sent and the letter's text, each with a "Change" link; nothing is sent until "Send" on that
page; a letter edited after the check is not sent unseen; the confirmation page says what happens next."""

import re

from django.core import mail

from schoolgate.cases.models import Letter

from .test_letters_sendable import form_data, warning_for


def urls(case, letter):
    base = f"/stokes-wood/cases/{case.pk}/letters/{letter.pk}/"
    return base, base + "check/", base + "send/", base + "sent/"


def test_continue_saves_and_shows_the_check_page_without_sending(stokes, open_for, login):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    edit, check, _, _ = urls(case, letter)
    mail.outbox.clear()
    response = head.post(check, form_data(letter, body=letter.body + "\n\nWe hope this can now be closed.", delivery="email"))
    assert response.status_code == 302 and response["Location"] == f"{check}?delivery=email"
    letter.refresh_from_db()
    assert not letter.is_sent and letter.body.endswith("We hope this can now be closed.")
    assert mail.outbox == []

    page = head.get(response["Location"]).content.decode()
    assert "Check the letter before sending it" in page
    for shown in ("Kelly Bennett", "Dear Mrs Bennett", "parent@stokes-wood.demo", "By e-mail to parent@stokes-wood.demo", "We hope this can now be closed."):
        assert shown in page, shown
    # A "Change" link beside each answer goes back to its field on the letter form.
    for field in ("id_recipient", "id_recipient_email", "id_delivery_0", "id_deadline", "id_body"):
        assert re.search(rf'href="{re.escape(edit)}#{field}">Change', page), field
    assert 'name="delivery" value="email"' in page


def test_the_check_page_is_where_it_is_sent_and_the_confirmation_says_what_next(stokes, open_for, login, django_capture_on_commit_callbacks):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    _, check, send, sent = urls(case, letter)
    head.post(check, form_data(letter, delivery="email"))
    page = head.get(f"{check}?delivery=email").content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(send, {"delivery": "email", "fingerprint": fingerprint})
    assert response.status_code == 302 and response["Location"] == sent
    letter.refresh_from_db()
    assert letter.is_sent and letter.delivery == "email"
    assert [m.to for m in mail.outbox] == [["parent@stokes-wood.demo"]]
    done = head.get(sent).content.decode()
    assert "Letter e-mailed" in done and "What happens next" in done
    assert "Content to be removed by" in done and "reminder" in done
    assert f"Back to {case.reference}" in done


def test_a_letter_changed_after_the_check_is_not_sent(stokes, open_for, login):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    edit, check, send, _ = urls(case, letter)
    head.post(check, form_data(letter, delivery="hand"))
    page = head.get(f"{check}?delivery=hand").content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    head.post(edit, form_data(letter, body="A different letter.", save="1"))  # another tab
    response = head.post(send, {"delivery": "hand", "fingerprint": fingerprint})
    assert response.status_code == 409 and "changed after you checked it" in response.content.decode()
    assert "A different letter." in response.content.decode()
    assert not Letter.objects.get(pk=letter.pk).is_sent


def test_continue_with_errors_shows_the_form_with_an_error_summary(stokes, open_for, login):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    _, check, _, _ = urls(case, letter)
    response = head.post(check, form_data(letter, recipient_address="", delivery="post"))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in page and 'href="#id_recipient_address"' in page
    # The error is tied to its field: Django's aria-describedby names an element that exists.
    assert 'id="id_recipient_address_error"' in page and 'aria-describedby="id_recipient_address_error"' in page
    assert not Letter.objects.get(pk=letter.pk).is_sent


def test_no_way_to_skip_choosing_how_it_is_sent(stokes, open_for, login):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    edit, check, send, _ = urls(case, letter)
    assert head.get(f"{check}?delivery=carrier-pigeon")["Location"] == edit
    assert head.post(send, {"delivery": "nonsense", "fingerprint": "x"})["Location"] == edit
    assert not Letter.objects.get(pk=letter.pk).is_sent
