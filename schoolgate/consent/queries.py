"""What the register says today: the API other apps, the CLI and the pages read (never write) through.

A pupil's state for a purpose is one of:
  "never"      a never-publish flag stands (it overrides every answer),
  "not_asked"  no answer was ever recorded,
  "expired"    the latest answer was given before the current academic year started,
  "granted" / "refused"  the latest answer, given this academic year.
The latest answer is the one with the latest date (the id breaks ties), so a paper form dated last week
and typed in today does not override what a parent answered in the app yesterday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from schoolgate.schools.models import Person

from .models import ConsentAnswer, ConsentSettings, NeverPublish, Purpose

STATES = ("granted", "refused", "not_asked", "expired", "never")
STATE_LABELS = {"granted": "Granted", "refused": "Refused", "not_asked": "Not asked", "expired": "Expired", "never": "Never publish"}
# States that need an answer from home (the renewal campaign and the register's counts).
NO_CURRENT_ANSWER = frozenset({"not_asked", "expired"})


def _pk(value) -> int:
    return value if isinstance(value, int) else value.pk


def pupils(school):
    return Person.objects.filter(school=school, kind=Person.Kind.PUPIL).order_by("group", "name")


def flagged_ids(school, pupil_ids=None) -> set[int]:
    flags = NeverPublish.objects.filter(school=school, lifted_at__isnull=True)
    if pupil_ids is not None:
        flags = flags.filter(pupil_id__in=pupil_ids)
    return set(flags.values_list("pupil_id", flat=True))


def active_flag(school, pupil) -> NeverPublish | None:
    return NeverPublish.objects.filter(school=school, pupil_id=_pk(pupil), lifted_at__isnull=True).first()


def latest_answers(school, pupil_ids=None, purpose: str | None = None) -> dict[tuple[int, str], ConsentAnswer]:
    """The current (latest) answer per (pupil id, purpose)."""
    answers = ConsentAnswer.objects.filter(school=school)
    if pupil_ids is not None:
        answers = answers.filter(pupil_id__in=pupil_ids)
    if purpose is not None:
        answers = answers.filter(purpose=purpose)
    latest: dict[tuple[int, str], ConsentAnswer] = {}
    for answer in answers.order_by("answered_on", "id"):
        latest[(answer.pupil_id, answer.purpose)] = answer
    return latest


def state_of(answer: ConsentAnswer | None, *, flagged: bool, year_start: dt.date) -> str:
    if flagged:
        return "never"
    if answer is None:
        return "not_asked"
    if answer.answered_on < year_start:
        return "expired"
    return answer.answer


def states_for(school, pupil_ids, today: dt.date | None = None, *, flags: bool = True) -> dict[int, dict[str, str]]:
    """pupil id -> purpose -> state, for the given pupils. `flags=False` for a parent/carer's own view:
    a never-publish flag may concern them (a court order), so their page shows their own answers only."""
    pupil_ids = list(pupil_ids)
    year_start = ConsentSettings.for_school(school).academic_year_start(today)
    latest = latest_answers(school, pupil_ids)
    flagged = flagged_ids(school, pupil_ids) if flags else set()
    return {pid: {p.value: state_of(latest.get((pid, p.value)), flagged=pid in flagged, year_start=year_start) for p in Purpose}
            for pid in pupil_ids}


def consent_state(school, pupil, purpose, today=None) -> str:
    """One of "granted", "refused", "not_asked", "expired", "never" for this pupil and purpose today."""
    purpose = str(purpose)
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown purpose {purpose!r}; one of {', '.join(Purpose.values)}.")
    pid = _pk(pupil)
    year_start = ConsentSettings.for_school(school).academic_year_start(today)
    answer = latest_answers(school, [pid], purpose).get((pid, purpose))
    return state_of(answer, flagged=bool(flagged_ids(school, [pid])), year_start=year_start)


def photo_consent_states(school, purpose, today=None) -> dict[str, str]:
    """Every pupil's roster name -> state for this purpose (the `schoolgate photo check` CLI reads this)."""
    purpose = str(purpose)
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown purpose {purpose!r}; one of {', '.join(Purpose.values)}.")
    people = list(pupils(school))
    year_start = ConsentSettings.for_school(school).academic_year_start(today)
    latest = latest_answers(school, purpose=purpose)
    flagged = flagged_ids(school)
    return {p.name: state_of(latest.get((p.pk, purpose)), flagged=p.pk in flagged, year_start=year_start) for p in people}


@dataclass
class PupilRow:
    pupil: Person
    states: dict[str, str]

    @property
    def cells(self) -> list[tuple[str, str]]:
        return [(self.states[p.value], STATE_LABELS[self.states[p.value]]) for p in Purpose]

    @property
    def needs_answer(self) -> bool:
        return any(s in NO_CURRENT_ANSWER for s in self.states.values())


@dataclass
class ClassRegister:
    """One class (the roster's group): each pupil's states, and who has no current answer per purpose."""

    group: str
    rows: list[PupilRow] = field(default_factory=list)
    missing: dict[str, list[Person]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {purpose: len(people) for purpose, people in self.missing.items()}

    @property
    def count_cells(self) -> list[int]:
        return [len(self.missing[p.value]) for p in Purpose]

    @property
    def pupils_missing(self) -> int:
        """Pupils with at least one purpose that has no current answer."""
        return sum(1 for row in self.rows if row.needs_answer)


def register_by_class(school, today=None) -> list[ClassRegister]:
    """Per class, in class order: every pupil's state per purpose, and the pupils with no current answer
    ("not asked" or "expired"; a never-publish pupil needs none) per purpose."""
    people = list(pupils(school))
    states = states_for(school, [p.pk for p in people], today)
    classes: dict[str, ClassRegister] = {}
    for person in people:
        register = classes.setdefault(person.group or "No class", ClassRegister(person.group or "No class", missing={p.value: [] for p in Purpose}))
        row = PupilRow(person, states[person.pk])
        register.rows.append(row)
        for purpose, state in row.states.items():
            if state in NO_CURRENT_ANSWER:
                register.missing[purpose].append(person)
    return list(classes.values())


def history(school, pupil):
    """Every answer for this pupil, newest first (who answered, how, when, and who recorded it)."""
    return ConsentAnswer.objects.filter(school=school, pupil_id=_pk(pupil)).order_by("-answered_on", "-id")
