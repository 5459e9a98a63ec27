"""How a submitted post or comment enters the review queue: its risk band, its score and the reasons,
in words, that a moderator sees (the judge's verdict plus the author's record)."""

from __future__ import annotations

from schoolgate.schools.models import actor_label

from .models import REJECTION_WINDOW_DAYS, ReviewItem
from .queries import recent_rejections, suggests_case
from .restrictions import active_restriction

DECISION_RISK = {"allow": 0, "review": 1, "block": 2}


def assess(school, author, verdict: dict) -> tuple[int, float, list[str]]:
    """(risk band, highest finding score, reasons): an unknown decision counts as "review", never as clean."""
    risk = DECISION_RISK.get(verdict.get("decision"), 1)
    score = max((float(f.get("score", 0)) for f in verdict.get("findings", [])), default=0.0)
    reasons = []
    if verdict.get("explanation"):
        reasons.append(verdict["explanation"])
    if author is not None:
        restriction = active_restriction(school, author)
        if restriction is not None:
            risk += 1
            reasons.append(f"The author is restricted until {restriction.ends_on:%-d %B %Y}: {restriction.get_kind_display().lower()}.")
        if suggests_case(school, author):
            risk += 1
            reasons.append(f"{recent_rejections(school, author)} rejected comments in the last {REJECTION_WINDOW_DAYS} days.")
    return risk, score, reasons


def enqueue(school, *, kind, author, text: str, verdict: dict, post=None, comment=None) -> ReviewItem:
    """A new review item (a snapshot of the text as submitted); call inside the submitting transaction."""
    risk, score, reasons = assess(school, author, verdict)
    return ReviewItem.objects.create(
        school=school, kind=kind, post=post, comment=comment, author=author, author_label=actor_label(author),
        text=text, verdict=verdict, risk=risk, score=score, reasons=reasons,
    )
