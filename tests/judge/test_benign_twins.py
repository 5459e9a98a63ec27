"""Benign posts that share their words with a breach, next to the breach (issue 11: benign posts held <= 3%).

Our own sentences. Each pair differs in what a moderator cares about: whom the grievance is with, whether a
"share far and wide" is aimed at a person, whether a post about photos talks about the rule or breaks it,
whether the child named is the poster's own, whether a fortune is raised or charged, whether the news is about
another school, and whether the group is asked to be kind or to pile on.
"""

from __future__ import annotations

import pytest

from schoolgate.judge import analyse, lexicon
from schoolgate.judge.types import Roster


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
    # A fortune raised or saved is praise; a fortune charged is a complaint.
    ("The raffle at the Christmas fair made a fortune for the library, well done PTA.",
     "The school charges us a fortune for every trip and nobody can say where it goes.", "complaint"),
    # Stealing the show is praise; stealing from a bag is an allegation.
    ("Loved the nativity, the littlest shepherd stole the show!",
     "Mr Hughes stole money from the PTA tin at the fair.", "allegation"),
    # The news about a teacher somewhere else is not an allegation about ours.
    ("Saw on the news a teacher in Leeds got arrested for stealing from the PTA. Makes you glad of ours.",
     "Mrs Wood got arrested for stealing from the PTA, everyone knows it.", "allegation"),
    # A screenshot of the school's letter, or asking people not to share one, shames nobody.
    ("Please don't share the screenshot of the letter about the trip, just link to the school website.",
     "Screenshot what she put in the class chat and send it round so everyone sees.", "harassment"),
    # A good review for the chippy that sponsored the raffle; a bad one for the head.
    ("Everyone go and leave a nice google review for the chippy that donated to the raffle, they deserve it.",
     "Everyone go and leave a one star review on the school's page so the head gets the message.", "harassment"),
    # A parent about their own child; the same words about someone else's.
    ("My lad's been a right little monster all week, roll on half term.",
     "That Jack Price is a little monster and his mum does nothing about it.", "abuse"),
    # "Someone's going to get hurt" about cars on the zigzags is a warning; about a person, a veiled threat.
    ("Cars parked on the zigzags again at pick up, someone's going to get hurt. Reported it to the council.",
     "If Mrs Wood carries on like this someone's going to get hurt, she's been warned.", "threat"),
    # A video of the poster's own two; the same of the whole class.
    ("Video of MY two at the disco 😂 they've got their dad's moves unfortunately",
     "Video of the whole class at the disco, tag your kids if you spot them!", "image_consent"),
    # A play praised; a play sworn at the British way (the toxicity models, trained on American comments, read
    # "shite" and "bollocks" as mild).
    ("That play was brilliant start to finish, well done Year 2 and Mrs Wood.",
     "That play was shite start to finish, pack of bollocks.", "obscene"),
    # Swearing masked with asterisks is swearing.
    ("Christmas jumper day tomorrow, don't forget your donation for the hospice.",
     "Christmas jumper day?? More like Christmas kn*b day, the Head's a right t*sser.", "obscene"),
    # A bag kept safe is sense; minding your bags because of a nationality is a stereotype.
    ("Keep an eye on your bags at the swimming gala, the changing rooms have no lockers.",
     "Keep an eye on your bags at the swimming gala, the Romanian lot will be there.", "hate"),
    # Looking over your shoulder when reversing; a man who had best keep looking over his.
    ("Look over your shoulder when you reverse out of the car park, the kids run everywhere at pick up.",
     "Mr Hughes had best keep looking over his shoulder after what he said to me in the car park.", "threat"),
    # The poster's own two at the service; the whole class.
    ("Here's our two at the church service, aren't they bonny 📸",
     "Here's all of Class 1 at the church service, aren't they bonny 📸", "image_consent"),
    # Saying hello to a new family; freezing one out.
    ("If you see the Stone family at the fair say hello, they've just moved here.",
     "If you see the Stone family at the fair blank em. Simple as.", "harassment"),
    # A hands-on teacher; a teacher too hands on with the girls. A budget balanced; a budget fiddled.
    ("Mr Hughes is such a hands-on teacher, the kids adore his science lessons.",
     "Mr Hughes is far too hands on with the girls, always touching their shoulders, it's not right.", "allegation"),
    ("Mrs Tulip has balanced the school budget for years, what a star.",
     "Mrs Tulip is a crook, been fiddling the school budget for years.", "allegation"),
    # A surprise kept quiet; a teacher's treatment passed on with a finger to the lips.
    ("Collection for Mrs Wood's leaving present, envelope's in the office, keep it quiet!",
     "Mrs Wood's having IVF so she'll be off a lot, keep it to yourselves 🤫", "confidential"),
    # A lift repaid; a blow repaid.
    ("Can anyone do a lift to Brownies on Thursday? I'm on a late, I can return the favour any day next week.",
     "Mrs Wood's husband shoved my lad at the gate. I'll return the favour when I see him.", "threat"),
    # An e-mail to a teacher is the school's channel; a message on Facebook is not.
    ("I've emailed Miss Patel about the dinner menu change, will let you know what she says.",
     "I've messaged Miss Patel on Facebook about the dinner menu change, will let you know what she says.", "staff_contact"),
    # Asking how to reach a teacher is the channel the policy asks for; going round the office is not.
    ("How do I get a message to Miss Patel? Is it through the app or do I ring the office?",
     "Sent Miss Patel a friend request so I can message her directly rather than go through the office.", "staff_contact"),
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


