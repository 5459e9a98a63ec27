"""People in a text, grounded in the school's roster: pupils (for `naming_child`) and staff, governors
and parents (identifiable people for allegations, complaints, abuse and staff contact).

What counts as a mention, and why:
- full names, first names, aliases from the roster ("Olly", "Mr Hughes"), title + surname for staff
  and governors, any case, with possessives ("Olly's");
- small misspellings ("Olly Benett") through rapidfuzz, only for capitalised words or next to another
  name word, so ordinary lower-case words never drift onto a name;
- names that are also ordinary English words only when the text makes them a person. Which names are
  words: the hand list `NAME_WORDS` ("Will", "Grace", "May") plus every word of lemminflect's English
  lexicon (shipped in its wheel), less those real text writes mostly as names ("harry", "peter": the
  list `models/name_dominant.txt` made by training/name_words.py); so any roster's "Clover", "Flint" or
  "Scout" is handled. A word-name is a person as part of a full name (a misspelt surname too), or
  capitalised with a person cue: a verb such as "said"/"hit" after it, "with"/"told" before it, a
  possessive ("Clover's mum", not "Heather's out"), "he"/"she" in the post; mid-sentence in a normally
  capitalised post a lexicon word-name is a person unless "the"/"a"/an adjective stands before it or a
  capitalised word follows ("the Scout hut", "Merry Christmas"). In a post written all in lower case,
  only a strong cue counts ("what sorrel wrote"), never "rocky path" or "flint's the hard stone";
- "it's Jack's mam" / "Jayden's dad here" is the poster introducing themself (own child); "@buddy" is a
  group member addressed by handle, never a pupil;
- "my son Olly" / "our Olly" is the poster's own child: reported as a mention with `own_child=True`,
  never as naming another child;
- without a roster: "Mr/Mrs/Miss/Ms/Dr Surname" and role phrases ("the Year 4 teacher", "the caretaker",
  "a certain teacher") are identifiable staff; "Name in Year 3" is a probable pupil.
"""

from __future__ import annotations

import functools
import gzip
import re
import threading
import weakref
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from .text import Token, sentence_starts, tokens
from .types import Person, Roster

TITLES = {"mr", "mrs", "miss", "ms", "mx", "dr", "sir", "madam", "mister", "missus"}

# First names / surnames that are also everyday English words. A match on one of these alone needs
# the context rules above. Lower case.
NAME_WORDS = {
    "will", "grace", "may", "june", "april", "august", "hope", "faith", "joy", "rose", "lily", "ivy",
    "holly", "daisy", "poppy", "summer", "autumn", "amber", "ruby", "pearl", "crystal", "dawn", "eve",
    "mark", "bill", "jack", "rob", "sue", "pat", "guy", "ray", "dean", "drew", "frank", "gene", "art",
    "grant", "hunter", "mason", "miles", "rich", "carol", "chase", "cliff", "dale", "glen", "heath",
    "jay", "king", "lane", "reed", "rowan", "sky", "river", "brook", "storm", "sunny", "honey", "willow",
    "hazel", "iris", "violet", "jasmine", "sage", "harmony", "heather", "robin", "sandy", "star", "angel",
    "penny", "patience", "mercy", "charity", "destiny", "trinity", "blue", "bo", "max", "jade", "asha",
    "hall", "wood", "baker", "cook", "smith", "young", "white", "green", "brown", "black", "wells",
    "field", "hill", "west", "north", "little", "long", "short", "page", "fisher", "walker", "marsh",
    "bell", "ford", "stone", "rivers", "read", "best", "good", "price", "noble", "sharp",
    "ash", "bay", "clay", "dash", "fern", "gray", "grey", "haven", "jewel", "journey", "lark", "marina",
    "melody", "misty", "olive", "raven", "scarlett", "sonny", "sparrow", "wren", "jasper", "basil",
    "neve", "nova", "happy", "love", "lucky", "bliss", "reign", "so", "an", "al", "ed", "mo", "di",
    "don", "kit", "tom", "tim", "sam", "ben", "jo", "van", "lou", "lee", "kay", "bob", "nick", "peg",
    "head", "ward", "mann", "christian", "english", "french", "welsh", "major", "minor",
    # Words too regional or too capitalised for the lexicon: "teddy bears' picnic", "the beck's up".
    "teddy", "beck", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
}
MONTHS = {"may", "june", "april", "august"}
DAYS = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
CALENDAR = MONTHS | DAYS
# After a month or a day it is the date, not a child: "May half term", "Sunday school", "Friday club".
CALENDAR_NEXT = {"half", "term", "bank", "holiday", "holidays", "day", "school", "morning", "afternoon", "evening", "night",
                 "club", "lunch", "dinner", "service", "mass", "market", "league", "best"}

