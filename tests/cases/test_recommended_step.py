"""Issue 12 fault 7: the case page recommends one next step from the school's procedure (the first
available unconditional step, else the most serious conditional step whose conditions are met, with the
reason); the other steps sit under "Other steps"."""

import re
from types import SimpleNamespace

from schoolgate.cases.ladder import build_ladder, recommend
from schoolgate.cases.steps import take_step
from schoolgate.policies.models import ProcedureStep

DISCUSS = ProcedureStep(step_id="discuss", order=1, title="Discuss", text="...")
LEGAL = ProcedureStep(step_id="legal_advice", order=2, title="Legal advice", text="...",
                      conditions={"categories": ["allegation"], "assessments": ["defamatory"]})
POLICE = ProcedureStep(step_id="police", order=3, title="Police", text="...",
                       conditions={"categories": ["threat"], "assessments": ["threatens_violence"]})
RESTRICT = ProcedureStep(step_id="restrict_forum", order=4, title="Restrict", text="...", conditions={"assessments": ["on_school_forum"]})
WARNING = ProcedureStep(step_id="warning", order=5, title="Written warning", text="...")
STEPS = [DISCUSS, LEGAL, POLICE, RESTRICT, WARNING]


def done(step_id):
    return SimpleNamespace(step_id=step_id, status="done")


def rows(actions=(), categories=(), assessments=()):
    return build_ladder(STEPS, actions, categories=categories, assessments=assessments, case_open=True)


def test_first_available_unconditional_step_is_recommended():
    pick = recommend(rows(categories=["threat", "allegation"]))
    assert pick.row.step.step_id == "discuss"
    assert "next step in the school's procedure" in pick.reason


def test_then_the_most_serious_conditional_step_whose_conditions_are_met():
    pick = recommend(rows([done("discuss"), done("warning")], categories=["allegation", "threat"], assessments=["on_school_forum"]))
    assert pick.row.step.step_id == "police"
    assert "threat" in pick.reason.lower()
    pick = recommend(rows([done("discuss"), done("warning")], categories=["allegation"], assessments=["on_school_forum"]))
    assert pick.row.step.step_id == "legal_advice"


def test_nothing_to_recommend_when_every_step_is_done_or_closed():
    assert recommend(rows([done("discuss"), done("warning")])) is None


def test_case_page_shows_one_recommendation_and_the_other_steps(stokes, open_for, login):
    case = open_for(stokes, text="I will hurt Mr Hughes, he is a liar.")
    page = login("head@stokes-wood.demo").get(f"/stokes-wood/cases/{case.pk}/").content.decode()
    assert page.count("Recommended next step") == 1 and "Other steps" in page
    recommended = page.split("Recommended next step", 1)[1].split("Other steps", 1)[0]
    assert "Contact the parent/carer and ask for removal" in recommended
    assert "Contact the police" not in recommended
    # Only the recommended step's main action is a primary button; the others are secondary.
    others = page.split("Other steps", 1)[1]
    assert not re.search(r'<button type="submit" name="draft"[^>]*>', others) or 'class="secondary"' in others
    take_step(case, step_id="discuss", actor=case.opened_by, outcome="Phoned")
    take_step(case, step_id="meeting", actor=case.opened_by, outcome="Met")
    take_step(case, step_id="warning", actor=case.opened_by, outcome="Sent")
    take_step(case, step_id="report_host", actor=case.opened_by, outcome="Reported")
    take_step(case, step_id="other_legal", actor=case.opened_by, outcome="n/a")
    page = login("head@stokes-wood.demo").get(f"/stokes-wood/cases/{case.pk}/").content.decode()
    recommended = page.split("Recommended next step", 1)[1].split("Other steps", 1)[0]
    assert "Contact the police" in recommended and "Why:" in recommended
