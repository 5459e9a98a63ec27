"""Template-generated training sentences for the judge's semantic heads (training only, never validation).

The hand-written sentences in `judge_sentences.tsv` are few; these combine realistic parts (who,
what, where, how parents write on Facebook and WhatsApp) into several hundred varied sentences per
category, plus hard negatives that share the vocabulary but not the meaning (a photo of one's own
child, asking how to contact the Headteacher, relaying the newsletter as a parent, praise).
Deterministic: `generate(seed)` always gives the same list.
"""

from __future__ import annotations

import random

STAFF = ["Mr Hughes", "Mrs Clarke", "Miss Patel", "Mr Singh", "Mrs Khan", "Miss Rowe", "Mr Dean",
         "the head", "the headteacher", "the deputy head", "the Year 4 teacher", "the class teacher",
         "the TA", "one of the TAs", "the caretaker", "the SENCo", "a dinner lady", "the PE teacher",
         "the new teacher", "a certain teacher", "one member of staff", "the reception teacher",
         "the business manager", "a lunchtime supervisor", "the music teacher", "Mrs B", "Mr T"]
CHILD = ["Olly", "Amelia", "Jack", "Lily", "Noah", "Sophie", "Harry", "Mia", "the boy in Year 3",
         "the new girl", "Ella", "Oscar", "his friend", "one of the Year 5 girls", "a lad in Year 6"]
OPEN = ["", "", "", "Honestly ", "Just saying, ", "FYI ", "Not being funny but ", "Tbh ", "Right, ",
        "Well ", "So ", "Heads up: ", "Girls, ", "Ladies, ", "Guys, "]
CLOSE = ["", "", "", ".", "!", "!!", " 😡", " 🙄", " 😂", " tbh", ", just saying.", ", unbelievable.",
         ", that's all I'm saying.", " x", "..."]

ALLEGATION_ACTS = [
    "has been drinking on the job", "hit a child in the cloakroom", "is stealing from the school",
    "covered up the bullying", "lied to the parents about the accident", "fiddles the trip money",
    "is having an affair with a parent", "grabbed a kid by the collar", "locks the kids in the store room",
    "falsified the SATs results", "shouldn't be allowed near children", "needs watching",
    "was sacked from their last school", "is on something, look at their eyes",
    "deleted the emails to hide what happened", "takes the kids' sweets and eats them",
    "pushed my son over and laughed", "has been reported to the police before", "is a thief",
    "bullies the quiet children", "got their mate the job", "tampered with the register",
    "is hiding something about the Year 2 incident", "drags the little ones by the arm",
    "makes racist comments to the kids", "has been taking backhanders from the uniform shop",
    "hid the accident book from the inspectors", "slapped a child, my friend saw it",
]
ALLEGATION_FRAMES = [
    "{s} {a}", "I know for a fact {s} {a}", "Everyone knows {s} {a}", "Apparently {s} {a}",
    "I've heard {s} {a}", "Word is {s} {a}", "Watch out, {s} {a}", "My friend saw that {s} {a}",
    "Don't trust {s}, they {a}", "I'm not naming names but {s} {a}", "Rumour is {s} {a}",
    "I reckon {s} {a}", "Ask the school why {s} {a}",
]

COMPLAINT_TARGETS = ["this school", "the school", "the head", "the leadership team", "the governors",
                     "the office", "the teachers", "the new head", "the behaviour policy", "the homework policy",
                     "the uniform policy", "the school's communication", "the SEN provision", "the school dinners",
                     "the way they run things", "the school's so-called values", "the reward system",
                     "the after school clubs", "the parents' evening system", "the admissions process",
                     "the school app", "the class teacher", "Mrs Khan's class", "the management"]
COMPLAINT_JUDGEMENTS = ["is a joke", "is a complete shambles", "is useless", "is a disgrace", "is appalling",
                        "has let our kids down again", "never listens to parents", "is a waste of time",
                        "is a total mess", "doesn't care about our children", "is pathetic",
                        "is so badly run", "has gone downhill", "is beyond a joke", "is absolutely shocking",
                        "makes my blood boil", "has lost the plot", "is a money-making scam",
                        "is unfair on the kids", "is chaos", "couldn't organise a piss-up in a brewery",
                        "is an embarrassment", "treats parents like idiots"]
COMPLAINT_FRAMES = ["{t} {j}", "Honestly {t} {j}", "I'm sorry but {t} {j}", "Fuming, {t} {j}",
                    "Yet again {t} {j}", "Is it just me or {t} {j}?", "Sick of this, {t} {j}",
                    "Can we all agree {t} {j}", "Once again {t} {j}", "Not impressed, {t} {j}",
                    "Disgusted. {t} {j}", "I've had enough, {t} {j}"]

SC_STAFF = ["Miss Patel", "Mr Hughes", "Mrs Clarke", "the head", "the class teacher", "the TA", "Mr Singh",
            "the Year 2 teacher", "the deputy head", "Miss Rowe", "the SENCo", "the PE teacher", "our teacher"]
