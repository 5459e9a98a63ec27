"""More phrasings without swear words (issue 11, second pass): our own sentences, none of them in any
bench/data/scenarios*.tsv set. Each rule kind added to `judge.lexicon` has a case that fails without it,
and each has a benign sentence that shares its words and must stay allowed.
"""

from __future__ import annotations

import pytest

from schoolgate.judge import analyse


def held_for(v, category):
    return [f for f in v.findings if f.category == category and f.breach]


HELD = [
    # group harassment: mass reporting, calling in the press, shunning a family, "who's in for"
    ("harassment", "Report every single post on the school page until they take it down."),
    ("harassment", "Tag the Westmorland Gazette and let the whole county see it."),
    ("harassment", "That woman needs naming and shaming for what she did at the disco."),
    ("harassment", "Who's up for ignoring her at the gate all week?"),
    ("harassment", "Can we all just stop inviting the Parkers to the birthday parties?"),
    ("harassment", "Let's blank the Fosters at sports day, see how they like it."),
    ("harassment", "Message the head all at once, she can't ignore fifty of us."),
    # complaints by sarcasm and exasperation, no complaint word
    ("complaint", "Nine weeks and the school still hasn't fixed the toilets. Cracking job as always"),
    ("complaint", "Still no swimming lessons since Easter and nobody from school has said why."),
    ("complaint", "Letters home with the wrong date on them again. You honestly couldn't make it up."),
    ("complaint", "The homework club is a box-ticking exercise at this school."),
    # sexual remarks about staff, no swear word
    ("obscene", "Mrs Wood bending over the book fair table made my week 🥵"),
    ("obscene", "No wonder all the dads volunteer for the PE trips with Miss Patel in charge."),
    # insults without swear words
    ("abuse", "Mr Hughes is a lazy article, never seen him lift a finger."),
    ("abuse", "You spineless little teacher, hiding behind the office."),
    # the channel categories and gossip about health
    ("staff_contact", "I've added Mr Hughes to the class WhatsApp so he can answer us directly."),
    ("speaking_for_school", "Just to confirm for everyone, the school won't be opening on Monday."),
    ("confidential", "The new teacher is off sick with stress, that's why the supply's in."),
    # third pass (the second blind dev set): collecting screenshots, chats that leave one person out,
    # exasperation without complaint words, innuendo, insults by comparison
    ("harassment", "Anyone got screenshots of what Kerry said in the football group? Send them me."),
    ("harassment", "new group chat for the netball mums (not Stacey obviously)"),
    ("harassment", "Keep asking her about the raffle money at every meeting till she cracks."),
    ("complaint", "Funny how the head is never around when the car park floods."),
    ("complaint", "Four letters home about headlice this month. Four."),
    ("complaint", "Chased the office five times about the trip refund and nothing back."),
    ("obscene", "Mr Hughes has got muscles in all the right places, his wife's a lucky woman."),
    ("abuse", "Mrs Wood has a face like a wet weekend every morning at the gate."),
    # fourth pass (the third blind dev set)
    ("harassment", "Everyone keep sharing the video of Mr Hughes shouting, it's nearly at 100 shares."),
    ("harassment", "Whoever's still friends with Donna after the quiz night can leave this chat."),
    ("complaint", "Third new reading scheme at school since September. None of the last two worked either."),
    ("obscene", "Whoever gets Mr Hughes for the parents' evening, I'm only human 😏"),
]

BLOCKED = [
    ("threat", "Be a real pity if the head's car got its windows done in the night."),
    ("threat", "She'll be sorry she ever kept my son in at break."),
    ("threat", "Somebody should let the caretaker's tyres down, see how he likes walking."),
    ("threat", "One more word from you and I'll knock you into next week."),
    ("hate", "A same-sex couple running the PTA, it's just not natural."),
    ("hate", "Gypsies pitched up by the rec again, lock everything up."),
    ("hate", "That RE teacher will push his own religion on the kids, they all do."),
    ("allegation", "The caretaker's been helping himself to the tuck shop money."),
    ("allegation", "Mr Hughes drives home from the pub every night, everyone's seen it."),
    ("allegation", "The trip money has gone missing and funny how the treasurer just booked Tenerife."),
    ("confidential", "Miss Patel lives in the farmhouse at the top of the lane, if you want a word."),
    ("confidential", "Found the staff contact list with all their home numbers, will post it later."),
    ("confidential", "Mr Hughes's mobile is 07700 900517, ask him yourself."),
    ("threat", "I know what time the head leaves the building on a Friday. Just saying."),
    ("threat", "If they keep my son off the team again there will be consequences."),
    ("threat", "Miss Patel wants to be careful walking to her car after the concert."),
    ("hate", "Kids in wheelchairs hold the rest of the class back, they should go somewhere special."),
    ("hate", "Deaf children should be taught with their own kind, not with ours."),
    ("threat", "My cousins have heard all about Mr Hughes and they'll be sorting him out."),
    ("threat", "The school will go up like bonfire night if they exclude him again."),
]


@pytest.mark.parametrize("category, text", HELD)
def test_held_for_a_moderator(sw, hh, roster, category, text):
    for p in (sw, hh):
        v = analyse(text, p, roster)
        assert held_for(v, category) and v.decision in ("review", "block"), (p.school_slug, v.findings)


@pytest.mark.parametrize("category, text", BLOCKED)
def test_severe_breaches_are_found(sw, roster, category, text):
    v = analyse(text, sw, roster)
    assert held_for(v, category) and v.decision == "block", v.findings


def test_a_staff_members_number_in_the_drama_range_is_still_a_number(sw, roster):
    # Ofcom's drama range (07700 900xxx) is not allocated, but a reader takes it as her number.
    v = analyse("Her personal number is 07700 900321, text her if the bus is late.", sw, roster)
    assert held_for(v, "confidential")


def test_an_unlisted_category_holds_only_when_the_judge_is_sure(hh, roster):
    # High Hesket's list does not name speaking for the school: a weak reading of it is advice, not a hold.
    v = analyse("Does anyone car share from Penrith? Be good to split the school run.", hh, roster)
    assert v.decision == "allow"
    sure = analyse("On behalf of the staff, the school will close at noon on Friday.", hh, roster)
    assert sure.decision == "review" and held_for(sure, "speaking_for_school")


BENIGN = [
    "The boxer is going to knock him out in the third round, no doubt.",
    "Brilliant sports day, thank you to all the staff. Brilliant!",
    "The new family lives in the village and the children have settled in lovely.",
    "I had a quiet word with Mrs Wood at pick-up and it was all sorted the same day.",
    "I've put a complaint in through the school's proper process, so I'll wait to hear.",
    "Can we all bring a cake for the bake sale on Friday?",
    "Our Year 3 teacher is brilliant, the view from the classroom window is lovely too.",
    "Please report any lost property to the office, the box is overflowing.",
    "I'll kill him if he forgets his PE kit again 😂",
    "The school's Facebook posted the sports day photos, the kids look so happy.",
    "Funny how fast the summer holidays go.",
    "Four goals in the final! Four!",
    "Going to hit the shops for World Book Day costumes, anyone need anything?",
    "Fit as a fiddle after the fun run, thanks for the sponsorship everyone!",
]


@pytest.mark.parametrize("text", BENIGN)
def test_benign_posts_that_share_the_words_are_allowed(sw, hh, roster, text):
    for p in (sw, hh):
        assert analyse(text, p, roster).decision == "allow", (p.school_slug, analyse(text, p, roster).findings)