_NAME_DOMINANT = Path(__file__).resolve().parent / "models" / "name_dominant.txt"


@functools.cache
def _lexicon() -> frozenset[str]:
    """Lower-case English words (nouns, verbs, adjectives, adverbs) of lemminflect's lexicon, which ships in
    its wheel: "clover", "rocky", "scout", "chance". Empty (the hand list alone) if it is not installed."""
    try:
        from lemminflect import config
        with gzip.open(config.lemma_lu_fn, "rt", encoding="utf-8") as fh:
            return frozenset(w for w in (line.split(",", 1)[0] for line in fh) if w.isalpha() and w.islower())
    except (ImportError, OSError):  # pragma: no cover - the dependency is declared
        return frozenset()


@functools.cache
def _name_dominant() -> frozenset[str]:
    """Lexicon words that real text writes mostly as names ("harry", "peter", "amir"): made by
    training/name_words.py from capitalisation counts in public posts."""
    try:
        lines = _NAME_DOMINANT.read_text(encoding="utf-8").split("\n")
    except OSError:  # pragma: no cover
        return frozenset()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def is_name_word(word: str) -> bool:
    """Is this name also an ordinary English word, so that a mention of it needs the text to make it a person?

    The hand list `NAME_WORDS`, plus every word of the lexicon that real text does not use mostly as a name:
    any roster's "Clover", "Flint" or "Scout" is caught without being listed here."""
    w = word.lower()
    return w in NAME_WORDS or (w in _lexicon() and w not in _name_dominant())

# Cues on either side that make a capitalised ambiguous word a person.
PREV_PERSON = {"with", "told", "tell", "asked", "ask", "saw", "see", "invite", "invited", "called", "hit",
               "pushed", "kicked", "bit", "punched", "by", "about", "that", "and", "like", "loves", "love",
               "miss", "misses", "sat", "beside", "friend", "friends", "thanks", "thank", "dear", "hi",
               "hello", "congratulations", "congrats", "poor", "little", "bullying", "bullied", "birthday",
               "done", "inviting"}
NEXT_PERSON = {"is", "was", "has", "had", "said", "says", "told", "tells", "keeps", "kept", "hit", "hits",
               "pushed", "pushes", "kicked", "bit", "punched", "and", "who", "got", "gets", "cried", "cries",
               "called", "calls", "won", "came", "comes", "went", "did", "does", "from", "in", "always",
               "never", "sat", "sits", "wants", "wanted", "likes", "loves", "isn't", "wasn't", "hasn't", "wrote",
               "sang", "bites", "stole", "nicked", "threw", "shouted", "screamed", "crying"}
# Verbs after a sentence-initial word-name that make it a person ("Bear bit my son", not "Bear hunt").
STRONG_NEXT = {"said", "says", "told", "tells", "hit", "hits", "pushed", "pushes", "kicked", "kicks", "keeps", "kept",
               "punched", "cried", "cries", "bit", "bites", "wrote", "writes", "sang", "stole", "nicked", "threw",
               "swore", "spat", "shouted", "screamed", "scratched", "bullied", "bullies", "won", "isn't",
               "wasn't", "hasn't"}
# In a post written without capitals, the cues that still make a word-name a person ("what sorrel wrote").
LOWER_PREV = {"told", "tell", "asked", "invite", "invited", "inviting", "pushed", "hit", "kicked", "bit",
              "punched", "bullying", "bullied", "congratulations", "congrats", "done", "birthday"}
