"""Text plumbing shared by the detectors: word tokens with offsets and sentence spans.

Everything works on character offsets into the original text so every finding's span is exact
(`text[start:end] == quote`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Words incl. inner apostrophes/hyphens ("Olly's", "o'clock", "Smith-Jones"); both ' and ’.
WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9]+(?:['’\-][A-Za-zÀ-ÖØ-öø-ÿ0-9]+)*")
# [^\W_] is exactly str.isalnum() (re's \w is the alphanumerics plus "_").
_ALNUM_RE = re.compile(r"[^\W_]")
# A sentence ends at . ! ? or a newline, followed by space/end; "Mr." / "Mrs." are not ends.
_SENT_END_RE = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bMx)[.!?…]+[\"'”’)]*(?=\s|$)|\n+")


@dataclass(slots=True)
class Token:
    """A word and its offsets; `lower` is computed once (the name finder reads it many times)."""

    text: str
    start: int
    end: int
    index: int
    lower: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.lower = self.text.lower()


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end(), i) for i, m in enumerate(WORD_RE.finditer(text))]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, stripped of surrounding white space; never empty for non-blank text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END_RE.finditer(text):
        end = m.end() if m.group().strip() else m.start()
        _add(text, pos, end, spans)
        pos = m.end()
    _add(text, pos, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _ALNUM_RE.search(text, start, end) is not None:
        out.append((start, end))


_CHAT_START_RE = re.compile(r"(?:^|[:\-–•\n])\s*([A-Za-z])")


def sentence_starts(text: str) -> set[int]:
    """Offsets at which a sentence begins (so a capital letter there says nothing about a name)."""
    starts = {s for s, _ in sentences(text)}
    # Chat lines like "Sarah: Will is coming" or "- Will you" also start afresh after ':' / '-' / emoji.
    for m in _CHAT_START_RE.finditer(text):
        starts.add(m.start(1))
    return starts


def strip_possessive(word: str) -> tuple[str, int]:
    """("Olly's" -> "Olly", 2); ("James'" is not produced by WORD_RE, the ' is outside the token)."""
    low = word.lower()
    if low.endswith(("'s", "’s")):
        return word[:-2], 2
    return word, 0
