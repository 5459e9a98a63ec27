"""The seed policies load from the package's data files and every clause is verbatim."""

import re
from pathlib import Path

import pytest

from schoolgate.policies.loader import SEED_SLUGS, load_seed, seed_data

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "policies"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("slug", SEED_SLUGS)
def test_every_clause_and_step_is_verbatim(slug):
    document = normalise((DOCUMENTS / f"{slug}.txt").read_text())
    data = seed_data(slug)
    assert data["clauses"] and data["steps"]
    for item in data["clauses"] + data["steps"]:
        assert normalise(item["text"]) in document, f"{item['id']} is not verbatim"
    for question in data["policy"]["consider_before_posting"]:
        assert normalise(question) in document
    for objective in data["policy"]["objectives"]:
        assert normalise(objective) in document


@pytest.mark.parametrize("slug", SEED_SLUGS)
def test_loaded_version_matches_data_file(db, slug):
    school, version, created = load_seed(slug)
    assert created
    data = seed_data(slug)
    stored = list(version.clauses.values_list("clause_id", "text", "categories"))
    assert stored == [(c["id"], c["text"], c.get("categories", [])) for c in data["clauses"]]
    assert [s.step_id for s in version.steps.all()] == [s["id"] for s in data["steps"]]
    # Loading again changes nothing.
    _, again, created_again = load_seed(slug)
    assert not created_again and again.pk == version.pk


def test_the_two_policies_keep_their_differences(seeded):
    stokes = seeded["stokes-wood"].current_policy()
    hesket = seeded["high-hesket"].current_policy()
    stokes_steps = set(stokes.steps.values_list("step_id", flat=True))
    hesket_steps = set(hesket.steps.values_list("step_id", flat=True))
    assert "meeting" in stokes_steps and "meeting" not in hesket_steps
    assert "Home-School Agreement" in stokes.steps.get(step_id="meeting").text
    assert stokes.data["policy"]["home_school_agreement"] is True
    # High Hesket names children and racist comments; Stokes Wood does not name children.
    assert hesket.policy_view().names("naming_child") and not stokes.policy_view().names("naming_child")
    assert hesket.clauses.get(clause_id="hh-racist").text == "Posting racist comments"
    assert "carers, relatives or anyone associated" in hesket.data["policy"]["parent_definition"]
    assert stokes.policy_view().names("staff_contact") and not hesket.policy_view().names("staff_contact")
    assert stokes.policy_view().channels == ("class_teacher", "headteacher", "chair_of_governors")
    assert "complaints_procedure" in hesket.policy_view().channels


def test_police_step_opens_only_on_its_conditions(seeded):
    police = seeded["high-hesket"].current_policy().steps.get(step_id="police")
    assert police.opens_for(categories=["threat"])
    assert police.opens_for(assessments=["grossly_offensive"])
    assert not police.opens_for(categories=["complaint"])
    assert seeded["stokes-wood"].current_policy().steps.get(step_id="discuss").opens_for()


def test_both_seed_policies_are_overdue_on_the_issue_date(seeded):
    import datetime as dt

    day = dt.date(2026, 11, 21)
    stokes = seeded["stokes-wood"].current_policy()
    hesket = seeded["high-hesket"].current_policy()
    assert stokes.next_review == dt.date(2025, 4, 1) and stokes.review_state(day) == "overdue"
    assert hesket.next_review == dt.date(2025, 11, 20) and hesket.review_state(day) == "overdue"
    assert [r.reviewed_on.year for r in hesket.reviews.all()] == [2019, 2021, 2022, 2024]
    assert stokes.review_state(dt.date(2025, 3, 1)) == "due"