# "Clover's mum", "Scout's party": what a child's possessive names. After "Heather's" / "Bracken's" at the
# start of a sentence anything else ("out", "taken", "come up") is the verb "is"/"has", not a person.
POSSESSED = {"mum", "mam", "mom", "mummy", "mother", "dad", "daddy", "father", "parents", "parent", "family",
             "nan", "nana", "nanna", "gran", "granny", "grandma", "grandad", "grandpa", "auntie", "aunt", "uncle",
             "brother", "sister", "sibling", "siblings", "friend", "friends", "birthday", "party", "coat", "bag",
             "lunchbox", "behaviour", "behavior", "teacher", "reading", "book", "bike", "shoes", "house", "sister's",
             "brother's", "mum's", "dad's", "mam's", "little", "big", "older", "younger", "twin", "cousin",
             "hair", "face", "hand", "hands", "arm", "leg", "jumper", "cardigan", "kit", "pe", "lunch", "bottle",
             "homework", "spellings", "phone", "ipad", "tablet", "drawing", "picture", "work", "name", "seat",
             "place", "turn", "fault", "idea", "dog", "cat", "nanny", "grandparents", "granddad", "mummy's", "carer",
             "foster", "stepdad", "stepmum", "step", "gang", "group", "table", "pal", "pals", "mate", "mates", "best",
             "new", "first", "last",
             # "Clover's been crying", "Grace's always left out": the contraction, but of what a child does.
             "been", "always", "never", "not", "being", "started", "getting"}
PARENT_WORDS = {"mum", "mam", "mom", "mummy", "mammy", "mother", "dad", "daddy", "father", "nan", "nana", "gran",
                "grandma", "grandad", "stepmum", "stepdad", "carer"}
MONTH_PREV = {"in", "of", "since", "until", "till", "by", "on", "early", "late", "mid", "end", "this", "next",
              "last", "during", "before", "after", "from", "to", "through"}
OWN_CHILD = {"son", "daughter", "boy", "girl", "child", "kid", "lad", "lass", "stepson", "stepdaughter",
             "eldest", "youngest", "middle", "twins", "baby", "little", "one", "sons", "daughters", "kids"}
STOP = {"the", "a", "an", "and", "or", "but", "if", "then", "so", "to", "of", "in", "on", "at", "for", "is",
        "it", "i", "we", "you", "he", "she", "they", "my", "our", "your", "his", "her", "their", "this",
        "that", "there", "here", "what", "when", "who", "why", "how", "not", "no", "yes", "ok", "okay",
        "please", "thanks", "hi", "hello", "lol", "school", "class", "year", "teacher", "head", "office"}

ROLE_RE = re.compile(
    r"\b(?:(?:the|a|one|that|this|a certain|a particular|one particular|certain)\s+)"
    r"(?:(?:new|supply|year\s*\d+|y\d|reception|nursery|class|deputy|assistant|acting|executive|pe|music|"
    r"art|maths|english|lunchtime|female|male|same|other)\s+)*"
    r"(?:head\s*teacher|headteacher|headmistress|headmaster|head|teacher|teachers|teaching assistant|ta|tas|"
    r"member of staff|staff member|senco|caretaker|dinner lady|dinner ladies|lunchtime supervisor|"
    r"supervisor|bursar|business manager|receptionist|secretary|governor|chair of governors|dsl|"
    r"coach|instructor|principal|deputy)\b(?:\s+(?:in|of|from|for)\s+(?:year\s*\d+|reception|nursery|y\d))?",
    re.IGNORECASE,
)
TITLE_NAME_RE = re.compile(r"\b(Mr|Mrs|Miss|Ms|Mx|Dr|Sir)\.?\s+([A-Z][a-z]+(?:[-'][A-Z][a-z]+)?|[A-Z]\b)")
UNKNOWN_CHILD_RE = re.compile(
    r"\b([A-Z][a-z]{2,})(?:['’]s)?\s+(?:in|from)\s+(?:year\s*\d|y\d|reception|nursery|class\s+\w+|"
    r"(?:my|our|her|his)\s+(?:son|daughter|child|kid)['’]s\s+class)",
    re.IGNORECASE,
)

# Necessary conditions of the three patterns above, far cheaper to scan for.
_TITLE_HINT_RE = re.compile(r"\b(?:Mr|Mrs|Miss|Ms|Mx|Dr|Sir)\b")
_ROLE_HINT_RE = re.compile(
    r"(?i:head|teach|\bta|member of staff|staff member|senco|caretaker|dinner lad|supervisor|bursar|"
    r"business manager|receptionist|secretary|governor|\bdsl|coach|instructor|principal|deputy)")
_CHILD_HINT_RE = re.compile(r"(?i:\s(?:in|from)\s+(?:year|y\d|reception|nursery|class|my|our|her|his))")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    quote: str
    role: str  # pupil / staff / governor / parent
    confidence: float
    kind: str  # full, first, alias, title, surname, fuzzy, ambiguous, role, title_unknown, unknown_child
    person: Person | None = None
    own_child: bool = False

    @property
    def is_child(self) -> bool:
        return self.role == "pupil"

    @property
    def identifiable(self) -> bool:
        """A person the reader can pick out (a named person or a specific role)."""
        return not self.own_child


