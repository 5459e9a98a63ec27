"""The word index in front of the lexicon's rules (`lexicon.leading_words`, `lexicon._candidates`) only
ever skips a rule that cannot match: the cues with the index equal the cues with every rule tried."""

from __future__ import annotations

import re

import pytest

from schoolgate.judge import lexicon
from schoolgate.judge.text import sentences

from .test_new_kinds import ABUSE, ALLEGATIONS, BENIGN, CHILD, COMPLAINTS, GROUP_HARASSMENT, HATE, OBSCENE_STAFF, THREATS

OTHERS = [
    "Disgraceful. Third time this term the trip has been cancelled!",
    "Mr Hughes was drunk at the Christmas fair and the head covered it up.",
    "Can everyone report her page and leave one-star reviews until she deletes it?",
    "I sent Mrs Wood a friend request on Facebook and DM'd her about the trip.",
    "OFFICIAL: school will be closed on Monday, please share.",
    "Here's the video of the nativity with all the kids in it, tag your children!",
    "Dave is a miserable old bag and a little thug.",
    "Thank you Miss Patel, the play was unbelievable!",
    "Let's all shun that family, typical Romanian family.",
    "Someone should key her car. He won't be smiling when I'm done.",
    "My son said Olly stole from his bag.",
    "", "   ", "!!!", "ÉCOLE été Straße İstanbul ﬁnished",
]


def _all_cues(text: str) -> list:
    return [c for span in sentences(text) for a in (False, True) for b in (False, True)
            for c in lexicon.cues(text, span, a, b)]


def test_index_changes_no_cue(monkeypatch):
    texts = OTHERS + BENIGN + GROUP_HARASSMENT + HATE + OBSCENE_STAFF + THREATS + ABUSE + CHILD + COMPLAINTS
    texts += [t for t, _ in ALLEGATIONS]
    lexicon._cues.cache_clear()
    indexed = [_all_cues(t) for t in texts]
    every = {id(rx) for rules in lexicon.RULES.values() for _, rx in rules} | {id(rx) for _, rx, _ in lexicon.ALLEGATION}
    monkeypatch.setattr(lexicon, "_candidates", lambda part: every)
    lexicon._cues.cache_clear()  # the cues kept for recent sentences were found with the index
    assert [_all_cues(t) for t in texts] == indexed
    assert sum(map(len, indexed)) > len(texts)  # the sentences do match rules: the comparison means something


def test_index_skips_rules_a_sentence_cannot_match():
    may = lexicon._candidates("the weather was lovely at the beach today")
    friend = next(rx for kind, rx in lexicon.STAFF_CONTACT if kind == "friend_request")
    assert id(friend) not in may
    assert id(friend) in lexicon._candidates("she sent him a Friend request")


@pytest.mark.parametrize("pattern, words", [
    (r"\bab(?:cd)?e", {"ab"}),
    (r"\b(?:shun|ignore)\w* (?:her|him)", {"shun", "ignore"}),
    (r"\bkey(?:ed)?\s+\w+|\bscratch", {"key", "scratch"}),
    (r"\bfoo|bar", None),            # the second branch can start inside a word
    (r"foo", None),                  # no word boundary in front
    (r"\b(?:a )?joke", {"a", "joke"}),  # an optional first word: either starts the match
    (r"\b(?:ab)*c", {"ab", "c"}),    # repeated: only its first time is certain
    (r"^\W*(?:cheers|ta)\b", {"cheers", "ta"}),  # "^\W*" keeps the text at a word start
    (r"(?:a )?joke", None),          # no word boundary in front of the optional word
    (r"\b(?:'s|is) getting", None),  # "'s" starts inside a word: found as text, not as a word
    (r"\b(?-i:[A-Z]\w+) is", None),  # a case-sensitive name
    (r"\b[abc]x", None),             # a character class
])
def test_leading_words(pattern, words):
    got = lexicon.leading_words(re.compile(pattern, re.IGNORECASE))
    assert (set(got) if got is not None else None) == words


def test_leading_texts_run_past_the_first_word():
    got = lexicon.leading_texts(re.compile(r"\b(?:a joke|lovely pair|disgrace\w*)", re.IGNORECASE))
    assert got == {"a joke", "lovely pair", "disgrace"}


def test_index_needs_the_whole_leading_text():
    """"a joke" is tried only where the sentence holds "a joke", not wherever the word "a" is."""
    verdict = next(rx for kind, rx in lexicon.COMPLAINT if kind == "verdict")
    assert id(verdict) not in lexicon._candidates("we had a lovely time at the fair")
    assert id(verdict) in lexicon._candidates("Honestly it is A JOKE")


def test_index_folds_letters_ignorecase_matches():
    """A dotless i or long s matches "i" / "s" in an IGNORECASE pattern though str.lower() keeps it."""
    verdict = next(rx for kind, rx in lexicon.COMPLAINT if kind == "verdict")
    assert verdict.search("what a ſhambles") is not None
    assert id(verdict) in lexicon._candidates("what a ſhambles")


@pytest.mark.parametrize("pattern, texts", [
    (r"\b(?:a|an) [^.]{0,20}\b(?:polish|romanian)", {"polish", "romanian"}),
    (r"\b(?:typical|always) [^.]{0,20}\b(?:polish|romanian) famil(?:y|ies)", {" famil"}),  # the longest
    (r"\bkey(?:ed)?\s+(?:his|her) car", {" car"}),
    (r"\b(?-i:[A-Z]\w+) was drunk", {" was drunk"}),
    (r"\b\w+ (?:a|b)", None),        # nothing three letters long that every match holds
])
def test_required_texts(pattern, texts):
    got = lexicon.required_texts(re.compile(pattern, re.IGNORECASE))
    assert (set(got) if got is not None else None) == texts


def test_index_needs_a_required_text():
    """A rule whose leading word is there but whose required text is not is not tried."""
    so_everyone = next(rx for kind, rx in lexicon.HARASS if kind == "far_and_wide" and rx.pattern.startswith(r"\bso "))
    assert id(so_everyone) not in lexicon._candidates("so glad it all worked out")
    assert id(so_everyone) in lexicon._candidates("so everyone knows what she did")


@pytest.mark.parametrize("text", ["what a ſhambles", "İS A JOKE", "ıs a joke"])
def test_index_keeps_rules_for_letters_ignorecase_folds(text):
    """Whatever a rule matches, the index lets it try, even through letters str.lower() does not fold."""
    every = [rx for rules in lexicon.RULES.values() for _, rx in rules] + [rx for _, rx, _ in lexicon.ALLEGATION]
    may = lexicon._candidates(text)
    matched = [rx for rx in every if rx.search(text)]
    assert matched and all(id(rx) in may for rx in matched)


def test_cues_kept_for_a_sentence_are_a_callers_own_list():
    text = "Mr Hughes was drunk at the Christmas fair."
    first = lexicon.cues(text, (0, len(text)), True)
    assert first
    first.clear()
    assert lexicon.cues(text, (0, len(text)), True)
