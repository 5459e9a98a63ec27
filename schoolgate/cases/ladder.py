"""The school's procedure as it stands for one case: each step with its state.

`build_ladder` is pure (no queries): it works from the steps, the step actions taken so far, the judge's
finding categories, the staff assessments and whether the case is open. `ladder_for(case)` loads those
for a case; `step_row` and `current_step` answer the two questions the rest of the app asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from schoolgate.judge.types import category_label

from .errors import CaseError
from .models import ASSESSMENTS


class StepState(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    AVAILABLE = "available"  # may be taken now
    WAITING = "waiting"  # an earlier step comes first
    CLOSED = "closed"  # its conditions are not met
    CASE_CLOSED = "case closed"  # would be available or waiting, but the case is closed


@dataclass(frozen=True)
class LadderRow:
    step: object  # policies.ProcedureStep (or anything with its fields and `opens_for`)
    state: StepState
    action: object | None = None  # the first StepAction recorded for the step
    opens_when: str = ""

    @property
    def conditional(self) -> bool:
        return self.step.is_conditional

    @property
    def can_take(self) -> bool:
        return self.state is StepState.AVAILABLE

    @property
    def can_skip(self) -> bool:
        return self.state in (StepState.AVAILABLE, StepState.WAITING)


def conditions_text(step) -> str:
    cats = [category_label(c) for c in step.conditions.get("categories", ())]
    flags = [ASSESSMENTS.get(a, a).lower() for a in step.conditions.get("assessments", ())]
    parts = []
    if cats:
        parts.append("the judge's findings include " + " or ".join(cats))
    if flags:
        parts.append("staff assess the case as: " + " or ".join(flags))
    return "Opens when " + ", or ".join(parts) + "."


def build_ladder(steps: Iterable, actions: Iterable, *, categories: Iterable[str], assessments: Iterable[str], case_open: bool) -> list[LadderRow]:
    """Each step with its state. Steps without conditions follow each other in the policy's order; a step
    with conditions is offered as soon as its conditions are met. `actions` in the order they were taken."""
    categories, assessments = set(categories), set(assessments)
    first_action = {}
    for a in actions:
        first_action.setdefault(a.step_id, a)
    rows = []
    blocker = None  # the first unconditional step not yet done or skipped
    for step in steps:
        action = first_action.get(step.step_id)
        opens_when = ""
        if action is not None:
            state = StepState(action.status)
        elif step.is_conditional:
            if step.opens_for(categories, assessments):
                state = StepState.AVAILABLE
                matched = sorted((set(step.conditions.get("categories", ())) & categories) | (set(step.conditions.get("assessments", ())) & assessments))
                opens_when = "Open because of: " + ", ".join(matched) + "."
            else:
                state = StepState.CLOSED
                opens_when = conditions_text(step)
        elif blocker is None:
            state = StepState.AVAILABLE
        else:
            state = StepState.WAITING
            opens_when = f"Opens when step {blocker.order} ({blocker.title}) is done or skipped."
        if not step.is_conditional and action is None and blocker is None:
            blocker = step
        if not case_open and state in (StepState.AVAILABLE, StepState.WAITING):
            state = StepState.CASE_CLOSED
        rows.append(LadderRow(step=step, state=state, action=action, opens_when=opens_when))
    return rows


def steps_for(case) -> list:
    version = case.school.current_policy() or case.policy_version
    return list(version.steps.all()) if version is not None else []


def ladder_for(case) -> list[LadderRow]:
    return build_ladder(
        steps_for(case),
        case.step_actions.select_related("letter").order_by("at", "id"),
        categories=case.finding_categories(),
        assessments=case.assessments,
        case_open=case.is_open,
    )


def step_row(case, step_id: str) -> LadderRow:
    for row in ladder_for(case):
        if row.step.step_id == step_id:
            return row
    raise CaseError("That step is not part of the school's procedure.")


def current_step(case):
    """The next step in the policy's order that may be taken now (conditional steps aside), or None."""
    for row in ladder_for(case):
        if row.can_take and not row.conditional:
            return row.step
    return None


# How serious each kind of conditional step is, most serious first: police (a crime is suspected), legal
# advice (defamation), restricting the school forum. A school's own step not listed ranks after these.
SERIOUSNESS = ("police", "legal_advice", "restrict_forum")


@dataclass(frozen=True)
class Recommendation:
    row: LadderRow
    reason: str


def _matched(step, categories: set[str], assessments: set[str]) -> list[str]:
    cats = [category_label(c) for c in step.conditions.get("categories", ()) if c in categories]
    flags = [ASSESSMENTS.get(a, a).lower() for a in step.conditions.get("assessments", ()) if a in assessments]
    return cats + flags


def recommend(rows: list[LadderRow], *, categories: Iterable[str] = (), assessments: Iterable[str] = ()) -> Recommendation | None:
    """One next step: the first available unconditional step (the policy's order), else the most serious
    available conditional step, with the reason in plain words. None when nothing can be taken."""
    for row in rows:
        if row.can_take and not row.conditional:
            return Recommendation(row, "This is the next step in the school's procedure; the steps before it are done or skipped.")
    open_conditional = [r for r in rows if r.can_take and r.conditional]
    if not open_conditional:
        return None

    def rank(row):
        sid = row.step.step_id
        return (SERIOUSNESS.index(sid) if sid in SERIOUSNESS else len(SERIOUSNESS), row.step.order)

    row = min(open_conditional, key=rank)
    matched = _matched(row.step, set(categories), set(assessments))
    because = ("it is open because of: " + ", ".join(matched)) if matched else row.opens_when.rstrip(".").lower()
    return Recommendation(row, f"The procedure's other steps are done or skipped, and this is the most serious step open: {because}.")


def recommend_for(case, rows: list[LadderRow] | None = None) -> Recommendation | None:
    return recommend(rows if rows is not None else ladder_for(case), categories=case.finding_categories(), assessments=case.assessments)
