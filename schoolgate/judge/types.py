"""The judge's vocabulary: categories, the school's policy as the judge sees it, the roster, and verdicts.

Pure Python (no Django import) so the CLI, the web app and chat scans share one contract.
A `PolicyView` is built from the same dictionary the policy data files hold (see
`schoolgate/policies/seeds/*.toml`), so the judge never needs the database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    """One category of the judge, and every piece of wording the product uses for it.

    `label`: plain words for lists and records; `reads_as`: opens the explanation ("This reads as ...");
    `asks`: what the policy asks instead, `{who}` being the school's own channels; `channels`: which of
    the school's channels suit this concern, in order of preference (empty: the policy's own order).
    """

    name: str
    label: str
    reads_as: str
    asks: str
    channels: tuple[str, ...] = ()


_NOT_THIS = "asks you not to post this; if something is wrong, please raise it with {who}"

CATEGORY: dict[str, Category] = {
    c.name: c
    for c in (
        Category("abuse", "abusive or insulting language", "abusive or insulting language", _NOT_THIS),
        Category("threat", "a threat of violence", "a threat of violence", _NOT_THIS),
        Category("hate", "racist or hateful language", "racist or hateful language", _NOT_THIS),
        Category("obscene", "obscene language", "obscene language", _NOT_THIS),
        Category("harassment", "bullying or harassment", "bullying or harassment", _NOT_THIS),
        Category(
            "allegation", "an allegation against an identifiable person", "an allegation against someone connected with the school",
            "asks you to raise serious concerns privately with {who} instead",
            ("headteacher", "governing_body", "chair_of_governors", "complaints_procedure"),
        ),
        Category(
            "complaint", "a complaint about the school or its staff", "a complaint about the school or a member of staff",
            "asks you to raise it with {who} instead",
            ("headteacher", "governing_body", "chair_of_governors", "class_teacher", "complaints_procedure"),
        ),
        Category(
            "naming_child", "naming a child", "naming or commenting on a child",
            "asks you not to name or discuss other children online; please speak to {who} about any concern",
            ("class_teacher", "headteacher", "governing_body"),
        ),
        Category(
            "confidential", "confidential or personal information", "personal or confidential information about someone",
            "asks you to remove the personal details and speak to {who} privately instead",
        ),
        Category(
            "staff_contact", "contacting staff through social media", "contacting a member of staff through social media",
            "asks you to contact staff through the school, for example {who}, not through social media",
            ("class_teacher", "headteacher", "governing_body"),
        ),
        Category(
            "speaking_for_school", "speaking on behalf of the school", "a message posted as though it came from the school",
            "asks parents not to post as a voice of the school; please share the school's own message or ask {who}",
            ("headteacher", "class_teacher", "governing_body"),
        ),
        Category(
            "image_consent", "sharing images of children or staff without consent", "sharing photos or videos of other children or staff",
            "asks you to share only photos of your own children; please check with {who} about consent",
            ("class_teacher", "headteacher", "governing_body"),
        ),
    )
}

# The fixed category names, in the CLI contract's order.
CATEGORIES: tuple[str, ...] = tuple(CATEGORY)

DECISIONS = ("allow", "review", "block")

# The school's own "this list is non-exhaustive" sentence, and its objective to safeguard everyone
# associated with the school: clauses that name no category, found by their words. The judge cites
# them to hold (never to block) a finding in a category the school's list does not name; a school whose
# policy has no such sentence (or removes it at a review) gets no such rule.
NON_EXHAUSTIVE_RE = re.compile(r"\bnon-?exhaustive\b|\bnot (?:an )?exhaustive\b", re.IGNORECASE)
SAFEGUARD_RE = re.compile(r"^\W*safeguard\b", re.IGNORECASE)
# Categories that hold a post for a moderator at most: a specific clause may name them, but on their
# own they are milder than a threat, hate, an allegation of a crime or a home address.
MILD = ("complaint", "naming_child", "staff_contact", "speaking_for_school", "image_consent")


def category_label(name: str) -> str:
    """Plain words for a category; an unknown name (an old record) is shown readably, not dropped."""
    known = CATEGORY.get(name)
    return known.label if known else (name or "").replace("_", " ")


# Who a parent should talk to instead, by channel id used in policy data.
CHANNEL_LABELS: dict[str, str] = {
    "class_teacher": "the class teacher",
    "headteacher": "the Headteacher",
    "chair_of_governors": "the Chair of Governors",
    "governing_body": "a member of the Governing Body",
    "complaints_procedure": "the school's formal complaints procedure",
}


@dataclass(frozen=True)
class Clause:
    id: str
    heading: str
    text: str
    categories: tuple[str, ...] = ()
    # Example sentences that breach this clause; they tune this school's judge.
    examples: tuple[str, ...] = ()


def is_non_exhaustive(clause: Clause) -> bool:
    """A clause that names no category and says the school's list is non-exhaustive."""
    return not clause.categories and NON_EXHAUSTIVE_RE.search(clause.text) is not None


