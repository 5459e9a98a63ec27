"""A batch scores toxicity on a worker thread beside the rest: the verdicts must be the ones that one
message at a time (on the caller's thread) gives."""

from __future__ import annotations

import schoolgate.judge as judge
from schoolgate.judge import analyse, analyse_batch

TEXTS = [
    "Mr Hughes is a useless teacher", "See you at the fair!", "Someone should key her car.",
    "Typical Polish family, never pay for anything.", "Everyone report her page tonight.",
    "Thanks Miss Patel, lovely assembly.", "Olly Bennett is a little thug.", "Will you be at the gate?",
    "you are a complete idiot", "Message from the school: trip cancelled.", "Mrs Wood lives at 4 Oak Road.",
    "Third time this term the bus is late. Disgraceful.", "killing it at sports day",
    "I know where he lives.", "Here's the video of the whole class!", "what a load of rubbish lol",
    "Mrs Wood is a miserable old bag.", "Grace and I will bring cakes.",
]


def test_batch_on_two_threads_matches_one_at_a_time(sw, roster):
    assert len(TEXTS) >= judge.PARALLEL_MIN
    batch = analyse_batch(TEXTS, sw, roster)
    single = [analyse(t, sw, roster) for t in TEXTS]
    assert [v.as_dict() for v in batch] == [v.as_dict() for v in single]
