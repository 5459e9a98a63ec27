"""People in text: roster grounding, the traps of names that are also words, misspellings, spans."""

from __future__ import annotations

import pytest

from schoolgate.judge.names import find_mentions
from schoolgate.judge.types import Person, Roster


def quotes(text, roster, **kw):
    return [(m.quote, m.role) for m in find_mentions(text, roster, **kw)]


@pytest.mark.parametrize("text", [
    "Will the school be open on Monday?",
    "grace and mercy be with you all",
    "Grace and mercy be with you all this Christmas.",
    "We hope to see you at the fair in May.",
    "May half term is the last week of the month.",
    "I will be late to pick up.",
    "Stokes Wood is a lovely school.",
    "we walked through the wood",
])
def test_ordinary_words_that_are_names_are_not_people(text, roster):
    assert [m for m in find_mentions(text, roster, school_name="Stokes Wood Primary School") if m.role == "pupil" or m.kind != "role"] == []


@pytest.mark.parametrize("text,name", [
    ("I saw Will at the park", "Will"),
    ("Will is being picked on again", "Will"),
    ("My daughter played with Grace all afternoon", "Grace"),
    ("Grace Mercer was crying at the gate", "Grace Mercer"),
])
def test_name_words_in_person_context_are_people(text, name, roster):
    assert (name, "pupil") in quotes(text, roster)


@pytest.mark.parametrize("text,quote", [
    ("Olly Benett keeps pushing the others", "Olly Benett"),
    ("Oliver Benet was in trouble", "Oliver Benet"),
    ("olly bennett again!", "olly bennett"),
    ("OLLY was crying", "OLLY"),
    ("Olly's mum is lovely", "Olly's"),
    ("Millie said she hates school", "Millie"),
])
def test_aliases_case_misspellings_and_possessives(text, quote, roster):
    ms = find_mentions(text, roster)
    assert [m.quote for m in ms] == [quote]
    m = ms[0]
    assert text[m.start:m.end] == m.quote
    assert m.person is not None and m.person.name == ("Amelia Khan" if quote == "Millie" else "Oliver Bennett")


def test_staff_title_surname_alias_and_surname(roster):
    ms = find_mentions("Mr Hughes and Mrs Wood were at the gate, Hughes looked tired", roster)
    assert [(m.quote, m.role, m.person.name) for m in ms] == [
        ("Mr Hughes", "staff", "David Hughes"), ("Mrs Wood", "staff", "Sarah Wood"), ("Hughes", "staff", "David Hughes")]


def test_my_son_is_the_posters_own_child(roster):
    ms = find_mentions("My son Olly loved the trip", roster)
    assert len(ms) == 1 and ms[0].own_child and not ms[0].identifiable
    assert find_mentions("my son was sick today", roster) == []


def test_author_is_not_a_mention(roster):
    author = next(p for p in roster.people if p.name == "Sarah Wood")
    assert find_mentions("Sarah Wood here, see you all tomorrow", roster, author=author) == []


def test_roster_free_titles_roles_and_probable_pupils():
    ms = find_mentions("Mr Jones told a certain teacher in Year 4 that Jake in Year 3 was hitting", None)
    got = [(m.quote, m.role, m.kind) for m in ms]
    assert ("Mr Jones", "staff", "title_unknown") in got
    assert ("a certain teacher in Year 4", "staff", "role") in got
    assert ("Jake", "pupil", "unknown_child") in got


def test_empty_roster_behaves_like_none():
    assert [m.quote for m in find_mentions("Mr Jones is here", Roster())] == ["Mr Jones"]


def test_pupil_and_adult_share_a_first_name():
    r = Roster((Person("Sam Hill", "pupil", "Year 2"), Person("Sam Ortiz", "parent")))
    ms = find_mentions("Sam Hill cried and Sam Ortiz laughed", r)
    assert [(m.quote, m.role) for m in ms] == [("Sam Hill", "pupil"), ("Sam Ortiz", "parent")]
