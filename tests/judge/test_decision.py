"""Decisions from per-school thresholds, advice vs breach, and the parent-facing explanation."""

from __future__ import annotations

from schoolgate.judge import analyse
from schoolgate.judge.decision import decide
from schoolgate.judge.types import Clause, Finding, PolicyView


def policy(**kw) -> PolicyView:
    clauses = (Clause("c-complaint", "Conduct", "Complaining about the school on social media", ("complaint",)),
               Clause("c-naming", "Conduct", "Naming children", ("naming_child",)),
               Clause("c-abuse", "Conduct", "Sending abusive messages", ("abuse",)))
    return PolicyView("t", "Test School", clauses, channels=("class_teacher", "headteacher"), **kw)


def finding(cat, score, clause):
    return Finding(cat, clause, score, 0, 4, "text", breach=clause is not None)


def test_thresholds_allow_review_block():
    p = policy(review_threshold=0.5, block_threshold=0.85)
    cl = {c.id: c for c in p.clauses}
    assert decide([finding("complaint", 0.49, "c-complaint")], p, cl)[0] == "allow"
    assert decide([finding("complaint", 0.5, "c-complaint")], p, cl)[0] == "review"
    assert decide([finding("abuse", 0.85, "c-abuse")], p, cl)[0] == "block"


def test_mild_categories_hold_at_most():
    """A complaint, naming a child, contacting staff, speaking for the school and images are milder than
    threats, hate or a home address: however sure the judge is, a moderator decides."""
    p = policy()
    cl = {c.id: c for c in p.clauses}
    assert decide([finding("complaint", 0.99, "c-complaint")], p, cl)[0] == "review"
    assert decide([finding("naming_child", 0.99, "c-naming")], p, cl)[0] == "review"


def test_per_category_override():
    p = policy(category_thresholds={"naming_child": {"review": 0.9, "block": 0.99}})
    cl = {c.id: c for c in p.clauses}
    assert decide([finding("naming_child", 0.88, "c-naming")], p, cl)[0] == "allow"
    assert decide([finding("naming_child", 0.95, "c-naming")], p, cl)[0] == "review"
    assert decide([finding("abuse", 0.88, "c-abuse")], p, cl)[0] == "block"


def test_advice_never_holds_a_post():
    p = policy()
    decision, why = decide([finding("staff_contact", 0.99, None)], p, {})
    assert decision == "allow" and "does not cover" in why


def test_explanation_cites_clause_and_channels():
    p = policy()
    cl = {c.id: c for c in p.clauses}
    _, why = decide([finding("complaint", 0.9, "c-complaint")], p, cl)
    assert "“Complaining about the school on social media”" in why
    assert "the Headteacher" in why and why.endswith(".")
    # One sentence a parent can read: a single full stop, at the end.
    assert why.count(". ") == 0 and why.startswith("This reads as a complaint")


def test_high_hesket_complaint_points_to_head_governors_and_procedure(hh, roster):
    v = analyse("The new head has ruined this school.", hh, roster)
    assert v.decision in ("review", "block")
    assert "Headteacher" in v.explanation and "Governing Body" in v.explanation
    assert "complaints procedure" in v.explanation


def test_naming_child_breach_at_high_hesket_held_as_non_exhaustive_at_stokes_wood(sw, hh, roster):
    text = "Olly Benett was in a right mood at the party"
    v_hh = analyse(text, hh, roster)
    f = next(f for f in v_hh.findings if f.category == "naming_child")
    assert f.breach and f.clause == "hh-naming-children" and f.quote == "Olly Benett"
    assert v_hh.decision == "review"
    v_sw = analyse(text, sw, roster)
    f = next(f for f in v_sw.findings if f.category == "naming_child")
    assert f.breach and f.clause == "sw-non-exhaustive"
    assert v_sw.decision == "review"


def test_staff_contact_and_image_consent_breach_at_stokes_wood_held_as_non_exhaustive_at_high_hesket(sw, hh, roster):
    for text, cat in (("I've sent Miss Patel a friend request on Facebook.", "staff_contact"),
                      ("Here's a photo of the whole class at the nativity!", "image_consent")):
        f_sw = [f for f in analyse(text, sw, roster).findings if f.category == cat]
        v_hh = analyse(text, hh, roster)
        f_hh = [f for f in v_hh.findings if f.category == cat]
        assert f_sw and all(f.breach and f.clause.startswith("sw-") for f in f_sw)
        assert f_hh and all(f.breach and f.clause == "hh-non-exhaustive" for f in f_hh)
        assert v_hh.decision == "review"


def test_own_child_is_not_naming(hh, roster):
    v = analyse("My son Olly loved the trip, thank you!", hh, roster)
    assert v.scores["naming_child"] == 0.0 and v.decision == "allow"


def test_clean_message_is_allowed(sw, hh, roster):
    for p in (sw, hh):
        v = analyse("Lovely assembly this morning, well done everyone!", p, roster)
        assert v.decision == "allow" and v.findings == []
