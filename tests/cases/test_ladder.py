"""The ladder comes from each school's policy data; conditional steps open on findings or assessments."""

import pytest

from schoolgate.cases.assessment import set_assessments
from schoolgate.cases.errors import CaseError
from schoolgate.cases.ladder import current_step, ladder_for
from schoolgate.cases.steps import skip_step, take_step


def states(case):
    return {row.step.step_id: row.state for row in ladder_for(case)}


def test_stokes_wood_ladder_has_the_meeting_step(stokes, open_for):
    case = open_for(stokes, text="Nothing the judge minds.")
    rows = ladder_for(case)
    assert [r.step.step_id for r in rows] == ["discuss", "meeting", "warning", "legal_advice", "police", "restrict_forum", "report_host", "other_legal"]
    assert rows[1].step.text.startswith("The school will also expect that any parent/carer removes such comments immediately")
    assert states(case) == {"discuss": "available", "meeting": "waiting", "warning": "waiting", "legal_advice": "closed",
                            "police": "closed", "restrict_forum": "closed", "report_host": "waiting", "other_legal": "waiting"}
    assert "Opens when step 1" in rows[1].opens_when


def test_high_hesket_ladder_has_no_meeting_step(hesket, open_for):
    case = open_for(hesket, text="Nothing the judge minds.")
    ids = [r.step.step_id for r in ladder_for(case)]
    assert ids == ["discuss", "warning", "legal_advice", "police", "restrict_forum", "report_host", "other_legal"]
    assert "meeting" not in ids
    hh = user_email = "head@high-hesket.demo"  # noqa: F841
    take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned Mr Robinson")
    assert current_step(case).step_id == "warning"


def test_steps_follow_in_order_and_record_who_when_outcome(stokes, open_for):
    case = open_for(stokes, text="Nothing the judge minds.")
    with pytest.raises(CaseError):
        take_step(case, step_id="warning", actor=case.opened_by, outcome="too early")
    action = take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned Mrs Bennett")
    assert action.by == case.opened_by and action.at and action.outcome == "Phoned Mrs Bennett"
    assert current_step(case).step_id == "meeting"
    row = next(r for r in ladder_for(case) if r.step.step_id == "discuss")
    assert row.state == "done" and row.action.by_label == "Sarah Patel"


def test_skipping_needs_a_reason(stokes, open_for):
    case = open_for(stokes, text="Nothing the judge minds.")
    take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned")
    with pytest.raises(CaseError, match="reason"):
        skip_step(case, step_id="meeting", actor=case.opened_by, reason="  ")
    skip_step(case, step_id="meeting", actor=case.opened_by, reason="Parent refused to attend")
    assert states(case)["meeting"] == "skipped"
    assert current_step(case).step_id == "warning"


def test_skip_view_refuses_without_reason(stokes, open_for, login):
    from django.urls import reverse

    case = open_for(stokes, text="Nothing the judge minds.")
    client = login("head@stokes-wood.demo")
    url = reverse("cases:step", args=["stokes-wood", case.pk, "discuss"])
    assert client.post(url, {"action": "skip", "reason": ""}).status_code == 400
    assert not case.step_actions.exists()
    assert client.post(url, {"action": "skip", "reason": "Parent already removed the post"}).status_code == 302
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("slug", ["stokes-wood", "high-hesket"])
def test_police_opens_on_threat_finding(request, slug, open_for):
    school = request.getfixturevalue("stokes" if slug == "stokes-wood" else "hesket")
    quiet = open_for(school, text="Nothing the judge minds.")
    assert states(quiet)["police"] == "closed"
    threat = open_for(school, text="I will hurt him at the gate.")
    assert states(threat)["police"] == "available"
    row = next(r for r in ladder_for(threat) if r.step.step_id == "police")
    assert "threat" in row.opens_when


@pytest.mark.parametrize("flag", ["harassment", "racial", "grossly_obscene", "threatens_violence"])
def test_police_opens_on_staff_assessment(stokes, open_for, flag):
    case = open_for(stokes, text="Nothing the judge minds.")
    assert states(case)["police"] == "closed"
    set_assessments(case, assessments=[flag], actor=case.opened_by)
    assert states(case)["police"] == "available"


def test_grossly_offensive_opens_police_only_where_the_policy_says_so(stokes, hesket, open_for):
    sw = open_for(stokes, text="Nothing the judge minds.", assessments=["grossly_offensive"])
    hh = open_for(hesket, text="Nothing the judge minds.", assessments=["grossly_offensive"])
    assert states(sw)["police"] == "closed"  # Stokes Wood's policy does not name "grossly offensive"
    assert states(hh)["police"] == "available"


def test_legal_advice_opens_when_defamation_alleged(stokes, open_for):
    case = open_for(stokes, text="Nothing the judge minds.")
    assert states(case)["legal_advice"] == "closed"
    set_assessments(case, assessments=["defamatory"], actor=case.opened_by)
    assert states(case)["legal_advice"] == "available"
    alleged = open_for(stokes, text="The head is a liar.")  # judge: allegation
    assert states(alleged)["legal_advice"] == "available"


def test_forum_restriction_opens_only_for_the_school_forum(hesket, open_for):
    case = open_for(hesket, text="Nothing the judge minds.")
    assert states(case)["restrict_forum"] == "closed"
    set_assessments(case, assessments=["on_school_forum"], actor=case.opened_by)
    assert states(case)["restrict_forum"] == "available"


def test_conditional_step_cannot_be_taken_while_closed(stokes, open_for):
    case = open_for(stokes, text="Nothing the judge minds.")
    with pytest.raises(CaseError, match="Opens when"):
        take_step(case, step_id="police", actor=case.opened_by, outcome="Rang 101")
