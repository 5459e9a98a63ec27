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

The roster the judge is handed is the same object while the school's roster is unchanged (`roster_for`):
the judge builds its name index once per roster object, so a new object per message rebuilt it for every
comment (0.2 s per message with 2,000 people, growing with the roster).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save

from schoolgate.judge.types import Person, PolicyView, Roster, Verdict, category_label, is_non_exhaustive, safeguarding_aim

log = logging.getLogger(__name__)

UNAVAILABLE = "The automatic check is not available at the moment."
STAFF_VOICE = "Written by staff for the school: the policy's clause on speaking for the school is about parents/carers."


class NoPolicy(RuntimeError):
    pass


def engine():
    """The judge in use (see the module docstring); importing it loads no model until it is first used."""
    chosen = getattr(settings, "SCHOOLGATE_JUDGE", "schoolgate.judge")
    return import_module(chosen) if isinstance(chosen, str) else chosen


def current_version(school):
    """The school's published policy (`School.current_policy`) with its clauses read in the same go, so
    the judge's view of it and the clause index below share one read of each."""
    version = (school.policy_versions.filter(status="published").order_by("-published_at", "-id")
               .prefetch_related("clauses").first())
    if version is not None:
        version.school = school  # PolicyView names the school: no second read of it
    return version


def policy_view_for(school, version=None) -> PolicyView:
    version = version if version is not None else current_version(school)
    if version is None:
        raise NoPolicy(f"{school.name} has no published policy for the judge to apply.")
    return version.policy_view()


def clause_index(school, version=None) -> dict:
    """clause id -> the school's current Clause row (text, heading); empty without a published policy."""
    version = version if version is not None else current_version(school)
    return {c.clause_id: c for c in version.clauses.all()} if version is not None else {}


def finding_record(finding: dict, clauses: dict) -> dict:
    """A stored finding with the words people read beside it: the category's label, the clause's text, and
    where the clause is the school's "this list is non-exhaustive" sentence, the school's aim to safeguard
    people that the judge cites with it (`clause_aim`)."""
    clause = clauses.get(finding.get("clause") or "")
    unlisted = clause is not None and is_non_exhaustive(clause)  # the judge's own test, on the stored clause
    aim = safeguarding_aim(clauses.values()) if unlisted else None
    return {
        **finding,
        "label": category_label(finding.get("category", "")),
        "clause_text": clause.text if clause is not None else "",
        "clause_heading": clause.heading if clause is not None else "",
        "clause_non_exhaustive": unlisted,
        "clause_aim": aim.text.strip().rstrip(".") if aim is not None else "",
    }


def held(why: str) -> dict:
    """The record of a text the judge could not check: held for a moderator, never published unread."""
    return {"decision": "review", "explanation": f"{why} A moderator will read this.", "scores": {}, "findings": [], "unavailable": True}


@dataclass
class _CachedRoster:
    quick: tuple  # (count, highest pk): read on every message
    digest: str  # everything the roster is made of: read at most every RECHECK seconds
    roster: Roster
    checked: float  # time.monotonic() of the last full check


# school pk -> its cached roster, least recently used first. One process serves many schools; each roster
# (and the name index the judge keeps for it, `judge.names.index_for`) stays while its school is among the
# most recently active ones.
_rosters: OrderedDict[int, _CachedRoster] = OrderedDict()
_rosters_lock = threading.Lock()


def quick_signature(school) -> tuple[int, int | None]:
    """(how many people, the highest id): one index-only query, about a millisecond at 20,000 people.
    Any addition raises the highest id and any removal lowers the count, so both show at once."""
    found = school.people.aggregate(n=Count("pk"), top=Max("pk"))
    return found["n"], found["top"]


