"""The judge: text -> Verdict for one school's policy.

    from schoolgate.judge import analyse, analyse_batch
    verdict = analyse("Mr Hughes is a useless teacher", policy_view, roster)

Pure Python, no Django. Pipeline for a batch of texts:
1. people (`names`): roster-grounded mentions of pupils and staff, plus roster-free titles and roles;
2. contact details (`confidential`): phones, e-mails, postcodes, street addresses;
3. learned toxicity (`toxicity.ToxicityModel`): abuse, threat, hate, obscene, harassment with word spans;
4. meaning (`semantic`): a hashed n-gram first pass on every sentence, MiniLM embeddings only for
   candidate sentences, plus the school's clause examples;
5. findings mapped to the school's clauses (advice where the policy does not name the category), then
   the decision and explanation (`decision`).
Models load lazily on first use and are cached for the process.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from . import confidential as conf
from . import lexicon, school_heads
from .decision import decide
from .names import Mention, find_mentions
from .text import sentences
from .types import CATEGORIES, Clause, Finding, Person, PolicyView, Roster, Verdict

# Categories a school's "non-exhaustive" sentence holds for a moderator when its list does not name them:
# all twelve. A child named at a school whose list does not mention naming children is held too ("Storm in
# reception is a biter", and "well done April Nolan" is a child's name in public): the school's objective is
# to safeguard pupils. Blind writers labelled such posts for review at both schools; the poster's own child
# is not held (`names._own_child`, and the school-post model for a first name alone).
UNLISTED_HOLDS = CATEGORIES
# The school's list does not name these, so the judge must be surer before its non-exhaustive sentence holds
# a post: a meaning model's 0.5-0.7 ("be good to split the school run" read as speaking for the school) is
# advice for the parent, not a reason to hold their post.
UNLISTED_MIN = 0.7
# A sensitive fact (health, a complaint's outcome, a family's circumstances) holds for review; only
# contact details and a home address, which put someone in reach, block.
SENSITIVE_CEILING = 0.84

__all__ = ["analyse", "analyse_batch", "ToxicityUnavailable"]

TOXIC = ("abuse", "threat", "hate", "obscene", "harassment")
# Findings below this score are not listed (the score is still in `scores`).
MIN_FINDING = 0.35
# What British swearing the toxicity models read as mild scores as obscene language: held, never blocked.
UK_SWEAR_SCORE = 0.7


class ToxicityUnavailable(RuntimeError):
    pass


# Batches at least this long score toxicity on a worker thread beside the rest (`analyse_batch`).
PARALLEL_MIN = 16
_pool_lock = threading.Lock()
_pool_instance = None


def _pool():
    global _pool_instance
    if _pool_instance is None:
        with _pool_lock:
            if _pool_instance is None:
                from concurrent.futures import ThreadPoolExecutor

                _pool_instance = ThreadPoolExecutor(max_workers=2, thread_name_prefix="judge-toxicity")
    return _pool_instance


_tox_lock = threading.Lock()
_tox_model = None


def _toxicity():
    global _tox_model
    if _tox_model is None:
        with _tox_lock:
            if _tox_model is None:
                from .toxicity import ToxicityModel

                try:
                    _tox_model = ToxicityModel.load()
                except (OSError, KeyError, ValueError) as exc:
                    raise ToxicityUnavailable(f"toxicity model files unavailable: {exc}") from exc
    return _tox_model


# Sentence-level cue that a named person is the target of a semantic finding.
_SCHOOL_WORDS = re.compile(r"\b(?:school|head|teacher|staff|governors?|office|class|year \d)\b", re.IGNORECASE)
# Sentence-level cue that a sensitive fact is about someone ("his mum", "the new boy").
_ABOUT_SOMEONE = re.compile(r"\b(?:his|her|their|boy|girl|family|mum|dad|kids?|child)\b", re.IGNORECASE)


def analyse(text: str, policy: PolicyView, roster: Roster | None = None, *, author: Person | None = None) -> Verdict:
    return analyse_batch([text], policy, roster, authors=[author])[0]


def analyse_batch(texts: Sequence[str], policy: PolicyView, roster: Roster | None = None,
                  *, authors: Sequence[Person | None] | None = None) -> list[Verdict]:
    """One Verdict per text, in order. Batched: toxicity and embeddings run once for the whole batch."""
    from .semantic import SemanticModel

    texts = list(texts)
    if not texts:
        return []
    authors = list(authors) if authors is not None else [None] * len(texts)
    model = _toxicity()
    # A batch (the CLI, a chat scan) scores toxicity on a second thread while this one finds people and
    # meaning: both ONNX Runtime sessions release the GIL, so the fine-tuned stage and the sentence
    # encoder use both cores. One message (a post, a comment) stays on the caller's thread.
    pending = _pool().submit(model.score_batch, texts) if len(texts) >= PARALLEL_MIN else None
    # One message (a comment being posted): the school-post model reads it on a second thread while the
    # rest of the judge works, so the parent waits for the slower of the two rather than for both.
    early = _pool().submit(school_heads.probabilities, [texts[0].strip()]) if len(texts) == 1 and texts[0].strip() else None
    tox = None if pending is not None else model.score_batch(texts)
    sem = SemanticModel.load()

    mentions = [find_mentions(t, roster, a, school_name=policy.school_name) for t, a in zip(texts, authors)]
    sent_spans = [sentences(t) for t in texts]
    flat, force, owner = [], [], []
    for ti, (t, spans) in enumerate(zip(texts, sent_spans)):
        for s, e in spans:
            flat.append(t[s:e])
            force.append(any(m.start < e and m.end > s and m.identifiable for m in mentions[ti]))
            owner.append((ti, s, e))
    sent_scores = sem.score_sentences(flat, policy, force)

    if pending is not None:
        tox = pending.result()
    per_text: list[list[tuple[int, int, object]]] = [[] for _ in texts]
    for (ti, s, e), sc in zip(owner, sent_scores):
        per_text[ti].append((s, e, sc))
    verdicts = [_verdict(t, policy, tox[i], mentions[i], per_text[i]) for i, t in enumerate(texts)]
    # The school-post model reads every post the rest of the judge did not block: it may hold an allowed
    # post, or clear one the rest would only hold. A blocked post is left alone (it could change nothing).
    # An allowed post the gate says the model could not be sure of is not read (`school_heads.worth_reading`;
    # the same for one message, whose early reading is then set aside, so a post's verdict never depends on
    # its batch).
    ask = [i for i, v in enumerate(verdicts) if v.decision != "block" and texts[i].strip()]
    allowed = [i for i in ask if verdicts[i].decision == "allow"]
    if allowed:
        keep = school_heads.worth_reading([texts[i] for i in allowed], model.featurizer)
        skip = {i for i, k in zip(allowed, keep) if not k}
        ask = [i for i in ask if i not in skip]
    if ask:
        probs = early.result() if early is not None else school_heads.probabilities([texts[i].strip() for i in ask])
        for row, i in enumerate(ask):
            if verdicts[i].decision == "review" or school_heads.sure(probs[row]):
                verdicts[i] = _verdict(texts[i], policy, tox[i], mentions[i], per_text[i], probs[row])
    return verdicts


def _clause_for(policy: PolicyView, category: str, mention: Mention | None, preferred: str | None) -> Clause | None:
    cands = policy.clauses_for(category)
    if not cands:
        return None
    if preferred:
        for c in cands:
            if c.id == preferred:
                return c
    role_words = {"staff": ("staff", "employees"), "governor": ("staff", "school"),
                  "pupil": ("pupils", "children"), "parent": ("parents",)}.get(mention.role if mention else "", ())

    def key(ic: tuple[int, Clause]) -> tuple:
        i, c = ic
        fits = any(w in c.text.lower() for w in role_words)
        return (not fits, len(c.categories), i)

    return min(enumerate(cands), key=key)[1]


def _verdict(text: str, policy: PolicyView, tox: dict, mentions: list[Mention], sents: list,
             heads: Sequence[float] | None = None) -> Verdict:
    from .fastpass import SEMANTIC

    raw: list[tuple[str, float, int, int, Mention | None, str | None]] = []  # cat, score, start, end, person, clause
    scores = {c: 0.0 for c in CATEGORIES}
    people = [m for m in mentions if m.identifiable]
    # Categories found by something the school-post model may not overrule (step 6): a child on the
    # roster, a phone number or address, a phrase rule, the school's own example for a clause.
    facts: set[str] = set()

    def person_in(s: int, e: int) -> Mention | None:
        inside = [m for m in people if m.start < e and m.end > s]
        return max(inside, key=lambda m: m.confidence) if inside else None

    # 1. Learned toxicity: the words, plus the person the abuse is aimed at. Words inside a harmless
    # idiom ("killing it", "dying to see", "could murder a coffee") do not count.
    for cat in TOXIC:
        p, spans = tox.get(cat, (0.0, []))
        p = float(p)
        if p >= MIN_FINDING and spans and all(lexicon.is_idiom(text, s, e) for s, e in spans):
            p *= 0.3
        if cat == "obscene" and (swears := lexicon.uk_swearing(text)):
            facts.add("obscene")  # the words are there: the school-post model does not clear them
            if p < UK_SWEAR_SCORE:
                p, spans = UK_SWEAR_SCORE, swears
        scores[cat] = p
        if p < MIN_FINDING:
            continue
        spans = list(spans) or [(0, len(text))]
        for s, e in spans:
            raw.append((cat, p, s, e, person_in(0, len(text)), None))
        target = next((m for m in people if m.role != "pupil" or cat != "abuse"), None) or (people[0] if people else None)
        if target is not None:
            raw.append((cat, p, target.start, target.end, target, None))

    # 2. Children named (not the poster's own). A child named in full is a fact; one named by first name
    # alone may be the poster's own ("Poppy won a rosette, she's been insufferable ever since"), which the
    # school-post model may judge (`school_heads.CHILD_CLEAR_BELOW`).
    for m in mentions:
        if m.role == "pupil" and not m.own_child:
            scores["naming_child"] = max(scores["naming_child"], m.confidence)
            raw.append(("naming_child", m.confidence, m.start, m.end, m, None))
            if m.kind == "full":
                facts.add("naming_child")

    # 3. Contact details.
    hits = conf.contact_details(text, [(m.start, m.end) for m in people])
    for h in hits:
        scores["confidential"] = max(scores["confidential"], h.score)
        raw.append(("confidential", h.score, h.start, h.end, None, None))
        facts.add("confidential")

    # Whether the post's grievance is with another body (the council, the NHS), its news is about another
    # school, or its photo is of the poster's own children: read once, for steps 4 and 6.
    elsewhere = lexicon.about_another_body(text)
    not_schools = lexicon.not_about_school(text)  # "nothing to do with school, just needed to vent"
    news_elsewhere = lexicon.news_elsewhere(text, policy.school_name)
    # A crime at the supermarket with nobody from school in it ("someone keyed my car outside Tesco").
    crime_elsewhere = elsewhere and not people and lexicon.SCHOOL_RE.search(text) is None
    # A photo of the poster's own children only: no other child named.
    own_photo = lexicon.own_media(text) and not any(m.role == "pupil" and not m.own_child for m in people)

    # 4. Meaning, sentence by sentence.
    for s, e, sc in sents:
        who = person_in(s, e)
        probs = sc.probs.tolist()
        benign = lexicon.benign_context(text[s:e])
        for k, cat in enumerate(SEMANTIC):
            p = probs[k]
            if cat == "sensitive":
                cues = conf.SENSITIVE_CUE_RE.search(text, s, e) is not None
                # A sensitive fact needs someone it is about: a named person or a role ("the new boy").
                if who is None and _ABOUT_SOMEONE.search(text[s:e]) is None:
                    p *= 0.5
                if cues:
                    p = min(1.0, p + 0.1)
                else:
                    p *= 0.8
                p = min(p, SENSITIVE_CEILING)
                cat = "confidential"
            elif cat in ("allegation", "complaint") and who is None and not _SCHOOL_WORDS.search(text, s, e):
                p *= 0.85
            if cat == "complaint" and who is None and (elsewhere or not_schools):
                p *= 0.5  # the council's form, the bus company: a grievance, but not with the school
            if cat == "allegation" and news_elsewhere:
                p *= 0.5  # news about another school's staff
            if cat == "allegation" and (lexicon.crime_idiom(text) or lexicon.fond(text)):
                p *= 0.5  # "murdering the recorder 😂", a fond story: no accusation
            if cat in ("allegation", "complaint") and benign:
                p *= 0.5
            if cat == "image_consent" and (lexicon.school_media(text[s:e]) or own_photo):
                p *= 0.5
            if p > scores[cat]:
                scores[cat] = p
            if p >= MIN_FINDING:
                raw.append((cat, p, s, e, who, sc.exemplar_clause[k]))
                if sc.exemplar_clause[k] is not None:
                    facts.add(cat)
                if cat == "confidential" and cues and who is not None and who.role == "pupil" and not who.own_child:
                    facts.add(cat)  # "Amelia was excluded for a week": a named child's exclusion, diagnosis or care
                if who is not None and cat in ("allegation", "complaint", "staff_contact", "confidential"):
                    raw.append((cat, p, who.start, who.end, who, sc.exemplar_clause[k]))

    # 5. Phrasings the models miss (`lexicon`): pile-ons, stereotypes, veiled threats, innuendo,
    # insults and allegations without swear words, complaints by exasperation, the channel categories.
    misconduct = False  # a phrase rule read an allegation as misconduct, not a crime
    for s, e, _ in sents:
        named = [m for m in people if m.start < e and m.end > s]
        for cue in lexicon.cues(text, (s, e), bool(named), any(m.role in ("staff", "governor") for m in named)):
            if cue.category == "allegation" and news_elsewhere:
                continue  # news about another school's staff
            if cue.score > scores[cue.category]:
                scores[cue.category] = cue.score
            facts.add(cue.category)
            misconduct |= cue.kind == "misconduct"
            who = person_in(s, e)
            raw.append((cue.category, cue.score, cue.start, cue.end, who, None))
            if who is not None and cue.category in ("allegation", "abuse", "obscene", "threat"):
                raw.append((cue.category, cue.score, who.start, who.end, who, None))

    # 6. The school-post model (`school_heads`): what posts like this one were labelled, for phrasings no
    # rule foresaw. It holds the whole post for a moderator, and blocks only a threat, hate or allegation it
    # is all but certain of; a finding already there is left alone.
    if heads is not None and text.strip():
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        # Only the proper channel overrides the model: it learned praise, and sarcasm dressed as praise
        # ("must be lovely having thirteen weeks off"), from the posts themselves.
        proper_channel = lexicon.PROPER_CHANNEL_RE.search(text) is not None
        for cat, p in school_heads.sure(heads):
            if cat in ("allegation", "complaint") and proper_channel:
                continue  # a concern taken through the proper channel is what the policy asks for
            if cat == "complaint" and (elsewhere or lexicon.time_flies(text) or lexicon.genuine_question(text)
                                       or not_schools):
                continue  # time flying, a grievance with the council, an honest question: not a complaint about the school
            if cat in ("complaint", "harassment", "hate") and cat not in facts and lexicon.fair_minded(text):
                continue  # "to be fair to the school...", "not worth falling out over": calming a thread
            if cat == "hate" and "hate" not in facts and (lexicon.own_identity(text) or lexicon.welcome(text)):
                continue  # a family speaking of its own faith or nationality, or a warm welcome
            if cat in ("allegation", "threat") and cat not in facts and (lexicon.warm(text) or lexicon.fond(text)):
                continue  # praise with nothing negative in it, or a fond story: an anecdote, not an accusation
            if cat == "threat" and "threat" not in facts and (lexicon.pledge(text) or lexicon.exasperated(text)):
                continue  # "I'll match anyone who puts £20 in the minibus fund", "I'm going to explode"
            if cat == "harassment" and (lexicon.campaign_elsewhere(text) or lexicon.kind_ask(text)):
                continue  # everyone writing to the council, or asked to be kind: a campaign, not a pile-on
            if cat == "allegation" and (news_elsewhere or crime_elsewhere or ("allegation" not in facts and lexicon.crime_idiom(text))):
                continue  # news about another school's staff, or a crime at the supermarket with no one from school in it
            if cat == "image_consent" and (lexicon.school_media(text) or own_photo):
                continue  # the school's own account posting photos, or a parent's of their own children
            score = school_heads.finding_score(cat, p)
            if cat == "allegation" and misconduct:
                score = min(score, school_heads.HOLD_SCORE)  # the rule read misconduct: review, not block
            if scores[cat] < score:
                scores[cat] = score
                raw.append((cat, score, start, end, person_in(start, end), None))

    if lexicon.proper_contact(text):
        # "how do I send a message to the class teacher? is it through the app?": the channel the policy asks for
        raw = [r for r in raw if r[0] != "staff_contact"]
        scores["staff_contact"] *= 0.3
    findings, decision, explanation = _decide(text, policy, raw)
    if heads is not None and decision != "allow":
        # Categories the school-post model is sure the post is not, found by nothing it may not overrule
        # (`facts`: a child on the roster, a number, a phrase rule, the school's own example).
        held = {f.category for f in findings if f.breach}
        own_news = "naming_child" in held and lexicon.own_child_news(text)
        cleared = {c for c in held - facts if school_heads.clears(c, heads, own_news)}
        if cleared:
            rest = _decide(text, policy, [r for r in raw if r[0] not in cleared])
            # All of them: the post is allowed (a hold, never a block). Some: they leave the list the moderator
            # reads, when the post is held or blocked as it was without them.
            if (cleared == held and decision == "review") or rest[1] == decision:
                for c in cleared:
                    scores[c] = min(scores[c], float(heads[CATEGORIES.index(c)]))
                findings, decision, explanation = rest
    return Verdict(decision=decision, explanation=explanation,
                   scores={c: round(min(1.0, max(0.0, v)), 4) for c, v in scores.items()}, findings=findings)


def _decide(text: str, policy: PolicyView, raw: list) -> tuple[list[Finding], str, str]:
    """The findings a moderator is shown, each with its clause, then the decision and its explanation."""
    # The school's "non-exhaustive" sentence, for categories its list does not name.
    unlisted = policy.non_exhaustive()
    findings: list[Finding] = []
    cited: dict[str, Clause] = {}
    seen: set[tuple[str, int, int]] = set()
    # The same category over the same words is listed once, at its highest score: a weak sentence-model
    # finding must not hide the school-post model's surer one (at a school whose list does not name the
    # category, only the surer one reaches the non-exhaustive sentence's bar).
    for cat, p, s, e, who, pref in sorted(raw, key=lambda r: (r[2], r[3], r[0], -r[1])):
        # List only what reaches the school's review threshold for the category; lower scores stay in
        # `scores` but would only be noise in the list a moderator reads.
        if p < policy.thresholds_for(cat)[0] or (cat, s, e) in seen:
            continue
        seen.add((cat, s, e))
        clause = _clause_for(policy, cat, who, pref)
        if clause is None and unlisted and p >= UNLISTED_MIN and cat in UNLISTED_HOLDS:
            clause = unlisted[0]
        if clause is not None:
            cited[clause.id] = clause
        findings.append(Finding(category=cat, clause=clause.id if clause else None, score=round(min(1.0, p), 4),
                                start=s, end=e, quote=text[s:e], breach=clause is not None))
    decision, explanation = decide(findings, policy, cited)
    return findings, decision, explanation