@dataclass
class _Entry:
    person: Person
    kind: str


def _norm(word: str) -> str:
    """Lower case, possessive stripped, ’ as ' (same as strip_possessive(word)[0].lower() + the quote)."""
    low = word.lower()
    if low.endswith(("'s", "’s")):
        low = low[:-2]
    return low.replace("’", "'") if "’" in low else low


class NameIndex:
    """Lookup tables for one roster; built once per roster and cached."""

    def __init__(self, roster: Roster):
        # No reference to the roster itself: the cache below keeps an index only while its roster lives.
        self.table: dict[tuple[str, ...], list[_Entry]] = {}
        self.max_len = 1
        for p in roster.people:
            parts = p.name.split()
            if not parts:
                continue
            first, last = parts[0], parts[-1]
            self._add(parts, p, "full")
            if len(parts) > 1:
                self._add([first], p, "first")
                if p.role in ("staff", "governor"):
                    for t in TITLES:
                        self._add([t, last], p, "title")
                    self._add([last], p, "surname")
            for alias in p.aliases:
                words = alias.split()
                self._add(words, p, "title" if words and words[0].lower().rstrip(".") in TITLES else "alias")
                if len(words) == 1 and len(parts) > 1:
                    self._add([words[0], last], p, "full")
        # Single words for fuzzy matching: long enough that one edit is a misspelling, not a new word.
        self.first_words = {k[0] for k in self.table}
        self.fuzzy_vocab = sorted({k[0] for k in self.table if len(k) == 1 and len(k[0]) >= 4})
        self.fuzzy_full = {" ".join(k): v for k, v in self.table.items() if len(k) >= 2 and k[0] not in TITLES}
        self.fuzzy_full_keys = sorted(self.fuzzy_full)
        # Single name words that are also ordinary words ("clover", "scout", "will"): context decides.
        self.word_names = frozenset(k[0] for k in self.table if len(k) == 1 and is_name_word(k[0]))

    def _add(self, words: list[str], person: Person, kind: str) -> None:
        key = tuple(w.lower().rstrip(".").replace("’", "'") for w in words if w)
        if not key:
            return
        self.table.setdefault(key, [])
        if not any(e.person == person and e.kind == kind for e in self.table[key]):
            self.table[key].append(_Entry(person, kind))
        self.max_len = max(self.max_len, len(key))


# id(roster) -> (a weak reference to it, its index). An index lives exactly as long as its roster: the
# caller decides how many rosters to keep (`policies.judging` keeps one per recently active school), and a
# roster made for one chat scan or one CLI run takes its index with it when it goes. (A fixed cap here made
# a process serving more schools than the cap rebuild every school's index again and again.)
_cache_lock = threading.RLock()  # re-entrant: a roster's finalizer may run inside the lock (GC)
_cache: dict[int, tuple[weakref.ref, NameIndex]] = {}


def index_for(roster: Roster) -> NameIndex:
    key = id(roster)
    hit = _cache.get(key)
    if hit is not None and hit[0]() is roster:
        return hit[1]
    idx = NameIndex(roster)
    ref = weakref.ref(roster)
    with _cache_lock:
        _cache[key] = (ref, idx)
    weakref.finalize(roster, _forget, key, ref)
    return idx


def _forget(key: int, ref: weakref.ref) -> None:
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is ref:
            del _cache[key]


_KIND_CONFIDENCE = {"full": 0.95, "title": 0.95, "alias": 0.9, "first": 0.88, "surname": 0.75}


def find_mentions(text: str, roster: Roster | None = None, author: Person | None = None,
                  school_name: str = "") -> list[Mention]:
    """Every person mention in `text`, roster-grounded where a roster is given; non-overlapping.

    Words inside the school's own name ("Stokes Wood", "High Hesket") are never a person.
    """
    toks = tokens(text)
    blocked = _school_spans(text, school_name)
    if blocked:
        toks = [t for t in toks if not any(s <= t.start < e for s, e in blocked)]
        toks = [Token(t.text, t.start, t.end, i) for i, t in enumerate(toks)]
    starts = _LazyStarts(text)  # only ambiguous or misspelt names need them
    out: list[Mention] = []
    taken: set[int] = set()  # token indices already part of a mention
    if roster is not None and len(roster):
        idx = index_for(roster)
        out.extend(_roster_mentions(text, toks, starts, idx, taken, author))
    out.extend(_generic_mentions(text, toks, taken, out))
    # A child the poster calls their own once ("our Coral", "from Coral's mam") is their own all through the post.
    own = {m.person for m in out if m.own_child and m.person is not None}
    if own:
        out = [replace(m, own_child=True) if m.person in own and m.role == "pupil" else m for m in out]
    out.sort(key=lambda m: m.start)
    return out


