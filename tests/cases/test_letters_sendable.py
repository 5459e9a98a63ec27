"""Issue 12 fault 2: letters a head can send unchanged. Addressed from the roster, "Dear Mrs Bennett", UK
dates, section headings not clause ids, the school's name once at the top, the next steps of the school's
own ladder, one page; preview shows what is on screen; sending means e-mail with the PDF or a named person
marking it posted or handed over; no postal address, no posting; the host report names the platform."""

import datetime as dt
import io
import re

from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from schoolgate.cases.dashboard import dashboard_panels
from schoolgate.cases.letters import draft_letter
from schoolgate.cases.models import Letter
from schoolgate.cases.reminders import send_due_reminder
from schoolgate.cases.steps import take_step
from schoolgate.schools.models import Person

CLAUSE_ID = re.compile(r"\b(sw|hh)-[a-z0-9-]+")


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def warning_for(stokes, open_for):
    case = open_for(stokes, text="Mr Hughes is a liar and stole the trip money.")
    take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned")
    take_step(case, step_id="meeting", actor=case.opened_by, outcome="Met; refused to remove")
    return case, draft_letter(case, step_id="warning", actor=case.opened_by)


def form_data(letter, **changes):
    due = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=17, minute=0)
    data = {"recipient": letter.recipient, "recipient_address": letter.recipient_address, "recipient_email": letter.recipient_email,
            "salutation": letter.salutation, "subject": letter.subject, "body": letter.body,
            "deadline": due.strftime("%Y-%m-%dT%H:%M"), "clauses": [c["id"] for c in letter.context["clauses"]],
            "evidence": [str(e["id"]) for e in letter.context["evidence"]]}
    data.update(changes)
    return data


def test_warning_letter_is_addressed_dated_and_fits_one_page(stokes, open_for, output_dir):
    case, letter = warning_for(stokes, open_for)
    kelly = Person.objects.get(school=stokes, name="Kelly Bennett")
    assert letter.recipient_address == kelly.address and letter.recipient_email == kelly.email
    assert letter.salutation == "Dear Mrs Bennett"
    from schoolgate.cases.letters import render_letter

    letter.deadline = timezone.make_aware(dt.datetime(2031, 3, 14, 17, 0))
    pdf = render_letter(letter)
    (output_dir / "letter-warning-draft.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    text = " ".join(pages)
    assert len(pages) == 1, pages
    assert "Dear Mrs Bennett," in text and "Dear Kelly Bennett" not in text
    assert "14 Elm Grove" in text
    assert re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b", text)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not CLAUSE_ID.search(text), CLAUSE_ID.search(text)
    assert "Appropriate use of Social Networking Sites" in text  # the section heading instead
    assert text.count("Stokes Wood Primary School Stokes Wood Primary School") == 0
    # The next steps of the school's ladder, not the current step.
    assert "Contact the police" in text and "Complain to the host or provider of the site" in text
    assert "giving you a warning and requesting" not in text


def test_full_name_when_the_roster_has_no_title(stokes, open_for):
    Person.objects.filter(school=stokes, name="Kelly Bennett").update(title="")
    _, letter = warning_for(stokes, open_for)
    assert letter.salutation == "Dear Kelly Bennett"


def test_preview_renders_what_is_on_screen_without_saving(stokes, open_for, login):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    url = f"/stokes-wood/cases/{case.pk}/letters/{letter.pk}/preview/"
    response = head.post(url, form_data(letter, body=letter.body + "\n\nA sentence typed but not saved."))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "A sentence typed but not saved." in " ".join(pdf_pages(response.content))
    assert "A sentence typed but not saved." not in Letter.objects.get(pk=letter.pk).body
    assert head.get(url).status_code == 405


def test_send_by_email_attaches_the_pdf_and_says_so(stokes, open_for, login, django_capture_on_commit_callbacks):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(f"/stokes-wood/cases/{case.pk}/letters/{letter.pk}/", form_data(letter, send="1", delivery="email"), follow=True)
    page = response.content.decode()
    letter.refresh_from_db()
    assert letter.is_sent and letter.delivery == "email"
    sent = [m for m in mail.outbox if m.to == [letter.recipient_email]]
    assert len(sent) == 1 and sent[0].subject == letter.subject
    name, content, mimetype = sent[0].attachments[0]
    assert mimetype == "application/pdf" and content == letter.pdf_bytes() and name.endswith(".pdf")
    assert "Dear Mrs Bennett" in sent[0].body
    assert f"E-mailed to {letter.recipient_email}" in page and "Sent:" not in page
    assert "by Sarah Patel" in page


def test_posting_needs_an_address_and_names_who_posted_it(stokes, open_for, login):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    url = f"/stokes-wood/cases/{case.pk}/letters/{letter.pk}/"
    response = head.post(url, form_data(letter, recipient_address="", send="1", delivery="post"))
    assert response.status_code == 400 and "postal address" in response.content.decode()
    assert not Letter.objects.get(pk=letter.pk).is_sent
    response = head.post(url, form_data(letter, send="1", delivery="post"), follow=True)
    letter.refresh_from_db()
    assert letter.is_sent and letter.delivery == "post" and letter.delivered_by_label == "Sarah Patel"
    assert "Marked as posted by Sarah Patel" in response.content.decode()


def test_sending_by_email_needs_an_email_address(stokes, open_for, login):
    case, letter = warning_for(stokes, open_for)
    head = login("head@stokes-wood.demo")
    response = head.post(f"/stokes-wood/cases/{case.pk}/letters/{letter.pk}/", form_data(letter, recipient_email="", send="1", delivery="email"))
    assert response.status_code == 400 and "e-mail address" in response.content.decode()


def test_host_report_names_the_platform_and_its_reporting_route(hesket, open_for):
    case = open_for(hesket, text="I will hurt Miss Bell at the gate.")
    take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned")
    take_step(case, step_id="warning", actor=case.opened_by, outcome="Letter given by hand")
    letter = draft_letter(case, step_id="report_host", actor=case.opened_by)
    assert letter.context["platform"]["name"] == "Facebook"  # the evidence is a "Facebook group post"
    assert "Facebook" in letter.recipient
    from schoolgate.cases.letters import render_letter

    text = " ".join(pdf_pages(render_letter(letter)))
    assert "facebook.com" in text.lower() and "report" in text.lower()
    assert not CLAUSE_ID.search(text)


def test_deadline_wording_on_the_dashboard_and_in_the_reminder(stokes, open_for, rf, user, django_capture_on_commit_callbacks):
    from schoolgate.cases.deadlines import add_deadline
    from schoolgate.cases.models import Deadline

    case, letter = warning_for(stokes, open_for)
    due = timezone.now() - dt.timedelta(days=1)
    d = add_deadline(case, kind=Deadline.Kind.REMOVAL, due_at=due, letter=None, actor=case.opened_by)
    request = rf.get("/")
    request.user, request.school = user("head@stokes-wood.demo"), stokes
    request.roles = {"headteacher"}
    panels = " ".join(p["title"] + " " + p.get("text", "") for p in dashboard_panels(request))
    assert "by on" not in panels and "removed by on" not in panels
    assert "removal date" in panels.lower()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminder(d.pk)
    subject = mail.outbox[0].subject
    assert "by has passed" not in subject and f"{timezone.localtime(due):%-d %B %Y}" in subject
