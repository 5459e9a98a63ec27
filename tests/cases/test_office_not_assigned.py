"""An office member may act on a case only when it is assigned to them; being added lets them read it."""

import pytest
from django.urls import reverse

from schoolgate.cases.letters import draft_letter
from schoolgate.cases.models import Letter
from schoolgate.cases.staffing import add_member, assign

OFFICE = "office@stokes-wood.demo"


@pytest.fixture
def case(stokes, open_for, user):
    case = open_for(stokes)
    add_member(case, user=user(OFFICE), actor=case.opened_by)  # added, not assigned
    return case


def test_added_office_member_reads_but_cannot_take_a_step(case, login):
    client = login(OFFICE)
    page = client.get(reverse("cases:detail", args=["stokes-wood", case.pk]))
    assert page.status_code == 200 and "Record as done" not in page.content.decode()
    step = reverse("cases:step", args=["stokes-wood", case.pk, "discuss"])
    assert client.post(step, {"action": "done", "outcome": "Phoned"}).status_code == 403
    assert client.post(step, {"action": "skip", "reason": "Not needed"}).status_code == 403
    assert not case.step_actions.exists()


def test_added_office_member_cannot_write_or_send_a_letter(case, login):
    client = login(OFFICE)
    assert client.post(reverse("cases:letter_new", args=["stokes-wood", case.pk, "discuss"])).status_code == 403
    assert not case.letters.exists()
    draft = draft_letter(case, step_id="discuss", actor=case.opened_by)
    url = reverse("cases:letter", args=["stokes-wood", case.pk, draft.pk])
    assert client.get(url).status_code == 200  # reading the draft is allowed
    form = {"recipient": "Someone else", "subject": draft.subject, "body": "Changed", "deadline": "2031-01-01T10:00", "send": "1"}
    assert client.post(url, form).status_code == 403
    letter = Letter.objects.get(pk=draft.pk)
    assert not letter.is_sent and letter.recipient == draft.recipient and letter.body == draft.body
    assert not case.step_actions.exists() and not case.deadlines.exists()


def test_office_member_of_nobody_case_does_not_see_it(stokes, open_for, login):
    case = open_for(stokes)
    step = reverse("cases:step", args=["stokes-wood", case.pk, "discuss"])
    assert login(OFFICE).post(step, {"action": "done", "outcome": "Phoned"}).status_code == 404
    assert not case.step_actions.exists()


def test_once_assigned_they_can(case, login, user):
    assign(case, user=user(OFFICE), actor=case.opened_by)
    step = reverse("cases:step", args=["stokes-wood", case.pk, "discuss"])
    assert login(OFFICE).post(step, {"action": "done", "outcome": "Phoned"}).status_code == 302
    assert case.step_actions.get().by_label == "Janet Lee"
