"""Benign posts that share their words with a breach, next to the breach (issue 11: benign posts held <= 3%).

Our own sentences. Each pair differs in what a moderator cares about: whom the grievance is with, whether a
"share far and wide" is aimed at a person, whether a post about photos talks about the rule or breaks it,
and whether the child named is the poster's own.
"""

from __future__ import annotations

import pytest

from schoolgate.judge import analyse, lexicon


def held_for(v, category):
    return [f for f in v.findings if f.category == category and f.breach]


@pytest.mark.parametrize("benign, breach, category", [
    # A grievance with the council, the bus company or the weather is not a complaint about the school.
    ("The council still haven't gritted our road, absolute shambles.",
     "The school still haven't sorted the leaking roof in Year 2, absolute shambles.", "complaint"),
    ("Bus company cancelled the 7.40 again this morning, it's a disgrace.",
     "The office cancelled parents' evening again this morning, it's a disgrace.", "complaint"),
    # "Share far and wide" for a lost pet or a petition; a pile-on when it is aimed at someone.
    ("Missing tortoise near the church, answers to nothing, please share far and wide.",
     "Please share far and wide so everyone sees what she did at the gate.", "harassment"),
    ("Petition to keep the 104 running is below, sign and share far and wide please.",
     "Share this far and wide so they know what he is really like.", "harassment"),
    # Talking about the photo rule is not breaking it.
    ("Reminder that the policy says no posting pics of other people's kids, so crop yours before sharing.",
     "I know it's not allowed but here's the pics of all the kids from the nativity, tag your little ones.", "image_consent"),
])
def test_the_benign_twin_is_allowed_and_the_breach_held(sw, hh, roster, benign, breach, category):
    for policy in (sw, hh):
        assert analyse(benign, policy, roster).decision == "allow", (policy.school_name, benign)
        v = analyse(breach, policy, roster)
        assert v.decision != "allow" and held_for(v, category), (policy.school_name, breach, v.findings)


def test_another_body_is_only_the_grievance_when_the_school_is_not_in_the_post():
    assert lexicon.about_another_body("Three weeks and the council still haven't emptied the bins. Shambles.")
    assert not lexicon.about_another_body("The council and the school are both useless, the head never replies.")
    assert not lexicon.about_another_body("Fourth week running the reading books haven't been changed.")


def test_a_child_the_poster_signs_off_as_their_own_is_their_own_all_through_the_post(hh, roster):
    # High Hesket's policy names naming children; a parent thanking people for finding their own child's coat
    # does not breach it, wherever in the post they say the child is theirs.
    own = analyse("Thank you to whoever handed in Grace's coat at the office, from Grace's mum", hh, roster)
    assert own.decision == "allow"
    other = analyse("Grace's coat was left out in the rain again, her mum never checks anything", hh, roster)
    assert other.decision != "allow" and held_for(other, "naming_child")
