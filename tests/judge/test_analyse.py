"""analyse()/analyse_batch(): the issue's headline cases, idioms, roster-free use, exact spans."""

from __future__ import annotations

import pytest

from schoolgate.judge import analyse, analyse_batch


def test_mr_hughes_useless_teacher(sw, hh, roster):
    text = "Mr Hughes is a useless teacher and everyone knows it"
    for policy in (sw, hh):
        v = analyse(text, policy, roster)
        assert v.decision in ("review", "block")
        quotes = {f.quote for f in v.findings}
        assert any("Hughes" in q and len(q) <= len("Mr Hughes") for q in quotes)
        assert any(f.quote == "useless" and f.category == "abuse" for f in v.findings)
        for f in v.findings:
            assert text[f.start:f.end] == f.quote and f.breach


@pytest.mark.parametrize("text", [
    "we'll kill it at sports day",
    "Dick Whittington panto tickets are on sale now",
    "kill me now, three inset days in a row",
    "Will the school be open tomorrow?",
    "grace and mercy",
])
def test_idioms_and_name_traps_are_allowed(text, sw, hh, roster):
    for policy in (sw, hh):
        v = analyse(text, policy, roster)
        assert v.decision == "allow", (text, v.scores, v.findings)


def test_roster_free_use(sw, hh):
    v = analyse("A certain teacher in Year 4 needs watching.", hh)
    assert v.decision in ("review", "block")
    assert any(f.category == "allegation" and f.quote == "A certain teacher in Year 4" for f in v.findings)
    v = analyse("Jake in Year 3 keeps hitting everyone", hh)
    assert any(f.category == "naming_child" and f.quote == "Jake" for f in v.findings)
    assert analyse("Lovely assembly today", sw).decision == "allow"


def test_batch_matches_single(sw, roster):
    # Dynamic int8 quantisation scales activations per batch, so scores may move in the third decimal
    # with a message's batch neighbours; decisions and spans must not.
    texts = ["Mr Hughes is a useless teacher", "", "See you at the fair", "Olly Benett hit my son. Again.",
             "Message from the office: no school Friday"]
    batch = analyse_batch(texts, sw, roster)
    assert len(batch) == len(texts)
    for t, v in zip(texts, batch):
        single = analyse(t, sw, roster)
        assert v.decision == single.decision
        assert [(f.category, f.start, f.end) for f in v.findings] == [(f.category, f.start, f.end) for f in single.findings]
        for a, b in zip(v.findings, single.findings):
            assert abs(a.score - b.score) < 0.03


def test_every_span_is_exact(sw, hh, roster):
    texts = [
        "Mrs Wood's number is 07911 123456.\nOlly's mum said he has ADHD!!",
        "  Here’s a pic of the whole class 😀 and Miss Patel  ",
        "OLLY BENNETT and Grace were fighting; the head did nothing. Typical.",
    ]
    for policy in (sw, hh):
        for t in texts:
            for f in analyse(t, policy, roster).findings:
                assert t[f.start:f.end] == f.quote
                assert 0 <= f.start < f.end <= len(t)


def test_empty_and_whitespace(sw):
    for t in ("", "   ", "\n"):
        v = analyse(t, sw)
        assert v.decision == "allow" and v.findings == []
