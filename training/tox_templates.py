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
# Ordinary plans with the same modals and people as the threats ("I'll see him at the gate").
NEUTRAL_ACTS = [
    "pick {t} up at the gate", "see {t} at pick-up", "ask {t} about the trip", "email {t} tomorrow",
    "talk to {t} after school", "be at the gate at 3.15 to collect them", "thank {t} for the lovely report",
    "wait at the gate with the buggy", "meet {t} in the car park before the play", "give {t} the form",
    "drop the costume round to {t}", "bring {t} a coffee at the fete", "ring {t} about parents' evening",
    "catch {t} at the school gates", "book a meeting with {t}", "send {t} the photos from the trip",
    "help {t} set up the hall", "buy {t} a card for the end of term", "sort out the lift share with {t}",
    "come round to {p} house for the party", "see {t} outside the school at 3",
]
IDIOM_TAILS = ["", "", "!", " this year", ", can't wait", " ha ha", ", fingers crossed", " on Friday"]


def threats(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = set()
    for _ in range(50 * n):  # bounded: some template sets have fewer distinct sentences than n
        if len(out) >= n:
            break
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
    for _ in range(50 * n):  # bounded: some template sets have fewer distinct sentences than n
        if len(out) >= n:
            break
        s = f"{rng.choice(IDIOM_SUBJ)} {rng.choice(IDIOM_ACTS)}{rng.choice(IDIOM_TAILS)}"
        out.add(s + rng.choice([".", "!", ""]))
    return sorted(out)


def neutral_plans(n: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    out = set()
    for _ in range(50 * n):  # bounded: some template sets have fewer distinct sentences than n
        if len(out) >= n:
            break
        t = rng.choice(TARGETS)
        p = POSSESSIVE.get(t, t + "'s")
        s = f"{rng.choice(MODALS[:6] + ['I need to', 'Can someone', 'Remember to'])} {rng.choice(NEUTRAL_ACTS).format(t=t, p=p)}"
        s = s[0].upper() + s[1:]
        out.add(s + rng.choice([".", "!", "", " on Friday.", " tomorrow."]))
    return sorted(out)


# Identity hate: the public sets are mostly slurs, so group + dehumanising claim is generated;
# the same groups in ordinary school news are generated as negatives.
GROUPS = ["Muslims", "immigrants", "Pakistanis", "Polish people", "black people", "gypsies", "travellers",
          "refugees", "foreigners", "Asians", "Romanians", "Jews", "asylum seekers", "Africans",
          "Eastern Europeans", "Indians", "gay people", "Chinese people", "Somalis", "Roma families"]
HATE_CLAIMS = [
    "{g} are terrorists", "{g} are vermin", "{g} are scum", "{g} are all thieves", "{g} are animals",
    "{g} are parasites", "{g} should be deported", "send the {g} back where they came from",
    "{g} are ruining this school", "{g} are dirty", "{g} don't belong in our country",
    "{g} shouldn't be allowed in our school", "keep {g} away from our kids", "{g} are a disease",
    "I'm sick of {g} taking over the school", "{g} breed like rats", "{g} are all criminals",
    "no more {g} in our class", "{g} are subhuman", "get the {g} out of our school",
    "{g} should go back to their own country", "{g} are stinking up the playground",
]
GROUP_NEUTRAL = [
    "the {g} parents organised a lovely stall at the fete", "a talk about {g} and their history for Year 5",
    "our class learnt how {g} celebrate festivals", "welcome to the new {g} families joining Year 2",
    "the assembly about {g} was really thoughtful", "the {g} community centre is hosting the summer fair",
    "books about {g} have been added to the library", "we are raising money to help {g}",
    "the children wrote letters to {g} in the local area", "the school is proud to welcome {g}",
]


def _group_lines(patterns: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = set()
    for _ in range(50 * n):  # bounded: some template sets have fewer distinct sentences than n
        if len(out) >= n:
            break
        s = rng.choice(patterns).format(g=rng.choice(GROUPS))
        s = s[0].upper() + s[1:]
        out.add(s + rng.choice([".", "!", "", "."]))
    return sorted(out)


def hate(n: int, seed: int = 17) -> list[str]:
    return _group_lines(HATE_CLAIMS, n, seed)


def group_neutral(n: int, seed: int = 19) -> list[str]:
    return _group_lines(GROUP_NEUTRAL, n, seed)


# British school life is full of words a profanity list hates.
UK_INNOCENT = [
    "Dick Whittington", "spotted dick and custard", "Moby Dick", "Dick Turpin", "the blue tits in the nest box",
    "the great tits at the bird feeder", "the ass in the nativity", "a trip to Scunthorpe", "Sussex",
    "Middlesex", "Essex", "a cocktail party for the PTA", "the cockerel at the farm", "a bloody nose in PE",
    "the hen party", "Penistone", "Cockermouth", "the willy wonka costume", "a bum bag for the trip",
    "faggots and peas at the carvery", "Uncle Dick", "the shuttlecock in badminton", "the Bishop of Bath",
    "a pussy willow in the nature garden", "Lord Dick Whittington and his cat", "Dick and Dom",
]
UK_FRAMES = [
    "We're going to see {x} next week", "The kids loved {x}", "Year 3 are learning about {x}",
    "Can't wait for {x}", "Photos of {x} are on the website", "Does anyone know about {x}?",
    "{X} was brilliant", "Thanks for organising {x}", "My son keeps talking about {x}",
]


def uk_innocent(n: int, seed: int = 23) -> list[str]:
    rng = random.Random(seed)
    out = set()
    for _ in range(50 * n):  # bounded: some template sets have fewer distinct sentences than n
        if len(out) >= n:
            break
        x = rng.choice(UK_INNOCENT)
        s = rng.choice(UK_FRAMES).format(x=x, X=x[0].upper() + x[1:])
        out.add(s + rng.choice(["", ".", "!"]))
    return sorted(out)


# Harassment: pile-ons and exclusion aimed at one person; the same "let's all" / "share this" with
# ordinary school plans as negatives.
HARASS = [
    "everyone unfriend {o} and block {o}", "let's all report {p} posts until {s} leaves the group",
    "don't let your kids play with {p} son", "share this so everyone knows what {s} is like",
    "nobody talk to {o} at the gate", "let's make {p} life hell", "keep messaging {o} until {s} cries",
    "everyone ignore {o} at pick-up, {s} deserves it", "post {p} picture everywhere so people can laugh",
    "don't invite {p} kid to any parties", "let's all pile on {o}", "make sure {s} knows nobody wants {o} here",
    "we should all tell {o} what we think of {o}, every day", "freeze {o} out of the PTA",
    "everyone screenshot {p} posts and laugh at {o}", "let's get {o} kicked off the committee, spread the word",
    "nobody sit with {o} at the concert", "tag {o} in every post until {s} gets the message",
    "keep an eye on {o} and post everything {s} does", "let's all leave nasty comments on {p} page",
]
TOGETHER = [
    "everyone sign up for the bake sale", "let's all bring a dish to the picnic", "share this so everyone knows about the fete",
    "don't forget to send the permission slips", "let's all cheer for the relay team", "everyone invite your friends to the quiz",
    "let's make the fete the best one yet", "keep an eye on the weather for sports day", "tag everyone who's coming to the disco",
    "spread the word about the book swap", "nobody forget the trip money", "we should all thank {o} for the lovely concert",
    "post your photos of the fun run in the group", "let's give {o} a big thank you for organising the trip",
]
PRON = [("her", "her", "she"), ("him", "his", "he"), ("them", "their", "they")]


def harassment(n: int, seed: int = 29) -> list[str]:
    rng = random.Random(seed)
    out = set()
    for _ in range(50 * n):  # bounded: some template sets have fewer distinct sentences than n
        if len(out) >= n:
            break
        o, p, s = rng.choice(PRON)
        x = rng.choice(HARASS).format(o=o, p=p, s=s)
        out.add(x[0].upper() + x[1:] + rng.choice([".", "!", "", ", pass it on."]))
    return sorted(out)


def together(n: int, seed: int = 31) -> list[str]:
    rng = random.Random(seed)
    out = set()
    for _ in range(50 * n):  # bounded: some template sets have fewer distinct sentences than n
        if len(out) >= n:
            break
        o, p, s = rng.choice(PRON)
        x = rng.choice(TOGETHER).format(o=o, p=p, s=s)
        out.add(x[0].upper() + x[1:] + rng.choice([".", "!", "", ", pass it on."]))
    return sorted(out)