SC_ACTS = ["sent {s} a friend request", "just followed {s} on Instagram", "DMed {s} on Twitter",
           "messaged {s} on Facebook", "added {s} on Facebook", "sent {s} a message on Messenger",
           "WhatsApped {s} on her personal number", "found {s} on TikTok and messaged them",
           "requested to follow {s}", "inboxed {s} about it", "slid into {s}'s DMs",
           "added {s} to our group chat", "tagged {s} in the post", "found {s}'s Insta and followed",
           "texted {s} on their private mobile", "pinged {s} a message on Snapchat"]
SC_FRAMES = ["I've {a}", "I {a}", "Just {a}", "I've {a} about the trip", "Has anyone else {a}?",
             "I {a} last night", "We should all have {a}", "Me and Sarah {a}",
             "Why not just ask? I {a}", "I {a} to ask about homework"]
SC_REQUESTS = ["Does anyone have {s}'s Facebook?", "What's {s}'s Instagram?", "Anyone got {s}'s personal number?",
               "Can someone add {s} to this chat?", "Is {s} on Facebook? I'll message them",
               "Let's all message {s} on Facebook", "Send me {s}'s Snapchat", "Who follows {s} on Insta?",
               "How do I find {s} on Facebook to message them?", "Tag {s} so they see this"]

SFS_NEWS = ["school is closed tomorrow", "the trip is cancelled", "Year 6 won't be going on the residential",
            "pick up is at 2pm on Friday", "all children must bring a packed lunch", "the Christmas concert is moved to Thursday",
            "PE kits are no longer needed", "the breakfast club is closing", "the uniform is changing in September",
            "phones are banned from Monday", "homework is scrapped this term", "sports day is off",
            "the class will be split next year", "parents are not allowed on the playground any more",
            "the disco has been called off", "swimming is cancelled for the rest of term",
            "late arrivals will no longer be accepted", "payments must be made by Friday or your child can't go"]
SFS_FRAMES = ["Message from the office: {n}", "The school has decided {n}", "Official: {n}",
              "On behalf of the school, {n}", "The head has asked me to tell you all {n}",
              "School announcement: {n}", "Notice to all parents: {n}", "From the office - {n}",
              "I've been asked by the school to let you know {n}", "Update from school: {n}",
              "Please be advised that {n}", "The school has confirmed {n}", "As the school has decided, {n}",
              "Attention all parents, {n}", "The governors have decided {n}", "The school wants you to know {n}",
              "Important message from school: {n}", "Speaking for the school, {n}"]
SFS_NEG = ["I think {n}, can anyone confirm?", "Is it true that {n}?", "Has the school said whether {n}?",
           "The newsletter says {n}, check the school app", "Did anyone see the letter? I heard {n}",
           "Someone said {n}, does anyone know?", "My husband thinks {n}, is that right?",
           "Can someone check with the office whether {n}?"]

IMG_WHAT = ["a photo of the whole class", "the pics from sports day", "a video of the Year 2 assembly",
            "photos of the teachers at the fete", "a picture of all the kids at the party",
            "the video of the school play", "the class photo", "photos of the kids at the gate",
            "a video of the nativity", "a snap of the reception class on the trip",
            "photos from the residential", "pictures of the football team", "a video of the fight at pick up",
            "a picture of the supply teacher", "the photos of the swimming gala", "a clip of the dance show",
            "pics of everyone at the leavers' party", "a photo of Mrs Patel in fancy dress",
            "a video of the kids in the playground", "group photos from the birthday party"]
IMG_FRAMES = ["Here's {w}", "Posting {w}", "Sharing {w}, enjoy", "Look at {w}!", "I've uploaded {w} to Facebook",
              "Just put {w} on Instagram", "Here are {w}, tag yourselves", "I took {w}, will post later",
              "Check out {w}", "Putting {w} on TikTok", "Attached is {w}", "I'll share {w} in the group"]
IMG_NEG = ["Here's a photo of my son with his medal", "Sharing a picture of my daughter in her costume",
           "Here's our dog in his school jumper", "Look at the cake I made for the bake sale",
           "Photo of the lost coat attached, is it anyone's?", "Here's a picture of the poster for the fair",
           "Photo of my own two ready for the first day", "The school photographer is in on Tuesday",
           "Please don't post photos of other people's children", "Can we share photos from the nativity? Check the consent rules",
           "Here's a picture of the permission slip in case you lost it", "Here's a photo of the homework sheet",
           "My daughter drew this picture of her teacher, so sweet", "Here's the menu for next week",
           "The school will post official photos on its page", "Photo of the road closure by school"]

SENS_WHO = ["Jack", "Amelia", "Olly", "Lily", "Noah", "Sophie's brother", "the new boy", "Mia", "Harry",
            "the girl in Year 5", "Mr Hughes", "Mrs Clarke", "Miss Rowe", "the Year 3 teacher", "the TA",
            "the Smith kids", "Ella", "his mum", "the Khan family", "Oscar"]
