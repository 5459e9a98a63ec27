"""From findings to a decision (allow / review / block) and one sentence a parent understands.

The thresholds are the school's own (`PolicyView.thresholds_for`). Severity sets the ceiling: the mild
categories (`types.MILD`: complaints, naming a child, contacting staff, speaking for the school, images)
hold a post for a moderator at most, whatever their score; only a specific clause may block. A finding
in a category the school's list does not name cites the school's "non-exhaustive" sentence and holds the
post (review), never blocks; where the policy has no such sentence it is advice and never holds a post.
The explanation names what the post reads as, quotes the school's clause and points to the channel
that school's policy gives for concerns.
"""

from __future__ import annotations

from .types import CATEGORY, CHANNEL_LABELS, MILD, Clause, Finding, PolicyView, is_non_exhaustive

LONG_CLAUSE = 140


def decide(findings: list[Finding], policy: PolicyView, clauses: dict[str, Clause]) -> tuple[str, str]:
    """(decision, explanation). `clauses` maps clause id -> Clause for the cited clauses."""
    decision = "allow"
    worst: Finding | None = None
    worst_key = (-1, -1.0)
    for f in findings:
        if not f.breach:
            continue
        review, block = policy.thresholds_for(f.category)
        level = 2 if f.score >= block else 1 if f.score >= review else 0
        if level == 0:
            continue
        clause = clauses.get(f.clause or "")
        # A mild category, or a clause that names no category (the list is only examples), holds at most.
        if f.category in MILD or (clause is not None and not clause.categories):
            level = 1
        key = (level, f.score - review)
        if key > worst_key:
            worst, worst_key = f, key
    if worst is not None:
        decision = "block" if worst_key[0] == 2 else "review"
        return decision, explain(worst, policy, clauses.get(worst.clause or ""))
    advice = [f for f in findings if not f.breach]
    if advice:
        top = max(advice, key=lambda f: f.score)
        return "allow", (
            f"This may include {CATEGORY[top.category].reads_as}, which {policy.school_name or 'the school'}'s policy "
            f"does not cover, so it can be posted, but please take care."
        )
    return "allow", "Nothing in this message appears to go against the school's policy."


def channel_phrase(category: str, policy: PolicyView) -> str:
    people = [c for c in policy.channels if c in CHANNEL_LABELS and c != "complaints_procedure"]
    order = CATEGORY[category].channels
    if order:
        people = sorted(people, key=lambda c: order.index(c) if c in order else len(order))
        # For a complaint or allegation the class teacher is rarely the right person when senior people are named.
        if category in ("complaint", "allegation") and len(people) > 2:
            people = [c for c in people if c != "class_teacher"] or people
    labels = [CHANNEL_LABELS[c] for c in people] or ["the school office"]
    who = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
    if "complaints_procedure" in policy.channels and category in ("complaint", "allegation"):
        who += ", or use " + CHANNEL_LABELS["complaints_procedure"]
    return who


def cite(clause: Clause | None) -> str:
    if clause is None:
        return "our policy"
    text = clause.text.strip().rstrip(".")
    if len(text) > LONG_CLAUSE:
        text = clause.heading or clause.id
    return f"our policy (“{text}”)"


def explain(f: Finding, policy: PolicyView, clause: Clause | None) -> str:
    """One sentence: what it reads as, the school's clause, and who to talk to instead."""
    if clause is not None and is_non_exhaustive(clause):
        return explain_unlisted(f, policy, clause)
    asks = CATEGORY[f.category].asks.format(who=channel_phrase(f.category, policy))
    return f"This reads as {CATEGORY[f.category].reads_as}, and {cite(clause)} {asks}."


def explain_unlisted(f: Finding, policy: PolicyView, clause: Clause) -> str:
    """One sentence for a finding the school's list does not name: the list is only examples, so a
    moderator reads it first, quoting the school's own sentence and its aim to safeguard people."""
    aim = next((c for c in policy.non_exhaustive() if c.id != clause.id), None)
    why = f" and aims to “{aim.text.strip().rstrip('.')}”" if aim is not None else ""
    return (
        f"This reads as {CATEGORY[f.category].reads_as}, which our policy does not list by name, but it says "
        f"“{clause.text.strip().strip('()').rstrip('.')}”{why}, so a moderator will read it before it is posted."
    )
