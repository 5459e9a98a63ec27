"""Letters render on the letterhead with the clause and the parent's name; sending freezes them with a hash."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from schoolgate.cases.errors import CaseError
from schoolgate.cases.jobs import remind_overdue
from schoolgate.cases.ladder import ladder_for
from schoolgate.cases.letters import draft_letter, send_letter, update_letter
from schoolgate.cases.models import CaseRecordError, Deadline, Letter
from schoolgate.cases.opening import open_case
from schoolgate.cases.steps import take_step
from schoolgate.cases.tasks import schedule_reminder
from schoolgate.channel.models import Restriction


def pdf_text(data: bytes) -> str:
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def data_for(letter, **changes):
    d = {"recipient": letter.recipient, "recipient_address": letter.recipient_address, "subject": letter.subject, "body": letter.body,
         "deadline": letter.deadline, "restriction_kind": letter.restriction_kind,
         "clauses": [c["id"] for c in letter.context["clauses"]], "evidence": [str(e["id"]) for e in letter.context["evidence"]]}
    d.update(changes)
    return d


@pytest.mark.parametrize("slug,parent", [("stokes-wood", "Kelly Bennett"), ("high-hesket", "Mark Robinson")])
def test_warning_letter_quotes_clause_content_and_date(request, slug, parent, open_for, output_dir, django_capture_on_commit_callbacks):
    school = request.getfixturevalue("stokes" if slug == "stokes-wood" else "hesket")
    case = open_for(school, text="Mr Hughes is a liar and stole the trip money.")
    take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned")
    if slug == "stokes-wood":
        take_step(case, step_id="meeting", actor=case.opened_by, outcome="Met; refused to remove")
    letter = draft_letter(case, step_id="warning", actor=case.opened_by)
    assert letter.kind == Letter.Kind.WARNING and letter.recipient == parent
    clause = school.current_policy().clauses.get(clause_id=letter.context["clauses"][0]["id"])
    due = timezone.make_aware(dt.datetime(2031, 3, 14, 17, 0))
    letter = update_letter(letter, data=data_for(letter, deadline=due, body=letter.body + "\n\nEdited by the Headteacher."), actor=case.opened_by)
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_letter(letter, actor=case.opened_by)
    pdf = letter.pdf_bytes()
    (output_dir / f"case-warning-{slug}.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    assert parent in text
    assert " ".join(clause.text.split())[:60] in text
    assert "stole the trip money" in text
    assert "14 March 2031" in text
    assert "Edited by the Headteacher." in text
    school.refresh_from_db()
    assert school.name in text and "Stokes Drive" in text if slug == "stokes-wood" else "CA4 0HU" in text
    assert letter.verify() and len(letter.sha256) == 64 and letter.size == len(pdf)
    # The step is done because the letter was sent, and the removal date is a deadline with a reminder.
    row = next(r for r in ladder_for(case) if r.step.step_id == "warning")
    assert row.state == "done" and row.action.letter == letter
    deadline = case.deadlines.get()
    assert deadline.kind == Deadline.Kind.REMOVAL and deadline.due_at == due and deadline.task_id
    # Sent letters are frozen.
    letter.body = "changed"
    with pytest.raises(CaseRecordError):
        letter.save()
    with pytest.raises(CaseError):
        update_letter(Letter.objects.get(pk=letter.pk), data=data_for(letter), actor=case.opened_by)


def test_meeting_invitation_only_at_stokes_wood(stokes, hesket, open_for):
    sw = open_for(stokes, text="Nothing.")
    take_step(sw, step_id="discuss", actor=sw.opened_by, outcome="Phoned")
    letter = draft_letter(sw, step_id="meeting", actor=sw.opened_by)
    meeting = timezone.make_aware(dt.datetime(2031, 5, 6, 15, 30))
    letter = send_letter(update_letter(letter, data=data_for(letter, deadline=meeting), actor=sw.opened_by), actor=sw.opened_by)
    text = pdf_text(letter.pdf_bytes())
    assert "Home-School Agreement" in text and "6 May 2031" in text and "3:30" in text and "Kelly Bennett" in text
    assert sw.deadlines.get().kind == Deadline.Kind.MEETING
    hh = open_for(hesket, text="Nothing.")
    with pytest.raises(CaseError):
        draft_letter(hh, step_id="meeting", actor=hh.opened_by)


def test_host_report_and_police_referral_list_hashes(hesket, open_for):
    case = open_for(hesket, text="I will hurt Miss Bell at the gate.")
    take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned")
    take_step(case, step_id="warning", actor=case.opened_by, outcome="Letter given by hand")
    item = case.evidence.get()
    police = send_letter(draft_letter(case, step_id="police", actor=case.opened_by), actor=case.opened_by)
    text = pdf_text(police.pdf_bytes()).replace(" ", "")
    assert item.sha256 in text and "MarkRobinson" in text and "hurtMissBell" in text
    host = draft_letter(case, step_id="report_host", actor=case.opened_by)
    host = update_letter(host, data=data_for(host, recipient="Facebook Trust and Safety team"), actor=case.opened_by)
    text = pdf_text(send_letter(host, actor=case.opened_by).pdf_bytes())
    assert "Facebook Trust and Safety team" in text and item.sha256[:40] in text.replace(" ", "")
    threats = hesket.current_policy().clauses.get(clause_id="hh-threats")
    assert " ".join(threats.text.split())[:40] in text and "hh-threats" not in text  # the clause, by its words


def test_restriction_notice_applies_the_channel_restriction(hesket, open_for, user):
    case = open_for(hesket, text="Nothing.", assessments=["on_school_forum"])
    letter = draft_letter(case, step_id="restrict_forum", actor=case.opened_by)
    ends = timezone.now() + dt.timedelta(days=30)
    letter = send_letter(update_letter(letter, data=data_for(letter, deadline=ends, restriction_kind="no_comment"), actor=case.opened_by), actor=case.opened_by)
    restriction = Restriction.objects.get(user=user("parent@high-hesket.demo"))
    assert restriction.kind == "no_comment" and restriction.ends_on == timezone.localdate(ends)
    assert case.reference in restriction.reason
    assert letter.context["restriction_id"] == restriction.pk
    assert "No comments" in pdf_text(letter.pdf_bytes()) or "may not comment" in pdf_text(letter.pdf_bytes())


def test_restriction_needs_an_account(hesket, user):
    case = open_case(hesket, opened_by=user("head@high-hesket.demo"), concern="x", assessments=["on_school_forum"])
    letter = draft_letter(case, step_id="restrict_forum", actor=case.opened_by)
    letter = update_letter(letter, data=data_for(letter, deadline=timezone.now() + dt.timedelta(days=3)), actor=case.opened_by)
    with pytest.raises(CaseError, match="account"):
        send_letter(letter, actor=case.opened_by)
    assert not Letter.objects.get(pk=letter.pk).is_sent


def test_letter_edit_view_validates_and_sends(stokes, open_for, login):
    case = open_for(stokes)
    client = login("head@stokes-wood.demo")
    response = client.post(reverse("cases:letter_new", args=["stokes-wood", case.pk, "discuss"]))
    letter = case.letters.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/letters/{letter.pk}/")
    page = client.get(response["Location"])
    html = page.content.decode()
    # The form's main button is "Continue": it saves the draft and goes to the check page; nothing is sent from here.
    check = reverse("cases:letter_check", args=["stokes-wood", case.pk, letter.pk])
    assert page.status_code == 200 and re.search(rf'<button type="submit"[^>]*formaction="{re.escape(check)}">Continue</button>', html)
    assert "Save and send" not in html
    preview = client.get(reverse("cases:letter_pdf", args=["stokes-wood", case.pk, letter.pk]))
    assert preview.status_code == 200 and "DRAFT" in pdf_text(preview.content)
    form = {"recipient": "Mrs Kelly Bennett", "subject": "Please remove the post", "body": "Dear parent, please remove it.", "deadline": "2001-01-01T10:00", "send": "1",
            "delivery": "hand"}
    assert client.post(response["Location"], form).status_code == 400  # the date is in the past
    form["deadline"] = "2031-01-01T10:00"
    assert client.post(response["Location"], form).status_code == 302
    letter.refresh_from_db()
    assert letter.is_sent and letter.recipient == "Mrs Kelly Bennett"
    download = client.get(reverse("cases:letter_pdf", args=["stokes-wood", case.pk, letter.pk]))
    assert download.content == letter.pdf_bytes()


def test_deadline_reminder_and_dashboard(stokes, open_for, login, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    case = open_for(stokes)
    letter = draft_letter(case, step_id="discuss", actor=case.opened_by)
    letter = update_letter(letter, data=data_for(letter, deadline=timezone.now() + dt.timedelta(hours=1)), actor=case.opened_by)
    with django_capture_on_commit_callbacks(execute=True):
        send_letter(letter, actor=case.opened_by)
    deadline = case.deadlines.get()
    # The immediate backend runs the task at once: not due yet, so nothing is sent.
    assert deadline.task_id and deadline.reminded_at is None
    Deadline.objects.filter(pk=deadline.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    page = login("head@stokes-wood.demo").get(reverse("schools:dashboard", args=["stokes-wood"]))
    assert "Overdue" in page.content.decode() and case.reference in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue() == 1
    assert mail.outbox and case.reference in mail.outbox[0].subject
    assert remind_overdue() == 0  # once only
    deadline.refresh_from_db()
    assert deadline.reminded_at is not None


@pytest.fixture
def deferring_backend(settings):
    """Swap the task backend for one that supports run_after (django.tasks does not reset it on settings changes)."""
    from asgiref.local import Local
    from django.tasks import task_backends

    def reset():
        task_backends.__dict__.pop("settings", None)
        task_backends._connections = Local(task_backends.thread_critical)

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    reset()
    yield
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    reset()


def test_reminder_task_uses_run_after_when_backend_can_defer(stokes, open_for, deferring_backend):
    case = open_for(stokes)
    due = timezone.now() + dt.timedelta(days=2)
    deadline = Deadline.objects.create(case=case, kind="removal", due_at=due)
    result = schedule_reminder(deadline.pk)
    assert result.task.run_after == due and result.task.name == "remind_deadline"
    deadline.refresh_from_db()
    assert deadline.task_id == str(result.id)