class _LazyStarts:
    """`sentence_starts(text)`, computed on the first `in` test."""

    __slots__ = ("text", "_set")

    def __init__(self, text: str):
        self.text = text
        self._set: set[int] | None = None

    def __contains__(self, offset: int) -> bool:
        if self._set is None:
            self._set = sentence_starts(self.text)
        return offset in self._set


def _school_spans(text: str, school_name: str) -> list[tuple[int, int]]:
    if not school_name:
        return []
    pat = _school_pattern(school_name)
    return [(m.start(), m.end()) for m in pat.finditer(text)] if pat is not None else []


@functools.lru_cache(maxsize=64)
def _school_pattern(school_name: str) -> re.Pattern | None:
    core = re.sub(r"\b(?:primary|secondary|ce|c of e|church of england|junior|infant|school|academy)\b", "",
                  school_name, flags=re.IGNORECASE).strip()
    if not core:
        return None
    return re.compile(r"\b" + r"\s+".join(re.escape(w) for w in core.split()) + r"\w*\b", re.IGNORECASE)


def _is_cap(tok: Token) -> bool:
    return tok.text[:1].isupper()


def _own_child(toks: list[Token], i: int) -> bool:
    """'my son Olly', 'my youngest, Olly', 'our Olly' (northern usage for one's own family)."""
    back = [t.lower for t in toks[max(0, i - 3) : i]]
    if back[-1:] == ["our"]:
        return True
    if toks[i].lower.endswith(("'s", "’s")) and i + 1 < len(toks) and toks[i + 1].lower in PARENT_WORDS:
        # The poster introducing themself: "hiya, it's Jack's mam", "Jayden's dad here".
        if back[-1:] in (["it's"], ["its"], ["it’s"]) or back[-2:] in (["it", "is"], ["this", "is"]):
            return True
        if i + 2 < len(toks) and toks[i + 2].lower == "here":
            return True
        # Signing off: "... handed it in, from Coral's mam", "love, Jack's dad".
        if back[-1:] in (["from"], ["love"], ["x"], ["-"]) and i + 2 >= len(toks):
            return True
    if "my" in back or "our" in back:
        pos = max(j for j, w in enumerate(back) if w in ("my", "our"))
        between = back[pos + 1 :]
        return bool(between) and all(w in OWN_CHILD for w in between)
    return False


def _no_capitals(toks: list[Token]) -> bool:
    """A post written all in lower case (acronyms such as "PTA" and "I" aside): capitals say nothing in it."""
    return not any(t.text[:1].isupper() and not t.text.isupper() for t in toks)


def _lower_cue(toks: list[Token], i: int) -> bool:
    """A strong person cue beside a lower-case word-name: "what sorrel wrote", "told scout", "clover's mum"."""
    prev = toks[i - 1].lower if i > 0 else ""
    nxt = toks[i + 1].lower if i + 1 < len(toks) else ""
    if toks[i].text.lower().endswith(("'s", "’s")):
        return nxt in POSSESSED
    return prev in LOWER_PREV or nxt in STRONG_NEXT


_PRONOUN_RE = re.compile(r"(?i)\b(?:he|she|him|her|his|hers|himself|herself)\b")
_PRONOUNS = {"he", "she", "him", "her", "his", "they", "it", "you", "we", "i"}


def _pronoun_cue(text: str, word: str, nxt: str) -> bool:
    """A capitalised lexicon word-name in a post that speaks of "he"/"she" is the child ("Bracken got sent out
    again, his mam says"); a field of bracken is never "she". Not for the hand list's "Will"/"May" ("Will she
    come?"), and not when a pronoun follows the name."""
    return word not in NAME_WORDS and (nxt not in _PRONOUNS or nxt == "he" or nxt == "she") \
        and _PRONOUN_RE.search(text) is not None