def safeguarding_aim(clauses):
    """The school's objective to safeguard people (a clause naming no category), cited beside its
    non-exhaustive sentence; None when the policy has none. Any objects with `text` and `categories`."""
    return next((c for c in clauses if not c.categories and SAFEGUARD_RE.search(c.text)), None)


@dataclass(frozen=True)
class PolicyView:
    """What the judge needs of one school's current policy version."""

    school_slug: str
    school_name: str
    clauses: tuple[Clause, ...]
    # Channels the policy names for concerns, in the policy's order (ids of CHANNEL_LABELS).
    channels: tuple[str, ...] = ("class_teacher", "headteacher", "chair_of_governors")
    review_threshold: float = 0.5
    block_threshold: float = 0.85
    # Per-category overrides: {"naming_child": {"review": 0.6, "block": 0.95}}
    category_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)

    # What follows from `clauses` alone (a tuple of frozen clauses) is worked out once per policy view and
    # kept on the instance, outside the dataclass fields: every verdict asks, and the answer cannot change.

    def _by_clauses(self, key: str, make):
        cache = self.__dict__.get("_derived")
        if cache is None:
            cache = {}
            object.__setattr__(self, "_derived", cache)  # frozen: not a field, only a memo
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = make()
        return hit

    def clauses_for(self, category: str) -> list[Clause]:
        return list(self._by_clauses("for:" + category,
                                     lambda: tuple(c for c in self.clauses if category in c.categories)))

    def names(self, category: str) -> bool:
        """True when this school's policy names the category (a breach, not advice)."""
        return any(category in c.categories for c in self.clauses)

    def non_exhaustive(self) -> list[Clause]:
        """The school's "this list is non-exhaustive" sentence, then its safeguarding objective; empty
        when the policy does not say its list is non-exhaustive."""
        return list(self._by_clauses("non_exhaustive", self._non_exhaustive))

    def _non_exhaustive(self) -> tuple[Clause, ...]:
        lists = [c for c in self.clauses if is_non_exhaustive(c)]
        if not lists:
            return ()
        aim = safeguarding_aim(self.clauses)
        return tuple(lists[:1] + ([aim] if aim is not None else []))

    def thresholds_for(self, category: str) -> tuple[float, float]:
        override = self.category_thresholds.get(category, {})
        return (
            float(override.get("review", self.review_threshold)),
            float(override.get("block", self.block_threshold)),
        )

    @classmethod
    def from_dict(cls, data: dict, school_slug: str = "", school_name: str = "") -> PolicyView:
        """Build from a policy data dictionary (the TOML seed layout)."""
        judge = data.get("judge", {})
        clauses = tuple(
            Clause(
                id=c["id"],
                heading=c.get("heading", ""),
                text=c["text"],
                categories=tuple(c.get("categories", ())),
                examples=tuple(c.get("examples", ())),
            )
            for c in data.get("clauses", ())
        )
        return cls(
            school_slug=school_slug or data.get("school", {}).get("slug", ""),
            school_name=school_name or data.get("school", {}).get("name", ""),
            clauses=clauses,
            channels=tuple(data.get("policy", {}).get("channels", cls.channels)),
            review_threshold=float(judge.get("review", 0.5)),
            block_threshold=float(judge.get("block", 0.85)),
            category_thresholds=dict(judge.get("categories", {})),
        )


ROSTER_ROLES = ("pupil", "staff", "governor", "parent")


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # one of ROSTER_ROLES
    group: str = ""  # year group, class or job title
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Roster:
    people: tuple[Person, ...] = ()

    def __len__(self) -> int:
        return len(self.people)

    def with_role(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]

    @classmethod
    def from_rows(cls, rows: Iterable[dict]) -> Roster:
        people = []
        for row in rows:
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
            people.append(
                Person(
                    name=(row.get("name") or "").strip(),
                    role=(row.get("role") or "").strip().lower(),
                    group=(row.get("group") or "").strip(),
                    aliases=aliases,
                )
            )
        return cls(tuple(p for p in people if p.name))

    @classmethod
    def from_csv_text(cls, text: str) -> Roster:
        """Lenient reader for the judge; strict validation lives in the roster import."""
        return cls.from_rows(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@dataclass(frozen=True)
class Finding:
    category: str
    clause: str | None  # the school's clause id; None when the policy does not name the category
    score: float
    start: int
    end: int
    quote: str
    breach: bool = True  # False: advice (the school's policy does not name this category)

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "clause": self.clause,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }


@dataclass
class Verdict:
    decision: str  # one of DECISIONS
    explanation: str
    scores: dict[str, float]
    findings: list[Finding] = field(default_factory=list)

    @property
    def breaches(self) -> list[Finding]:
        return [f for f in self.findings if f.breach]

    def as_dict(self) -> dict:
        return {
            "decision": self.decision,
            "explanation": self.explanation,
            "scores": {c: round(float(self.scores.get(c, 0.0)), 4) for c in CATEGORIES},
            "findings": [f.as_dict() for f in self.findings],
        }
