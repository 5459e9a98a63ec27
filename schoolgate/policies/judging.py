"""The one door from the Django apps to the judge: a school's text -> the verdict record the apps store.

Apps never call `schoolgate.judge` themselves and never re-implement detection or its wording: they call
`judge_record` (one text: a post, a comment, pasted evidence) or `judge_batch` (a chat scan's messages)
and store or show what comes back.

One failure rule: when the judge cannot give a verdict (no published policy, a model that will not load,
any error inside it), `judge_record` returns a record that holds the item for a moderator
(`decision` "review", `unavailable` true, the reason in `explanation`). Nothing is waved through and
nothing the person wrote is lost.

The judge itself is chosen by the `SCHOOLGATE_JUDGE` setting: a dotted path to (or an object with)
`analyse(text, policy, roster, *, author)` and `analyse_batch(texts, policy, roster, *, authors)`
(a module path, by default `schoolgate.judge`).
It is `schoolgate.judge`; tests put a small predictable judge there, and every app then sees it.
"""

from __future__ import annotations

import logging
from importlib import import_module

from django.conf import settings

from schoolgate.judge.types import Person, PolicyView, Roster, Verdict, category_label

log = logging.getLogger(__name__)

UNAVAILABLE = "The automatic check is not available at the moment."
STAFF_VOICE = "Written by staff for the school: the policy's clause on speaking for the school is about parents/carers."


class NoPolicy(RuntimeError):
    pass


def engine():
    """The judge in use (see the module docstring); importing it loads no model until it is first used."""
    chosen = getattr(settings, "SCHOOLGATE_JUDGE", "schoolgate.judge")
    return import_module(chosen) if isinstance(chosen, str) else chosen


def policy_view_for(school) -> PolicyView:
    version = school.current_policy()
    if version is None:
        raise NoPolicy(f"{school.name} has no published policy for the judge to apply.")
    return version.policy_view()


def clause_index(school) -> dict:
    """clause id -> the school's current Clause row (text, heading); empty without a published policy."""
    version = school.current_policy()
    return {c.clause_id: c for c in version.clauses.all()} if version is not None else {}


def finding_record(finding: dict, clauses: dict) -> dict:
    """A stored finding with the words people read beside it: the category's label, the clause's text."""
    clause = clauses.get(finding.get("clause") or "")
    return {
        **finding,
        "label": category_label(finding.get("category", "")),
        "clause_text": clause.text if clause is not None else "",
        "clause_heading": clause.heading if clause is not None else "",
    }


def held(why: str) -> dict:
    """The record of a text the judge could not check: held for a moderator, never published unread."""
    return {"decision": "review", "explanation": f"{why} A moderator will read this.", "scores": {}, "findings": [], "unavailable": True}


def judge_record(school, text: str, *, author: Person | None = None, staff: bool = False, roster: Roster | None = None) -> dict:
    """The verdict on one text as stored with the item (JSON-ready).

    `author` (the writer as a roster person) lets the judge tell a parent's own child from another's.
    `staff` marks a text the school itself writes, where "speaking for the school" is what it is for.
    """
    try:
        policy = policy_view_for(school)
        verdict = engine().analyse(text, policy, roster if roster is not None else school.roster(), author=author)
    except NoPolicy as exc:
        return held(str(exc))
    except Exception:  # noqa: BLE001 - the one failure rule: any judge failure holds the item
        log.exception("the judge could not check a text for %s", school.slug)
        return held(UNAVAILABLE)
    return _record(verdict, clause_index(school), staff=staff)


def judge_batch(policy: PolicyView, roster: Roster | None, texts: list[str], authors: list[Person | None] | None = None) -> list[Verdict]:
    """Verdicts for many texts at once (a chat scan's batch). Errors propagate: a scan that cannot judge
    a batch stops, keeps what it committed and is resumed later (see `chats.scans`)."""
    return engine().analyse_batch(texts, policy, roster, authors=authors)


def _record(verdict: Verdict, clauses: dict, *, staff: bool) -> dict:
    data = verdict.as_dict()
    data["findings"] = [
        finding_record({**stored, "breach": finding.breach}, clauses) for stored, finding in zip(data["findings"], verdict.findings)
    ]
    if staff:
        _staff_voice(data)
    return data


def _staff_voice(data: dict) -> None:
    # The policy's "voice of authority" clause is about parents; a staff post is the school's voice.
    kept = [f for f in data["findings"] if f["category"] != "speaking_for_school"]
    if len(kept) != len(data["findings"]):
        data["not_applicable"] = [f for f in data["findings"] if f["category"] == "speaking_for_school"]
        data["findings"] = kept
        if not kept:
            data["decision"] = "allow"
            data["explanation"] = STAFF_VOICE