# Before a capitalised word, these make it the thing, not a child: "the Scout hut", "a Merry Christmas",
# "an absolute Legend", "her Scout badge".
# ("that Moss", "that Pepper woman" are people: a demonstrative is not on the list.)
_THING_PREV = {"the", "a", "an", "some", "any", "no", "every", "each", "my", "your",
               "his", "her", "their", "its", "absolute", "proper", "real", "total", "utter", "such", "what", "big",
               "annual", "new", "old", "our"}


# Articles before a lone first name make it a thing, whatever the word ("the ghyll", "a Merlin show").
_ARTICLES = {"the", "a", "an", "some", "any", "every", "each", "its"}


def _proper_mid_sentence(toks: list[Token], i: int, word: str) -> bool:
    """A lexicon word-name capitalised in the middle of a sentence, in a post that capitalises normally, is a
    name ("so proud of Scout today", "stop letting Chance play out") unless a determiner or adjective stands
    before it or another capitalised word follows it ("the Scout hut", "Merry Christmas", "Flint Castle").
    Not for the hand list, whose words ("Will", "May", "Hope") keep the stricter person-cue rule."""
    if word in NAME_WORDS or toks[i].text.isupper():
        return False
    prev = toks[i - 1].lower if i > 0 else ""
    if prev in _THING_PREV:
        return False
    if i + 1 < len(toks) and toks[i + 1].text[:1].isupper():
        return False
    caps = sum(1 for t in toks if t.text[:1].isupper())
    return not (len(toks) >= 4 and caps * 2 >= len(toks))  # Title Case Posters Capitalise Everything


# Past tenses and present verbs of what children do, after a sentence-initial lexicon word-name.
_ACTS = {"ran", "runs", "went", "goes", "came", "comes", "got", "gets", "took", "takes", "gave", "left", "fell", "sat",
         "stood", "wants", "needs", "loves", "hates", "won", "lost", "broke", "ate", "drew", "swam", "refuses",
         "won't", "can't", "didn't", "doesn't", "never", "always", "just", "still", "really"}


def _acts(toks: list[Token], i: int, word: str) -> bool:
    """"Flint ran off at pick-up", "Legend got sent home", "Clover started it": a sentence-initial lexicon word
    followed by a verb of doing. Not for the hand list ("Storm damaged the fence", "Hope needed")."""
    if word in NAME_WORDS or i + 1 >= len(toks):
        return False
    nxt = toks[i + 1].lower
    return nxt in _ACTS or (len(nxt) > 4 and nxt.endswith("ed") and nxt not in _NOT_ACTS)


# "-ed" words after a capitalised word that are adjectives or nouns, not what a child did.
_NOT_ACTS = {"needed", "wanted", "required", "booked", "cancelled", "closed", "postponed", "reopened", "planned",
             "arranged", "based", "themed", "shaped", "coloured", "flavoured", "scented", "related", "inspired"}


def _and_my(toks: list[Token], i: int) -> bool:
    """"Sorrel and my daughter fell out": a word-name beside the poster's own child is a child."""
    return (i + 2 < len(toks) and toks[i + 1].lower == "and"
            and toks[i + 2].lower in {"my", "our", "his", "her", "their", "i", "me"})


def _person_context(toks: list[Token], i: int, j: int) -> bool:
    """Tokens i..j-1 form a candidate name; is there a person cue beside it?"""
    prev = toks[i - 1].lower if i > 0 else ""
    nxt = toks[j].lower if j < len(toks) else ""
    if toks[j - 1].text.lower().endswith(("'s", "’s")):
        return True
    return prev in PREV_PERSON or nxt in NEXT_PERSON


