"""`confidential`: contact details (library-backed where one exists) and sensitive facts about people."""

from __future__ import annotations

import pytest

from schoolgate.judge import analyse
from schoolgate.judge.confidential import contact_details


def categories(verdict, breach_only: bool = False) -> set[str]:
    return {f.category for f in verdict.findings if f.breach or not breach_only}


@pytest.mark.parametrize("text,kind,quote", [
    ("Her number is 07911 123456 if you want to have it out with her", "phone", "07911 123456"),
    ("Mr Hughes's mobile: +44 7911 123456", "phone", "+44 7911 123456"),
    ("his email is d.hughes@example.co.uk", "email", "d.hughes@example.co.uk"),
    ("the Bennetts live on LE3 9QT", "postcode", "LE3 9QT"),
    ("she lives at 14 Oak Road in town", "address", "14 Oak Road"),
])
def test_other_peoples_contact_details_are_found_with_exact_spans(text, kind, quote):
    hits = [h for h in contact_details(text) if h.kind == kind]
    assert len(hits) == 1
    h = hits[0]
    assert text[h.start:h.end] == quote
    assert h.score >= 0.85


def test_own_contact_details_score_low():
    (h,) = contact_details("text me on 07911 123456 if you need a lift")
    assert h.kind == "phone" and h.score < 0.5


@pytest.mark.parametrize("text", [
    "The trip costs £12.50, due on 12/03/2025.",
    "Room 101 has 30 chairs and 2 tables.",
    "Year 4 raised 1,234 pounds!",
    "Our order number was ABC123DEF",
])
def test_numbers_that_are_not_contact_details(text):
    assert contact_details(text) == []


def test_phone_number_of_a_named_person_is_a_breach_at_stokes_wood(sw, roster):
    text = "Mrs Wood's personal number is 07911 123456, ring her"
    v = analyse(text, sw, roster)
    f = next(f for f in v.findings if f.category == "confidential" and f.quote == "07911 123456")
    assert f.breach and f.clause.startswith("sw-")
    assert v.decision in ("review", "block")


def test_confidential_is_held_under_the_non_exhaustive_sentence_at_high_hesket(hh, roster):
    """High Hesket's list does not name confidential information; its list is only examples, so the
    number holds the post for a moderator (never blocks: only a specific clause may block)."""
    v = analyse("Mrs Wood's personal number is 07911 123456, ring her", hh, roster)
    conf = [f for f in v.findings if f.category == "confidential"]
    assert conf and all(f.breach and f.clause == "hh-non-exhaustive" for f in conf)
    assert v.decision == "review"


@pytest.mark.parametrize("text", [
    "Olly has an EHCP and sees a social worker, his mum told me.",
    "The complaint against Mr Hughes was upheld and he's on a final warning.",
    "Amelia was excluded for a week for hitting a dinner lady.",
    "Mrs Wood is off with depression, that's why she's not been in.",
])
def test_sensitive_facts_about_identifiable_people(text, sw, roster):
    v = analyse(text, sw, roster)
    assert v.scores["confidential"] >= 0.5
    assert "confidential" in categories(v, breach_only=True)


@pytest.mark.parametrize("text", [
    "My son has a dentist appointment so he'll be late.",
    "Does anyone know how the SEN support works at this school?",
    "I had a cold last week, feeling better now.",
])
def test_ordinary_talk_of_needs_or_health_is_not_confidential(text, sw, roster):
    v = analyse(text, sw, roster)
    assert v.scores["confidential"] < 0.5
