"""`confidential`: contact details and sensitive facts about identifiable people.

- Phone numbers: Google's `phonenumbers` (`PhoneNumberMatcher`, region GB, POSSIBLE leniency): a number
  shaped like a real one is someone's number to the reader, whether or not it is allocated (VALID
  leniency missed Ofcom's drama range, 07700 900xxx, which people use when they write examples).
- UK postcodes: `uk-postcodes-parsing` (maintained; its pattern plus an offline check against the ONS
  Postcode Directory outcodes shipped in the package), with word boundaries added so that "abc12 3de"
  inside a longer token is not a postcode.
- E-mail addresses: a pattern for the common `local@domain.tld` shape (no library needed to *find* one).
- Street addresses: no maintained UK address parser exists that runs offline without native code
  (libpostal needs a 2 GB model download), so a documented pattern: house number, one to three
  capitalised words, a street-type word from Royal Mail's common thoroughfare descriptors.
- Sensitive facts (complaint outcomes, exclusions, SEN/EHCP, medical, social services): cue words here
  combined with the semantic "sensitive" head and a person mention, in `schoolgate.judge.__init__`.

Own details ("text me on 07700 900123", "we live at ...") score below the review threshold: sharing
your own number is not the school's concern; someone else's is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
STREET_TYPES = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Gardens|Gdns|Place|Pl|"
    "Terrace|Grove|Hill|Park|View|Rise|Walk|Mews|Row|Square|Sq|Green|Parade|Vale|Meadow|Meadows|Fold|Croft|Chase|Gate"
)
ADDRESS_RE = re.compile(
    r"\b(?:(?:flat|apartment|apt)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    r"(?:[A-Z][a-z'’]+\s+){1,3}(?:" + STREET_TYPES + r")\b\.?"
)
_DIGIT_RE = re.compile(r"\d")
_ANY_DIGIT_RE = re.compile(r"\d")
_POSTCODE_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}(?![A-Za-z0-9])")
_OWN_RE = re.compile(r"\b(?:i|we|my|me|mine|i'm|we're|our|us)\b", re.IGNORECASE)
_OTHER_RE = re.compile(
    r"\b(?:(?i:his|her|their|hers|theirs|he|she|they|him|them)\b|[A-Z][a-z]+['’]s\b|"
    r"(?!We\b|I\b)[A-Z][a-z]+s?\s+lives?\s+(?:at|on|in)\b|(?i:teacher|head|mum|dad|family)['’]?s?\b)"
)


SENSITIVE_CUE_RE = re.compile(
    r"\b(?:ehcp|ehc plan|statement(?:ed)? of (?:special )?(?:educational )?needs|sen(?:d)?\b|sen register|"
    r"special (?:educational )?needs|autis\w*|asd|adhd|dyslexi\w*|dyspraxi\w*|diagnos\w*|medication|meds|"
    r"epilep\w*|diabet\w*|cancer|leukaemia|depress\w*|anxiety|mental health|self.?harm\w*|camhs|"
    r"social services|social worker|child protection|cp plan|looked.?after|foster\w*|in care|"
    r"excluded|exclusion|expelled|suspended|suspension|upheld|outcome of (?:my|the|our) complaint|"
    r"disciplin\w*|investigat\w*|(?:final|formal|written|verbal) warning|sacked|dismissed|prison|jail|arrested|pregnan\w*|"
    r"miscarriage|divorc\w*|on benefits|free school meals|signed off|sick leave|counsell\w*|therapy)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hit:
    kind: str  # phone, email, postcode, address
    start: int
    end: int
    score: float


def _ownership(text: str, start: int, end: int, people: list[tuple[int, int]] = ()) -> float:
    """Score by whose detail it looks like, from the 50 characters before it."""
    before = text[max(0, start - 50) : start]
    # The nearer cue wins: "my neighbour's number" is someone else's, "her son gave me my number" is mine.
    other = max([m.end() for m in _OTHER_RE.finditer(before)] + [-1])
    own = max([m.end() for m in _OWN_RE.finditer(before)] + [-1])
    if any(start - 60 <= pe <= start for _, pe in people):
        other = max(other, len(before))
    if other >= 0 and other >= own:
        return 0.92
    if own >= 0:
        return 0.35
    return 0.7


def contact_details(text: str, people: list[tuple[int, int]] = ()) -> list[Hit]:
    """Contact details in `text`; `people` are (start, end) spans of person mentions (not the poster)."""
    hits: list[Hit] = []
    if "@" in text:
        for m in EMAIL_RE.finditer(text):
            hits.append(Hit("email", m.start(), m.end(), _ownership(text, m.start(), m.end(), people)))
    digits = len(_DIGIT_RE.findall(text)) if _ANY_DIGIT_RE.search(text) else 0
    if digits >= 7:
        import phonenumbers

        for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
            if len(_DIGIT_RE.findall(m.raw_string)) < 10:  # "call 1234567" is not a UK number
                continue
            hits.append(Hit("phone", m.start, m.end, _ownership(text, m.start, m.end, people)))
    if digits:
        for m in _POSTCODE_RE.finditer(text):
            if _is_postcode(m.group()):
                hits.append(Hit("postcode", m.start(), m.end(), _ownership(text, m.start(), m.end(), people)))
        for m in ADDRESS_RE.finditer(text):
            hits.append(Hit("address", m.start(), m.end(), _ownership(text, m.start(), m.end(), people)))
    return _dedupe(hits)


def _is_postcode(raw: str) -> bool:
    from uk_postcodes_parsing import parse

    pc = parse(raw)
    if pc is None:
        return False
    # Unknown to the ONS directory and written without a space ("ab12cd" in a username) is noise.
    return bool(pc.is_in_ons_postcode_directory) or (" " in raw.strip() and raw.isupper())


def _dedupe(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out


def sensitive_cues(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in SENSITIVE_CUE_RE.finditer(text)]