SENS_FACTS = ["has an EHCP", "has been excluded", "was permanently excluded", "has ADHD", "is autistic",
              "is on medication for anxiety", "has social services involved", "is in foster care",
              "has a child protection plan", "is under CAMHS", "has epilepsy", "is off with depression",
              "was disciplined after my complaint", "got a fixed-term exclusion", "has a statement of SEN",
              "self-harms", "has diabetes", "has cancer", "is being investigated", "is on a final warning",
              "had the complaint against them upheld", "is on the SEN register", "sees a social worker",
              "has a dad in prison", "is a looked-after child"]
SENS_FRAMES = ["{w} {f}", "Did you know {w} {f}?", "Apparently {w} {f}", "Her mum told me {w} {f}",
               "Between us, {w} {f}", "I found out {w} {f}", "Poor thing, {w} {f}",
               "That's because {w} {f}", "Don't tell anyone but {w} {f}", "The school told me {w} {f}"]

NEGATIVES = [
    "Does anyone know what time {e} starts?", "Thank you to {s} for {p}", "Well done to everyone at {e}",
    "Who's going to {e}?", "Reminder: {e} is on Friday", "Can someone tell me when {e} is?",
    "The kids loved {e}, thanks to all the staff", "{s} was brilliant at {e}", "Has anyone got a spare {k}?",
    "Lost: one {k}, please check your bags", "I'll speak to {s} at pick up about {e}",
    "I've booked a meeting with {s} to talk about {e}", "My son can't stop talking about {e}",
    "If you have concerns about {e}, the head is happy to talk", "Is {e} still going ahead in the rain?",
    "Looking forward to {e}!", "Who can help set up for {e}?", "Please bring a {k} for {e}",
    "We had such a lovely time at {e}", "What should they wear for {e}?",
]
NEG_E = ["sports day", "the nativity", "parents' evening", "the summer fair", "the school trip", "the Christmas concert",
         "the cake sale", "swimming", "the disco", "the harvest festival", "the book fair", "the leavers' assembly",
         "the residential", "non-uniform day", "the open evening", "World Book Day", "the PTA meeting"]
NEG_P = ["organising the trip", "the lovely assembly", "all the support this year", "sorting the costumes",
         "the reading help", "running the chess club", "a fantastic term"]
NEG_K = ["PE kit", "water bottle", "jumper", "recorder", "lunchbox", "reading book", "book bag", "pair of wellies"]


def _pick(rng: random.Random, items: list[str]) -> str:
    return items[rng.randrange(len(items))]


def _dress(rng: random.Random, s: str) -> str:
    s = _pick(rng, OPEN) + s + _pick(rng, CLOSE)
    if rng.random() < 0.15:
        s = s.lower()
    return s[0].upper() + s[1:] if s and rng.random() < 0.8 else s


def generate(seed: int = 7, per_category: int = 350) -> list[tuple[str, tuple[str, ...]]]:
    rng = random.Random(seed)
    out: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()

    def add(text: str, labels: tuple[str, ...]) -> None:
        if text.lower() not in seen:
            seen.add(text.lower())
            out.append((text, labels))

    for _ in range(per_category):
        add(_dress(rng, _pick(rng, ALLEGATION_FRAMES).format(s=_pick(rng, STAFF), a=_pick(rng, ALLEGATION_ACTS))),
            ("allegation",))
        add(_dress(rng, _pick(rng, COMPLAINT_FRAMES).format(t=_pick(rng, COMPLAINT_TARGETS), j=_pick(rng, COMPLAINT_JUDGEMENTS))),
            ("complaint",))
        if rng.random() < 0.6:
            t = _pick(rng, SC_FRAMES).format(a=_pick(rng, SC_ACTS).format(s=_pick(rng, SC_STAFF)))
        else:
            t = _pick(rng, SC_REQUESTS).format(s=_pick(rng, SC_STAFF))
        add(_dress(rng, t), ("staff_contact",))
        add(_dress(rng, _pick(rng, SFS_FRAMES).format(n=_pick(rng, SFS_NEWS))), ("speaking_for_school",))
        add(_dress(rng, _pick(rng, IMG_FRAMES).format(w=_pick(rng, IMG_WHAT))), ("image_consent",))
        add(_dress(rng, _pick(rng, SENS_FRAMES).format(w=_pick(rng, SENS_WHO), f=_pick(rng, SENS_FACTS))), ("sensitive",))
        # Hard negatives: same words, no breach.
        add(_dress(rng, _pick(rng, SFS_NEG).format(n=_pick(rng, SFS_NEWS))), ())
        add(_dress(rng, _pick(rng, IMG_NEG)), ())
        add(_dress(rng, _pick(rng, NEGATIVES).format(e=_pick(rng, NEG_E), s=_pick(rng, SC_STAFF),
                                                    p=_pick(rng, NEG_P), k=_pick(rng, NEG_K))), ())
        add(_dress(rng, _pick(rng, NEGATIVES).format(e=_pick(rng, NEG_E), s=_pick(rng, STAFF),
                                                    p=_pick(rng, NEG_P), k=_pick(rng, NEG_K))), ())
    return out


if __name__ == "__main__":
    for text, labels in generate()[:40]:
        print("+".join(labels) or "none", text, sep="\t")
