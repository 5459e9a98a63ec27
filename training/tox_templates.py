"""Generated training sentences for what the public sets barely cover.

The public data has about a dozen labelled threats (Jigsaw), so threats of violence in a school
setting are generated from templates; and violent-sounding idioms ("we'll kill it at sports day",
"Year 6 smashed their SATs") are generated as hard negatives so the models learn the difference.
Used for training only: the benchmark measures on hand-written sentences (benign_school.txt and
school_positives.txt held-out lines), never on these.
"""

from __future__ import annotations

import random

TARGETS = ["you", "him", "her", "that teacher", "the head", "Mr Hughes", "Mrs Patel", "his dad",
           "that woman", "the headteacher", "Miss Taylor", "her mum", "that kid", "the lot of you"]
POSSESSIVE = {"you": "your", "him": "his", "her": "her", "the lot of you": "your"}

MODALS = ["I'll", "I will", "I'm going to", "I'm gonna", "I swear I'll", "we'll", "someone should",
          "I'd love to", "I am going to", "my husband will", "I'll make sure I", "we're going to"]

ACTS = [
    "smash {p} face in", "kill {t}", "break {p} legs", "punch {t}", "batter {t}", "stab {t}",
    "knock {p} teeth out", "hurt {t}", "beat the crap out of {t}", "slap {t}", "kick {p} head in",
    "shoot {t}", "burn {p} house down", "strangle {t}", "deck {t}", "glass {t}",
    "put {t} in hospital", "make {t} pay", "sort {t} out properly", "rip {p} head off",
    "wring {p} neck", "knock {t} out", "smack {t}", "give {t} a kicking", "run {t} over",
    "end {t}", "finish {t} off", "leave {t} in a ditch", "break {p} jaw", "throttle {t}",
]

TAILS = ["", "", "", " at the gate tomorrow", " if {t} speaks to my son again", " after school",
         " when I see {t}", ", mark my words", " at pick-up", " if {t} touches my kid", " on Friday",
         " I swear", ", you'll see", " next time", " outside the school"]

OTHER_THREATS = [
    "I'll be waiting for {t} at the gate", "{T} won't know what hit {o}", "watch your back",
    "I know where {t} live", "{T} had better watch {s}", "{T} is dead when I find {o}",
    "{T} is going to get what's coming", "you'll regret this", "I'll come round to {p} house",
    "{T} will get a smack in the mouth", "{T} won't walk out of that school", "I'll see {t} outside",
]

SUBJ = {"you": ("You", "you", "yourself"), "him": ("He", "him", "himself"), "her": ("She", "her", "herself")}

# Hard negatives: the same verbs in idioms and ordinary school life.
IDIOM_SUBJ = ["We'll", "They'll", "Year 6 are going to", "The choir will", "Our team is going to",
              "The kids will", "She's going to", "I'll", "You'll", "The relay team will",
              "Year 4 are gonna", "He's going to"]
IDIOM_ACTS = [
    "kill it at sports day", "smash their SATs", "smash it at the swimming gala", "nail the nativity",
    "knock 'em dead at the talent show", "beat the traffic", "crush the times tables test",
    "destroy the other team at netball", "slay the carol service", "blow the judges away",
    "break a leg tonight", "murder that karaoke song at the PTA night", "bring the house down",
    "shoot you a message later", "kill two birds with one stone", "fight for the last cupcake",
    "hit the ground running in September", "knock it out of the park", "take no prisoners at the quiz",
    "beat the record for the sponsored walk", "smash the bake sale", "batter the fish for the chippy night",
    "shoot the class photos on Monday", "attack the reading challenge", "punch above their weight",
    "whip up a storm at the cake stall", "storm the stage at the panto", "die laughing at the panto",
    "break the news about the trip", "tackle the homework together", "be dying to see the play",
]
IDIOM_TAILS = ["", "", "!", " this year", ", can't wait", " ha ha", ", fingers crossed", " on Friday"]


def threats(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = set()
    while len(out) < n:
        t = rng.choice(TARGETS)
        p = POSSESSIVE.get(t, t + "'s" if not t.startswith(("that", "the", "his", "her")) else t + "'s")
        if rng.random() < 0.75:
            act = rng.choice(ACTS).format(t=t, p=p)
            tail = rng.choice(TAILS).format(t=t if t != "you" else "you")
            s = f"{rng.choice(MODALS)} {act}{tail}"
        else:
            k = rng.choice(["you", "him", "her"])
            S, o, refl = SUBJ[k]
            s = rng.choice(OTHER_THREATS).format(t=k, T=S, o=o, s=refl, p=POSSESSIVE[k])
        s = s[0].upper() + s[1:]
        out.add(s + rng.choice([".", "!", "", "."]))
    return sorted(out)


def idioms(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = set()
    while len(out) < n:
        s = f"{rng.choice(IDIOM_SUBJ)} {rng.choice(IDIOM_ACTS)}{rng.choice(IDIOM_TAILS)}"
        out.add(s + rng.choice([".", "!", ""]))
    return sorted(out)
