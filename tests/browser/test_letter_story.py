"""A Headteacher sends a formal warning by e-mail: the case page recommends the step, the letter is
addressed from the roster ("Dear Mrs Bennett", the postal address), and the e-mail carries the PDF."""

import io
import re

import pytest


@pytest.mark.django_db(transaction=True)
def test_head_sends_a_warning_letter_by_email(live_server, log_in, page, output_dir, fake_judge, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    from django.contrib.auth import get_user_model
    from django.core import mail
    from pypdf import PdfReader

    from schoolgate.cases.models import Letter
    from schoolgate.cases.opening import open_case
    from schoolgate.cases.steps import take_step
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import School

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    school = School.objects.get(slug="stokes-wood")
    users = get_user_model().objects
    head = users.get(username="head@stokes-wood.demo")
    case = open_case(school, opened_by=head, concern="Facebook post about Mr Hughes", parent_user=users.get(username="parent@stokes-wood.demo"),
                     evidence_text="Mr Hughes is a liar and stole the Year 4 trip money.", evidence_label="Facebook group post")
    take_step(case, step_id="discuss", actor=head, outcome="Phoned Mrs Bennett.")
    take_step(case, step_id="meeting", actor=head, outcome="Met; she refused to remove the post.")
    mail.outbox.clear()

    log_in("head@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/cases/{case.pk}/")
    recommended = page.locator("section", has_text="Recommended next step")
    assert "Written warning requesting removal" in recommended.inner_text()
    page.screenshot(path=str(output_dir / "letter-story-case.png"), full_page=True)
    recommended.get_by_role("button", name="Draft letter").click()
    page.wait_for_url(re.compile(r"/letters/\d+/$"))

    # Addressed from the roster; the greeting uses the title and surname.
    assert page.input_value("#id_salutation") == "Dear Mrs Bennett"
    assert "14 Elm Grove" in page.input_value("#id_recipient_address")
    assert page.input_value("#id_recipient_email") == "parent@stokes-wood.demo"
    page.fill("#id_deadline", "2031-03-14T17:00")
    page.fill("#id_body", page.input_value("#id_body") + "\n\nWe hope this matter can now be closed.")
    page.check("input[name=delivery][value=email]")
    page.screenshot(path=str(output_dir / "letter-story-form.png"), full_page=True)
    page.click("#send-letter")
    # Check your answers: nothing has gone yet; the page shows who, where, how and the words.
    page.wait_for_url(re.compile(r"/letters/\d+/check/\?delivery=email$"))
    assert mail.outbox == []
    check = page.inner_text("main")
    for shown in ("Kelly Bennett", "Dear Mrs Bennett", "By e-mail to parent@stokes-wood.demo", "We hope this matter can now be closed."):
        assert shown in check, shown
    assert page.get_by_role("link", name="Change the e-mail address").count() == 1
    page.screenshot(path=str(output_dir / "letter-story-check.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(output_dir / "letter-story-check-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#confirm-send")
    page.wait_for_url(re.compile(r"/letters/\d+/sent/$"))
    assert "E-mailed to parent@stokes-wood.demo" in page.content() and "What happens next" in page.content()
    assert page.evaluate("document.activeElement.className") == "confirmation-panel"
    page.screenshot(path=str(output_dir / "letter-story-sent.png"), full_page=True)

    letter = Letter.objects.get(kind="warning")
    assert letter.is_sent and letter.delivery == "email" and letter.delivered_by_label == "Sarah Patel"
    sent = [m for m in mail.outbox if m.to == ["parent@stokes-wood.demo"]]
    assert len(sent) == 1
    message = sent[0]
    assert message.subject == letter.subject and message.body.startswith("Dear Mrs Bennett,")
    name, data, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf") and data == letter.pdf_bytes()
    (output_dir / "letter-story-warning.pdf").write_bytes(data)
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert len(pages) == 1
    assert "Dear Mrs Bennett," in text and "14 Elm Grove" in text and "LE3 1AB" in text
    assert re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b", text)
    assert "14 March 2031" in text and "We hope this matter can now be closed." in text
    assert not re.search(r"\bsw-[a-z0-9-]+", text)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)

    # The letter page says what happened and keeps the PDF that was sent.
    page.goto(f"{live_server.url}/stokes-wood/cases/{case.pk}/letters/{letter.pk}/")
    assert "E-mailed to parent@stokes-wood.demo" in page.inner_text("main")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(output_dir / "letter-story-sent-390.png"), full_page=True)
