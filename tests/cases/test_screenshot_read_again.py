"""A screenshot whose reading or policy check failed can be tried again from the case page: it goes to the
task worker like the first attempt, and the request is audited (the "Run the judge" button is for text)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from schoolgate.audit.models import AuditEntry
from schoolgate.cases import screenshots as shots
from schoolgate.cases.closing import close_case
from schoolgate.cases.evidence_changes import add_evidence_file
from schoolgate.cases.models import Evidence
from schoolgate.screens import Message, NotAScreenshot, Reading

SW = "stokes-wood"
HEAD = "head@stokes-wood.demo"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(out, format="PNG")
    return out.getvalue()


def good_reading(data):
    return Reading(width=40, height=60, engine="test", messages=[
        Message(text="Mr Hughes is a liar", box=(1, 1, 30, 10), author="Sarah Jones"),
        Message(text="See you at the fair", box=(1, 20, 30, 10), author="Dave Patel"),
    ])


@pytest.fixture
def reader(monkeypatch):
    """reader(fn): what the OCR returns (or raises) for the next readings."""
    def use(fn):
        monkeypatch.setattr(shots, "read_screenshot", fn)
    return use


def add_screenshot(case, capture):
    with capture(execute=True):
        return add_evidence_file(case, upload=SimpleUploadedFile("chat.png", png(), "image/png"), label="WhatsApp", added_by=case.opened_by)


def case_page(client, case):
    return client.get(reverse("cases:detail", args=[SW, case.pk])).content.decode()


def read_again(client, item):
    return client.post(reverse("cases:screenshot_read_again", args=[SW, item.case_id, item.pk]))


def test_a_screenshot_that_could_not_be_read_is_read_again_from_the_case_page(stokes, open_for, login, reader, django_capture_on_commit_callbacks):
    case = open_for(stokes)

    def unreadable(data):
        raise NotAScreenshot("no text")

    reader(unreadable)
    item = add_screenshot(case, django_capture_on_commit_callbacks)
    assert not item.readings.exists() and Evidence.objects.get(pk=item.pk).judge_note == shots.NOT_READ
    client = login(HEAD)
    page = case_page(client, case)
    assert shots.NOT_READ in page and "Read the screenshot again" in page and "Run the judge" not in page
    assert "style=" not in page.split("<main", 1)[-1] and "onclick" not in page

    reader(good_reading)
    with django_capture_on_commit_callbacks(execute=True):
        response = read_again(client, item)
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/#evidence-{item.pk}")
    item = Evidence.objects.get(pk=item.pk)
    reading = item.readings.get()
    assert reading.added_by.email == HEAD and item.judge_note == "" and item.is_judged
    assert item.verdict["findings"][0]["category"] == "allegation"
    entry = AuditEntry.objects.get(action="case.screenshot_read_again")
    assert entry.actor.email == HEAD and entry.target_id == str(item.pk)
    assert AuditEntry.objects.filter(action="case.screenshot_read", target_id=str(item.pk)).count() == 1
    page = case_page(client, case)
    assert "Read the screenshot again" not in page and "will be read again in the background" in page
    # Nothing more to do: asking again is refused plainly and changes nothing.
    read_again(client, item)
    assert "there is nothing to do again" in case_page(client, case)
    assert AuditEntry.objects.filter(action="case.screenshot_read_again").count() == 1 and item.readings.count() == 1


def test_a_reading_whose_policy_check_was_unavailable_is_checked_again(stokes, open_for, login, reader, settings, fake_judge, django_capture_on_commit_callbacks):
    from tests.conftest import BrokenJudge

    case = open_for(stokes)
    reader(good_reading)
    settings.SCHOOLGATE_JUDGE = BrokenJudge()
    item = add_screenshot(case, django_capture_on_commit_callbacks)
    first = item.readings.get()
    assert all(m.get("unavailable") for m in first.messages) and not Evidence.objects.get(pk=item.pk).is_judged
    client = login(HEAD)
    page = case_page(client, case)
    assert "The policy check was not available" in page and "Check the messages again" in page

    # Still unavailable: nothing is written, and it can be tried again later.
    with django_capture_on_commit_callbacks(execute=True):
        read_again(client, item)
    assert item.readings.count() == 1 and "Check the messages again" in case_page(client, case)

    settings.SCHOOLGATE_JUDGE = fake_judge
    with django_capture_on_commit_callbacks(execute=True):
        read_again(client, item)
    item = Evidence.objects.get(pk=item.pk)
    again = shots.current_reading(item)
    assert again.corrects_id == first.pk and again.correction["judged_again"]
    assert [m["text"] for m in again.messages] == [m["text"] for m in first.messages]  # the words as first read
    assert item.is_judged and item.verdict["decision"] == "block"
    assert AuditEntry.objects.filter(action="case.screenshot_read_again").count() == 2
    assert AuditEntry.objects.filter(action="case.evidence_judged", target_id=str(item.pk)).exists()
    assert "Check the messages again" not in case_page(client, case)
    detail = client.get(reverse("cases:evidence_detail", args=[SW, case.pk, item.pk])).content.decode()
    assert "checked against the policy again" in detail


def test_a_reading_that_crashed_or_never_finished_can_be_tried_again(stokes, open_for, login, reader, django_capture_on_commit_callbacks):
    case = open_for(stokes)

    def crashes(data):
        raise RuntimeError("OCR crashed")

    reader(crashes)
    item = add_screenshot(case, django_capture_on_commit_callbacks)
    assert Evidence.objects.get(pk=item.pk).judge_note == shots.READ_FAILED
    client = login(HEAD)
    page = case_page(client, case)
    assert shots.READ_FAILED in page and "OCR crashed" not in page

    # Never read at all (the worker died with it): offered once it has been waiting far longer than a reading takes.
    fresh = add_evidence_file(case, upload=SimpleUploadedFile("other.png", png() + b"", "image/png"), label="Another", added_by=case.opened_by)
    assert shots.another_try(fresh) == ""
    Evidence.objects.filter(pk=fresh.pk).update(added_at=fresh.added_at - dt.timedelta(hours=1))
    assert "may have stopped" in shots.another_try(Evidence.objects.get(pk=fresh.pk))


def test_only_staff_who_may_act_on_an_open_case_can_ask(stokes, open_for, login, reader, django_capture_on_commit_callbacks):
    case = open_for(stokes)

    def unreadable(data):
        raise NotAScreenshot("no text")

    reader(unreadable)
    item = add_screenshot(case, django_capture_on_commit_callbacks)
    for email in ("parent@stokes-wood.demo", "office@stokes-wood.demo", "head@high-hesket.demo"):
        assert read_again(login(email), item).status_code in (302, 403, 404), email
    assert not AuditEntry.objects.filter(action="case.screenshot_read_again").exists()
    close_case(case, actor=case.opened_by, outcome="Dealt with.")
    client = login(HEAD)
    assert "Read the screenshot again" not in case_page(client, case)
    read_again(client, item)
    assert not AuditEntry.objects.filter(action="case.screenshot_read_again").exists()
    assert client.get(reverse("cases:screenshot_read_again", args=[SW, case.pk, item.pk])).status_code == 405
