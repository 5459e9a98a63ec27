"""Roster names that are also ordinary English words, found by the lexicon rather than a hand list.

The roster here is made of names no hand list of the matcher carries (Bramble, Thistle, Marigold, Cricket,
Sable): each must be read as a word where the post uses the word, and as the child where it names the child.
"""

from __future__ import annotations

import pytest

from schoolgate.judge.names import NAME_WORDS, find_mentions, is_name_word
from schoolgate.judge.types import Roster

WORD_ROSTER = """name,role,group,aliases
Bramble Hirst,pupil,Year 2,
Thistle Orme,pupil,Year 4,
Marigold Tench,pupil,Year 1,
Cricket Dunmore,pupil,Year 5,
Sable Pryce,pupil,Year 3,
Harry Bolton,pupil,Year 6,
Joan Merriweather,staff,Year 2,Mrs Merriweather
"""


@pytest.fixture(scope="module")
def words_roster() -> Roster:
    return Roster.from_csv_text(WORD_ROSTER)


def pupils(text: str, roster: Roster) -> list[str]:
    return [m.quote for m in find_mentions(text, roster) if m.role == "pupil" and not m.own_child]


def test_the_lexicon_knows_words_no_hand_list_names():
    for word in ("bramble", "thistle", "marigold", "cricket", "sable"):
        assert word not in NAME_WORDS
        assert is_name_word(word)
        assert is_name_word(word.capitalize())


def test_names_the_lexicon_has_but_real_text_uses_as_names_are_not_words():
    # "harry" and "peter" are verbs in the lexicon; the list made by training/name_words.py says they are
    # mostly names, so they match like any other first name.
    assert not is_name_word("harry")
    assert not is_name_word("peter")
    assert not is_name_word("sarah")  # not in the lexicon at all
    assert is_name_word("will")  # the hand list still counts


@pytest.mark.parametrize("text", [
    "Bramble's taken over the allotment behind the car park, bring gloves for the working party",
    "bramble jelly on the cake stall went in ten minutes",
    "Thistle seeds all over the playground after the wind, the caretaker's fuming",
    "Cricket club starts again on Tuesday after school, whites not needed",
    "the marigolds in the planters outside Year 1 look lovely",
    "Marigold and lavender in the sensory garden, the little ones love the smell",
    "Anyone got a sable brush for the art homework? the cheap ones shed everywhere",
    "watch the cricket on the field tomorrow, the dads are playing the staff",
    "Comets and stars topic this half term, can we send in a shoebox",
    "Lovely evening at the Cricket Club presentation, thanks to everyone who came",
    "Huge thanks to the Cricket club for lending us the marquee",
    "The kids made an absolute Bramble of the hedge at forest school, he says",
    "Wishing every family a Thistle-free garden this summer",
    "Cricket needed for the staff v parents match, sign up at the office",
    "Sable themed party bags from the PTA stall",
])
def test_a_word_name_used_as_the_word_is_not_a_child(text, words_roster):
    assert pupils(text, words_roster) == []


@pytest.mark.parametrize("text,quote", [
    ("Bramble Hirst got a gold star for reading today", "Bramble Hirst"),
    ("Bramble pushed my son over in the lunch queue", "Bramble"),
    ("my girl played with Thistle all afternoon and came home happy", "Thistle"),
    ("Cricket's mum, can you ring me about Saturday", "Cricket's"),
    ("Well done Sable, what a brilliant poem in assembly", "Sable"),
    ("Happy birthday Marigold! Hope you have a lovely day", "Marigold"),
    ("Marigold got sent out of class again and her mum says it's not her fault", "Marigold"),
    ("does anyone know what thistle said to my daughter at break, she came home upset", "thistle"),
    ("who told sable she couldn't play? not on", "sable"),
    ("Harry ran the whole cross country without stopping", "Harry"),
    ("So proud of Sable today, she read her poem to the whole school", "Sable"),
    ("Can parents please stop letting Cricket play out on the road after dark", "Cricket"),
    ("Thistle and my son fell out again over the football", "Thistle"),
    ("the whole class is frightened of Bramble, he pinches everyone", "Bramble"),
    ("Bramble Hurst pushed my son over again", "Bramble Hurst"),  # a misspelt surname: still the child
    ("Cricket ran off at pick-up again and nobody noticed", "Cricket"),
    ("Marigold started it, not my daughter", "Marigold"),
])
def test_the_same_name_used_for_the_child_is_a_mention(text, quote, words_roster):
    assert quote in pupils(text, words_roster)