def test_the_group_asked_to_be_kind_or_to_write_to_the_council_is_no_pile_on(sw, hh, roster):
    for policy in (sw, hh):
        for text in ("New family in the old vicarage, their lad starts in Class 1 on Monday, be nice to him everyone",
                     "Small school, small village, we all know each other. Let's keep this page kind eh",
                     "Lets all email the council about the crossing on Bury Road before somebody gets knocked over"):
            assert not held_for(analyse(text, policy, roster), "harassment"), (policy.school_name, text)
    assert lexicon.campaign_elsewhere("Lets all email the council about the crossing on Bury Road")
    assert not lexicon.campaign_elsewhere("Leave a review on the council page about this school, tell them how it's run")
    assert not lexicon.campaign_elsewhere("Write to the council and the paper, we need her out of the chair")


def test_news_about_this_schools_staff_is_still_an_allegation(sw, hh, roster):
    assert lexicon.news_elsewhere("Saw on the news a teacher in Kent got done for stealing", "Stokes Wood Primary School")
    assert not lexicon.news_elsewhere("Saw on the news the head at Stokes Wood got done for stealing", "Stokes Wood Primary School")
    v = analyse("Read in the paper that the head at Stokes Wood got arrested for stealing from the PTA.", sw, roster)
    assert v.decision != "allow" and held_for(v, "allegation")


def test_a_crime_at_the_supermarket_is_no_allegation_against_the_school(sw, roster):
    assert not held_for(analyse("Someone keyed my car outside Tesco yesterday, no note. Police gave me a crime number.", sw, roster), "allegation")
    v = analyse("Mr Hughes keyed my car outside Tesco yesterday, I saw him do it.", sw, roster)
    assert v.decision != "allow" and held_for(v, "allegation")


@pytest.mark.parametrize("text", [
    "Not one word from school about the trip being cancelled, had to hear it from another mum at the gate.",
    "How many meetings does it take to fix the gate latch at school? Four now and the little ones can still get out.",
    "Moved ours to St Anne's and it's night and day, the teachers there actually ring you back. Just saying.",
])
def test_complaints_without_complaint_words(sw, hh, roster, text):
    for policy in (sw, hh):
        v = analyse(text, policy, roster)
        assert v.decision != "allow" and held_for(v, "complaint"), (policy.school_name, text, v.findings)



@pytest.mark.parametrize("benign, breach, category", [
    # A first name after an article is a thing: "the ghyll behind the church" is no child called Ghyll.
    ("Just a heads up the ghyll behind the church is running really high, keep the little ones away",
     "Ghyll Fawcett pushed my lad off the wall behind the church", "naming_child"),
    # Spare socks in a bag; an old bag.
    ("yes they go out in all weathers, waterproofs and spare socks in a bag",
     "Mrs Wood is a miserable old bag", "abuse"),
    # Giving courgettes away; offering screenshots of a parent.
    ("we're drowning in courgettes, free to anyone who wants them, box at the end of our track",
     "I've got screenshots of everything she said about Mr Hughes, who wants them", "harassment"),
    # The poster's own home; a teacher's.
    ("Anyone else's little one come home saying innit? We live on a farm, where has he got that from",
     "Mr Hughes lives on the farm past the church, the one with the green gate", "confidential"),
])
def test_more_benign_twins(hh, benign, breach, category):
    roster = Roster.from_csv_text("name,role,group,aliases\nGhyll Fawcett,pupil,Year 3,\n"
                                  "David Hughes,staff,Year 4 teacher,Mr Hughes\nSarah Wood,staff,Headteacher,Mrs Wood\n")
    assert analyse(benign, hh, roster).decision == "allow", benign
    v = analyse(breach, hh, roster)
    assert v.decision != "allow" and held_for(v, category), (breach, v.findings)


def test_an_honest_question_and_a_pledge_are_not_what_the_model_fears(sw, roster):
    assert lexicon.genuine_question("Honest question, not having a go: why does KS2 finish 15 mins after KS1?")
    assert not lexicon.genuine_question("Not having a go but the office is useless.")
    assert lexicon.pledge("I've put £20 in the minibus fund and I'll match anyone who does the same")
    assert not lexicon.pledge("I'll match anyone who goes round to her house")
    v = analyse("Quiet word for whoever parks on the double yellows by school: please don't. Someone's going to get hurt.", sw, roster)
    assert not held_for(v, "threat")



def test_a_family_speaking_of_its_own_faith_or_a_warm_welcome_is_not_hate(sw, hh, roster):
    for policy in (sw, hh):
        for text in ("We're a Muslim family and the school asked what we'd like for the Eid lunch, honestly the nicest thing",
                     "Lovely to have the Polish family join the village, their little girl is already teaching ours to count",
                     "The gurdwara is doing free langar on Sunday for the whole community, everyone welcome, you don't need to be Sikh"):
            assert not held_for(analyse(text, policy, roster), "hate"), (policy.school_name, text)
    assert lexicon.own_identity("We're a Roma family and the kids love it here")
    assert not lexicon.own_identity("didn't know we were a Travellers' school now, better lock the bikes up")
    # Pleasantries around hate do not make it warm.
    assert not lexicon.warm("Lovely assembly this morning. Shame about the Year 4 teacher. I know which car is his.")
    assert not lexicon.warm("everyone leave her salon 1 star, she can see what it costs her")


def test_a_grievance_the_poster_says_is_not_the_schools_is_not_a_complaint(sw, roster):
    v = analyse("£4 for a fishcake at the chippy on Moor Lane, absolute crooks lol. nothing to do with school just needed to vent", sw, roster)
    assert not held_for(v, "complaint")
