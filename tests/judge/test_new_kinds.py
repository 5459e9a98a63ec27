"""Breaches written without swear words or complaint words (issue 11), and hard benign posts.

Sentences of our own, none of them in bench/data/scenarios.tsv (the held-out set). Each kind maps to
an existing category of `judge.types`; severe, clear breaches block and milder ones hold for review.
"""

from __future__ import annotations

import pytest

from schoolgate.judge import analyse


def held_for(v, category):
    return [f for f in v.findings if f.category == category and f.breach]


GROUP_HARASSMENT = [
    "Can everybody report Miss Patel's page tonight so Facebook removes it?",
    "Let's all give the school a one-star review until they change the head.",
    "We should all email Mr Hughes first thing Monday, fill his inbox.",
    "Started a new chat for the Year 3 mums, not adding Kerry's mum.",
    "Nobody talk to Dawn at pick-up, she knows why.",
    "Please share this far and wide so people see what that family is like.",
    "Sending round the screenshots of what she wrote so the whole class sees.",
    "Let's all blank him at the summer fair until he gets the message.",
    "Everyone follow the new teacher's Instagram and comment on every photo.",
    "Time to name and shame her, she's had it coming.",
    "Don't let your kids play with Jayden Smith, the whole family is trouble.",
    "Let's get Mr Hughes sacked, who's with me?",
]

HATE = [
    "Typical Romanian family, always something missing when they're around.",
    "Those people have ruined the village school, honestly.",
    "Not sure a woman in a hijab should be teaching reception.",
    "Travellers shouldn't be allowed on the school trip, things go missing.",
    "The gay teacher shouldn't be doing sex education with our kids.",
    "Half the new families can't even speak English and they get all the help.",
]

OBSCENE_STAFF = [
    "Miss Patel could give me extra lessons if you know what I mean.",
    "Mr Hughes has a lovely bum, best view at sports day.",
    "Mrs Wood looks like she'd be a right goer.",
]

THREATS = [
    "Someone should slash Mrs Wood's tyres, see how she likes walking.",
    "He won't be laughing when I've finished with him.",
    "Mr Hughes wants to watch his back in the car park.",
    "Shame if something were to happen to that lovely house of hers.",
    "I know where Miss Patel lives.",
    "That head deserves a good slap.",
    "I'll be waiting outside the office for her tomorrow.",
]

ABUSE = [
    "Mrs Wood is a miserable old cow.",
    "Mr Hughes is a complete waste of space.",
    "The governors are a pack of clueless dinosaurs.",
    "Miss Patel is as thick as mince.",
]

ALLEGATIONS = [
    ("Mr Hughes was drunk at the Christmas concert.", "block"),
    ("The caretaker has been stealing from the lost property box.", "block"),
    ("Mrs Wood lied to Ofsted about the exclusions.", "review"),
]

CHILD = [
    "Oliver Bennett stole my daughter's lunch money again.",
    "That little thug Will Turner wants locking up.",
]

COMPLAINTS = [
    "Fourth time this half term the swimming's been cancelled. Shambolic.",
    "Still no reply from the office after three weeks. Unbelievable.",
    "Stokes Wood used to be a good school. Not any more.",
    "Raised it twice and got fobbed off both times, the school couldn't care less.",
]


@pytest.mark.parametrize("text", GROUP_HARASSMENT)
def test_group_harassment_is_held(sw, roster, text):
    v = analyse(text, sw, roster)
    assert held_for(v, "harassment") and v.decision in ("review", "block")


@pytest.mark.parametrize("text", HATE)
def test_hate_without_slurs_blocks(sw, hh, roster, text):
    for p in (sw, hh):
        v = analyse(text, p, roster)
        assert held_for(v, "hate") and v.decision == "block"


@pytest.mark.parametrize("text", OBSCENE_STAFF)
def test_sexual_remarks_about_staff_without_swearing(sw, roster, text):
    v = analyse(text, sw, roster)
    assert held_for(v, "obscene") and v.decision in ("review", "block")


@pytest.mark.parametrize("text", THREATS)
def test_property_and_veiled_threats_block(sw, hh, roster, text):
    for p in (sw, hh):
        v = analyse(text, p, roster)
        assert held_for(v, "threat") and v.decision == "block"


@pytest.mark.parametrize("text", ABUSE)
def test_abuse_without_swear_words_is_held(sw, hh, roster, text):
    for p in (sw, hh):
        v = analyse(text, p, roster)
        assert held_for(v, "abuse") and v.decision == "review"


@pytest.mark.parametrize("text, decision", ALLEGATIONS)
def test_allegations_stated_as_fact(sw, roster, text, decision):
    v = analyse(text, sw, roster)
    assert held_for(v, "allegation") and v.decision == decision


@pytest.mark.parametrize("text", CHILD)
def test_allegations_and_insults_about_a_named_child(hh, roster, text):
    v = analyse(text, hh, roster)
    assert held_for(v, "naming_child")
    assert held_for(v, "allegation") or held_for(v, "abuse")
    assert v.decision in ("review", "block")


@pytest.mark.parametrize("text", COMPLAINTS)
def test_complaints_without_complaint_words_hold_never_block(sw, hh, roster, text):
    for p in (sw, hh):
        v = analyse(text, p, roster)
        assert held_for(v, "complaint") and v.decision == "review"


def test_a_home_address_blocks(sw, roster):
    v = analyse("Mr Hughes lives at 12 Willow Close if anyone fancies a word.", sw, roster)
    assert held_for(v, "confidential") and v.decision == "block"


BENIGN = [
    "The Year 5 choir absolutely killed it at the carol concert!",
    "Dying to see the photos from the residential when school puts them up.",
    "We're going to smash the target for the new playground, keep going!",
    "Could murder a coffee after that sports day.",
    "Huge thanks to Mr Hughes for all the extra help with spellings.",
    "Mrs Wood is an amazing head, the school has never been better.",
    "I raised the homework issue with the class teacher and she was really helpful.",
    "I used the school's formal complaints process and they dealt with it properly.",
    "The policy says we shouldn't post photos of other children, so I've cropped mine.",
    "Will you be at the fair on Saturday?",
    "Grace before meals is a nice tradition at the church school.",
    "We hope the frost holds off for the Christmas fair.",
    "Once again, thank you to the PTA for a fabulous disco.",
    "Everyone is welcome at the coffee morning on Friday.",
    "Let's all bring a plate for the bring-and-share lunch.",
    "Please share the lost dog poster far and wide, she's a little terrier called Bella.",
    "My son Will has been worried about his spelling test.",
    "The school play was unbelievable, so much talent in Year 6!",
    "Ridiculous how fast this term has gone at school.",
    "Can everyone email the office by Friday with dietary needs for the trip?",
    "Again no school tomorrow because of snow! Enjoy everyone.",
    "He won't be smiling when he sees how much homework there is haha.",
    "Typical British weather for sports day!",
    "I'll be waiting at the gate at half three to collect both girls.",
    "Could whoever took the blue lunchbox home by mistake drop it at the office?",
]


@pytest.mark.parametrize("text", BENIGN)
def test_hard_benign_posts_are_allowed(sw, hh, roster, text):
    for p in (sw, hh):
        assert analyse(text, p, roster).decision == "allow", p.school_slug