def test_a_lower_case_word_name_needs_a_lower_case_post(words_roster):
    # In a post with capitals, "thistle" in lower case is the plant, even beside a verb.
    assert pupils("The thistle said to be spreading is in Year 4's garden.", words_roster) == []


def test_staff_surnames_that_are_words(words_roster):
    roster = Roster.from_csv_text("name,role,group,aliases\nGordon Thrush,staff,Year 3,Mr Thrush\n")
    # "that Thrush fella" is the teacher; "Thrush nest" at the start of a sentence is the bird.
    assert [m.quote for m in find_mentions("that Thrush fella couldn't run a bath", roster)] == ["Thrush"]
    assert find_mentions("Thrush nest in the hedge by the gate, please keep the kids back", roster) == []


def test_a_parent_introducing_themself_is_not_naming_another_child(words_roster):
    for text in ("@Joan Merriweather hiya Miss it's Bramble's mum, can you message me about her reading",
                 "Hi all, this is Sable's dad, is the trip still on?",
                 "Cricket's mam here, has anyone found a blue coat"):
        found = [m for m in find_mentions(text, words_roster) if m.role == "pupil"]
        assert found and all(m.own_child for m in found), text
    # Asking another child's parent is still naming that child.
    assert pupils("whoever is Sable's dad can you move your car", words_roster) == ["Sable's"]


def test_a_group_member_addressed_by_handle_is_not_a_pupil(words_roster):
    assert pupils("@thistle ha yes I'll bring the gazebo", words_roster) == []
    assert pupils("@Harry thanks, see you at the gate", words_roster) == []


@pytest.mark.parametrize("text,want", [
    ("Holly's out in force on the hedges by the car park this year", []),
    ("Hunter's moon is due on Thursday, worth staying up for", []),
    ("Holly's been crying every morning at the gate, is she ok?", ["Holly's"]),
    ("Holly's mum, could you give me a ring about Saturday", ["Holly's"]),
])
def test_a_word_name_with_s_at_the_start_of_a_sentence(text, want):
    roster = Roster.from_csv_text("name,role,group,aliases\nHolly Fenwick,pupil,Year 2,\nHunter Bligh,pupil,Year 4,\n")
    assert pupils(text, roster) == want


CALENDAR_ROSTER = """name,role,group,aliases
Sunday Okafor,pupil,Class 2,
Teddy Marsh,pupil,Class 1,
Beck Rigg,pupil,Class 3,
"""


@pytest.mark.parametrize("text", [
    "Sunday school nativity rehearsal moved to the 10th, bring tea towels for shepherds",
    "See you all on Sunday for the church service",
    "teddy bears picnic for Class 1 on Friday, send a teddy in a named bag",
    "beck's burst its banks near the bridge so go round by the church for drop off",
])
def test_days_teddies_and_becks_are_not_the_children_of_those_names(text):
    assert pupils(text, Roster.from_csv_text(CALENDAR_ROSTER)) == []


@pytest.mark.parametrize("text, quote", [
    ("Sunday pushed my daughter over at pick-up again", "Sunday"),
    ("Teddy was crying at the gate because the bigger boys took his ball", "Teddy"),
    ("Has anyone seen how Beck Rigg talks to the dinner ladies?", "Beck Rigg"),
])
def test_the_children_of_those_names_are_still_found(text, quote):
    assert pupils(text, Roster.from_csv_text(CALENDAR_ROSTER)) == [quote]