def _roster_mentions(text, toks, starts, idx: NameIndex, taken: set[int], author) -> list[Mention]:
    out: list[Mention] = []
    i = 0
    n = len(toks)
    first_words = idx.first_words
    while i < n:
        hit = None
        w0 = toks[i].lower
        if w0 not in first_words and ("'" not in w0 and "’" not in w0 or _norm(w0) not in first_words):
            if not toks[i].text[:1].isupper():
                i += 1
                continue
            sizes = range(0)
        else:
            sizes = range(min(idx.max_len, n - i), 0, -1)
        for size in sizes:
            key = tuple(_norm(t.text) if k == size - 1 else t.lower.replace("’", "'") for k, t in enumerate(toks[i : i + size]))
            entries = idx.table.get(key)
            if entries:
                hit = (size, entries)
                break
        if hit is None:
            fz = _fuzzy(toks, i, idx, starts)
            if fz is not None:
                size, entries, conf = fz
                m = _make(text, toks, i, size, entries, "fuzzy", conf, author)
                if m is not None:
                    out.append(m)
                    taken.update(range(i, i + size))
                i += size
                continue
            i += 1
            continue
        size, entries = hit
        kind = _best_kind(entries)
        conf = _KIND_CONFIDENCE.get(kind, 0.85)
        if size == 1:
            word = _norm(toks[i].text)
            # A lone surname is a person only when capitalised ("Hughes said"), never "hall"/"wood".
            ambiguous = word in idx.word_names
            prev_tok = toks[i - 1] if i > 0 else None
            if kind == "surname" and not ambiguous and not _is_cap(toks[i]):
                i += 1
                continue
            if (ambiguous or kind == "surname") and prev_tok is not None and _is_cap(prev_tok) \
                    and prev_tok.lower.rstrip(".") not in TITLES and prev_tok.lower not in PREV_PERSON:
                # "Stokes Wood", "Epping Forest": part of a longer proper noun, not this person.
                if not _known_word(idx, prev_tok):
                    i += 1
                    continue
            if prev_tok is not None and prev_tok.lower in _ARTICLES:
                # "the ghyll behind the church", "roll on the Oscars": a first name after an article is a thing.
                i += 1
                continue
            if toks[i].start > 0 and text[toks[i].start - 1] == "@" and all(e.person.role == "pupil" for e in entries):
                # "@buddy ha yes": a group member addressed by their handle, never a pupil.
                i += 1
                continue
            full_fz = None
            if ambiguous and kind in ("first", "alias") and _is_cap(toks[i]) and i + 1 < n and _is_cap(toks[i + 1]):
                full_fz = _fuzzy_full(toks, i, idx)  # "Clover Dixn": a misspelt full name is no word
            if full_fz is not None:
                size, entries, conf = full_fz
                kind = "fuzzy"
            elif ambiguous:
                # Ordinary word: needs capital, not sentence-initial (or a strong cue after it) and person context.
                if not _is_cap(toks[i]):
                    # Lower case says nothing only in a post written without capitals; a strong cue is needed.
                    if not (_no_capitals(toks) and _lower_cue(toks, i)):
                        i += 1
                        continue
                elif toks[i].text.isupper() and len(word) > 1 and word in STOP:
                    i += 1
                    continue
                initial = _is_cap(toks[i]) and toks[i].start in starts
                prev = toks[i - 1].lower if i > 0 else ""
                nxt = toks[i + 1].lower if i + 1 < n else ""
                if word in CALENDAR and (prev in MONTH_PREV or nxt.isdigit() or nxt in CALENDAR_NEXT):
                    i += 1
                    continue
                if not _is_cap(toks[i]):
                    pass  # the lower-case cue above
                elif initial:
                    strong = STRONG_NEXT if word in CALENDAR else STRONG_NEXT | {"is", "was", "has", "had"}
                    possessive = toks[i].text.lower().endswith(("'s", "’s"))
                    if possessive:
                        # "Heather's out on the fells", "Bracken's taken over": 's is "is"/"has" here.
                        possessive = nxt in POSSESSED
                    if nxt not in strong and not possessive and not _pronoun_cue(text, word, nxt) \
                            and not _and_my(toks, i) and not _acts(toks, i, word):
                        i += 1
                        continue
                elif word not in NAME_WORDS and prev in _THING_PREV:
                    i += 1  # "the Scout hut", "an absolute Legend"
                    continue
                elif not _person_context(toks, i, i + 1) and not _pronoun_cue(text, word, nxt) \
                        and not _proper_mid_sentence(toks, i, word):
                    i += 1
                    continue
                conf = min(conf, 0.7)
                kind = "ambiguous"
            elif word in STOP:
                i += 1
                continue
        # A name followed by a fuzzy surname ("Olly Benett") upgrades to a full-name mention.
        if size == 1 and i + 1 < n and kind in ("first", "alias") and _is_cap(toks[i + 1]):
            full = _fuzzy_full(toks, i, idx)
            if full is not None:
                size, entries, conf = full
                kind = "fuzzy"
        m = _make(text, toks, i, size, entries, kind, conf, author)
        if m is not None:
            out.append(m)
            taken.update(range(i, i + size))
        i += size
    return out


