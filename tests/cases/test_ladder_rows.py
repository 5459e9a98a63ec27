"""`ladder.build_ladder` is pure: these tests give it steps and actions directly, with no database."""

from types import SimpleNamespace

import pytest

from schoolgate.cases.ladder import LadderRow, StepState, build_ladder
from schoolgate.policies.models import ProcedureStep

# Unsaved rows: constructing a model instance touches no database.
DISCUSS = ProcedureStep(step_id="discuss", order=1, title="Discuss and ask for removal", text="...")
MEETING = ProcedureStep(step_id="meeting", order=2, title="Meeting with the Headteacher", text="...")
POLICE = ProcedureStep(step_id="police", order=3, title="Police", text="...",
                       conditions={"categories": ["threat"], "assessments": ["harassment", "threatens_violence"]})
WARNING = ProcedureStep(step_id="warning", order=4, title="Written warning", text="...")
STEPS = [DISCUSS, MEETING, POLICE, WARNING]


def done(step_id):
    return SimpleNamespace(step_id=step_id, status="done")


def skipped(step_id):
    return SimpleNamespace(step_id=step_id, status="skipped")


def states(rows):
    return {r.step.step_id: r.state for r in rows}


def ladder(actions=(), categories=(), assessments=(), case_open=True):
    return build_ladder(STEPS, actions, categories=categories, assessments=assessments, case_open=case_open)


def test_a_new_case_offers_the_first_step_and_waits_on_the_rest():
    rows = ladder()
    assert states(rows) == {"discuss": StepState.AVAILABLE, "meeting": StepState.WAITING, "police": StepState.CLOSED, "warning": StepState.WAITING}
    assert rows[1].opens_when == "Opens when step 1 (Discuss and ask for removal) is done or skipped."
    assert rows[2].opens_when.startswith("Opens when the judge's findings include") and "staff assess the case as" in rows[2].opens_when
    assert all(isinstance(r, LadderRow) and r.action is None for r in rows)


def test_done_and_skipped_steps_move_the_ladder_on():
    rows = ladder([done("discuss"), skipped("meeting")])
    assert states(rows) == {"discuss": StepState.DONE, "meeting": StepState.SKIPPED, "police": StepState.CLOSED, "warning": StepState.AVAILABLE}
    assert rows[0].action.status == "done" and rows[0].opens_when == ""


def test_the_first_action_on_a_step_is_the_one_shown():
    first, later = done("discuss"), skipped("discuss")
    row = ladder([first, later])[0]
    assert row.action is first and row.state is StepState.DONE


@pytest.mark.parametrize("categories,assessments,why", [
    (["threat"], [], "threat"),
    ([], ["harassment"], "harassment"),
    (["threat", "abuse"], ["threatens_violence"], "threat, threatens_violence"),
])
def test_a_conditional_step_opens_on_a_finding_or_an_assessment(categories, assessments, why):
    row = ladder(categories=categories, assessments=assessments)[2]
    assert row.state is StepState.AVAILABLE and row.can_take and row.conditional
    assert row.opens_when == f"Open because of: {why}."


def test_a_conditional_step_never_blocks_the_steps_after_it():
    rows = ladder([done("discuss"), done("meeting")])
    assert states(rows)["police"] is StepState.CLOSED and states(rows)["warning"] is StepState.AVAILABLE


def test_a_closed_case_offers_nothing():
    rows = ladder([done("discuss")], categories=["threat"], case_open=False)
    assert states(rows) == {"discuss": StepState.DONE, "meeting": StepState.CASE_CLOSED, "police": StepState.CASE_CLOSED, "warning": StepState.CASE_CLOSED}
    assert not any(r.can_take or r.can_skip for r in rows)


def test_states_compare_and_render_as_the_words_templates_use():
    assert StepState.AVAILABLE == "available" and f"{StepState.CASE_CLOSED}" == "case closed" and str(StepState.WAITING) == "waiting"
    row = ladder()[1]
    assert row.can_skip and not row.can_take
    with pytest.raises(AttributeError):
        row.state = StepState.DONE  # frozen


def test_no_steps_no_rows():
    assert build_ladder([], [], categories=[], assessments=[], case_open=True) == []