def roster_signature(school) -> str:
    """A digest of everything about the school's people that the judge's roster is made of, edits in place
    included (a new alias, a pupil's new class, a renamed person).

    It reads every row (about 150 ms at 20,000 people), so `roster_for` reads it only when the quick
    signature changed or RECHECK seconds have passed. `updated_at` is in it so that a change through
    `save()` counts even if `Person.as_judge_person` comes to use a column not listed here; the columns
    themselves so that a change made without `save()` (a queryset update) counts too.
    """
    rows = school.people.order_by("pk").values_list("pk", "name", "kind", "group", "aliases", "updated_at")
    digest = hashlib.blake2b(digest_size=16)
    for row in rows.iterator(chunk_size=5000):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def roster_for(school) -> Roster:
    """The school's roster as the judge sees it: the same object for as long as the roster is unchanged, so
    the judge builds its name index once per roster change, not once per message.

    People added or removed are seen at the next message. A person edited in place is seen at once by
    this process (`_forget_roster`), and by the others within `SCHOOLGATE_ROSTER_RECHECK_SECONDS` (30 by
    default), when they read the full digest again.
    """
    recheck = getattr(settings, "SCHOOLGATE_ROSTER_RECHECK_SECONDS", 30)
    quick, now = quick_signature(school), time.monotonic()
    with _rosters_lock:
        hit = _rosters.get(school.pk)
        if hit is not None and hit.quick == quick and now - hit.checked < recheck:
            _rosters.move_to_end(school.pk)
            return hit.roster
    digest = roster_signature(school)
    if hit is not None and hit.quick == quick and hit.digest == digest:
        hit.checked = now
        return hit.roster
    # Read after the signatures: a change landing in between leaves a roster newer than its signatures,
    # which the next message finds stale and reads again; never an old roster kept as if it were current.
    roster = school.roster()
    with _rosters_lock:
        _rosters[school.pk] = _CachedRoster(quick, digest, roster, now)
        _rosters.move_to_end(school.pk)
        while len(_rosters) > getattr(settings, "SCHOOLGATE_ROSTER_CACHE_SCHOOLS", 200):
            _rosters.popitem(last=False)
    return roster


def _forget_roster(sender, instance, **kwargs) -> None:
    """A person saved or deleted in this process: its school's roster is read afresh at the next message
    (and again once the change commits, in case a message re-read the old one meanwhile). Other processes
    see additions and removals at once and edits within the recheck interval (`roster_for`)."""
    def forget():
        with _rosters_lock:
            _rosters.pop(instance.school_id, None)

    forget()
    transaction.on_commit(forget)


post_save.connect(_forget_roster, sender="schools.Person", dispatch_uid="judging-roster-saved")
post_delete.connect(_forget_roster, sender="schools.Person", dispatch_uid="judging-roster-deleted")


WARM_UP_TEXT = "Thank you for organising this, the children loved it."


def warm_up() -> bool:
    """Load the judge's models now: a web server's worker calls it as it starts, so the first comments it
    is sent do not each wait seconds for the models to load (and four commenters at once, for one another).
    True when the judge ran; a judge that cannot run is logged and left to the one failure rule."""
    try:
        engine().analyse(WARM_UP_TEXT, PolicyView(school_slug="", school_name="", clauses=()), Roster())
    except Exception:  # noqa: BLE001 - a judge that cannot load holds items later; the server still starts
        log.warning("the judge could not be loaded as the web worker started", exc_info=True)
        return False
    return True


def judge_record(school, text: str, *, author: Person | None = None, staff: bool = False, roster: Roster | None = None) -> dict:
    """The verdict on one text as stored with the item (JSON-ready).

    `author` (the writer as a roster person) lets the judge tell a parent's own child from another's.
    `staff` marks a text the school itself writes, where "speaking for the school" is what it is for.
    """
    try:
        version = current_version(school)
        policy = policy_view_for(school, version)
        verdict = engine().analyse(text, policy, roster if roster is not None else roster_for(school), author=author)
    except NoPolicy as exc:
        return held(str(exc))
    except Exception:  # noqa: BLE001 - the one failure rule: any judge failure holds the item
        log.exception("the judge could not check a text for %s", school.slug)
        return held(UNAVAILABLE)
    return _record(verdict, clause_index(school, version), staff=staff)


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