def _known_word(idx: NameIndex, tok: Token) -> bool:
    return (_norm(tok.text),) in idx.table


def _best_kind(entries: list[_Entry]) -> str:
    order = ["full", "title", "alias", "first", "surname"]
    return min((e.kind for e in entries), key=lambda k: order.index(k) if k in order else 9)


def _fuzzy(toks, i, idx: NameIndex, starts) -> tuple[int, list[_Entry], float] | None:
    tok = toks[i]
    word = _norm(tok.text)
    if len(word) < 4 or not _is_cap(tok) or word in STOP or is_name_word(word) or not idx.fuzzy_vocab:
        return None
    full = _fuzzy_full(toks, i, idx)
    if full is not None:
        return full
    # A lone misspelt word must be mid-sentence (a capital there means a proper noun) or titled.
    prev = toks[i - 1].lower.rstrip(".") if i > 0 else ""
    nxt = toks[i + 1].lower if i + 1 < len(toks) else ""
    if tok.start in starts and prev not in TITLES and nxt not in NEXT_PERSON:
        return None
    cutoff = 86 if len(word) <= 5 else 80
    best = process.extractOne(word, idx.fuzzy_vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
    if best is None:
        return None
    entries = [e for e in idx.table[(best[0],)] if e.kind in ("first", "alias", "full")]
    if not entries:
        return None
    return 1, entries, 0.55 + 0.3 * (best[1] - cutoff) / (100 - cutoff)


def _fuzzy_full(toks, i, idx: NameIndex) -> tuple[int, list[_Entry], float] | None:
    if i + 1 >= len(toks) or not idx.fuzzy_full_keys:
        return None
    a, b = toks[i], toks[i + 1]
    if not (_is_cap(a) or _is_cap(b)) or b.start - a.end > 2:
        return None
    pair = f"{a.lower} {_norm(b.text)}"
    best = process.extractOne(pair, idx.fuzzy_full_keys, scorer=fuzz.ratio, score_cutoff=85)
    if best is None:
        return None
    return 2, idx.fuzzy_full[best[0]], 0.75 + 0.2 * (best[1] - 85) / 15


def _make(text, toks, i, size, entries: list[_Entry], kind, conf, author) -> Mention | None:
    people = {e.person for e in entries}
    if author is not None and author in people:
        return None
    # Ambiguity between a pupil and an adult with the same first name: the pupil reading is the one the
    # policy cares about, but with less confidence.
    roles = {p.role for p in people}
    role = "pupil" if "pupil" in roles else sorted(roles)[0]
    if len(people) > 1 and kind not in ("full",):
        conf *= 0.9
    person = next(iter(people)) if len(people) == 1 else next(p for p in people if p.role == role)
    start, end = toks[i].start, toks[i + size - 1].end
    own = role == "pupil" and _own_child(toks, i)
    return Mention(start, end, text[start:end], role, round(conf, 3), kind, person, own)


def _generic_mentions(text, toks, taken: set[int], found: list[Mention]) -> list[Mention]:
    """Identifiable people without a roster hit: 'Mr Hughes', 'the Year 4 teacher', 'Jake in Year 3'."""
    out: list[Mention] = []
    spans = [(m.start, m.end) for m in found]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in spans)

    # Each pattern runs only when its cheap necessary condition (a hint) is in the text.
    if _TITLE_HINT_RE.search(text) is not None:
        for m in TITLE_NAME_RE.finditer(text):
            if free(m.start(), m.end()):
                out.append(Mention(m.start(), m.end(), m.group(), "staff", 0.8, "title_unknown"))
                spans.append((m.start(), m.end()))
    if _ROLE_HINT_RE.search(text) is not None:
        for m in ROLE_RE.finditer(text):
            if free(m.start(), m.end()):
                out.append(Mention(m.start(), m.end(), m.group(), "staff", 0.6, "role"))
                spans.append((m.start(), m.end()))
    if _CHILD_HINT_RE.search(text) is None:
        return out
    for m in UNKNOWN_CHILD_RE.finditer(text):
        name = m.group(1)
        if name.lower() in STOP or name.lower() in NAME_WORDS or not name[0].isupper():
            continue
        s, e = m.start(1), m.end(1)
        if free(s, e):
            out.append(Mention(s, e, text[s:e], "pupil", 0.6, "unknown_child"))
            spans.append((s, e))
    return out
