"""The one door from the Django apps to the judge: a school's text -> Verdict.

Apps never re-implement detection; they call `judge_text` and store or show the verdict.
"""

from __future__ import annotations

from schoolgate.judge.types import Person, PolicyView, Roster, Verdict


class NoPolicy(RuntimeError):
    pass


def policy_view_for(school) -> PolicyView:
    version = school.current_policy()
    if version is None:
        raise NoPolicy(f"{school.name} has no published policy for the judge to apply.")
    return version.policy_view()


def judge_text(school, text: str, *, roster: Roster | None = None, author: Person | None = None) -> Verdict:
    """`author` (the writer as a roster person) lets the judge tell a parent's own child from another's."""
    from schoolgate.judge import analyse  # imported on first use: loading models is not free

    return analyse(text, policy_view_for(school), roster if roster is not None else school.roster(), author=author)


def judge_texts(school, texts: list[str], *, roster: Roster | None = None) -> list[Verdict]:
    from schoolgate.judge import analyse_batch

    return analyse_batch(texts, policy_view_for(school), roster if roster is not None else school.roster())


def verdict_record(verdict: Verdict) -> dict:
    """A verdict as stored in JSON fields: findings keep the breach/advice flag for display."""
    data = verdict.as_dict()
    for stored, finding in zip(data["findings"], verdict.findings):
        stored["breach"] = finding.breach
    return data
