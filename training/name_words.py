"""Words of the English lexicon that real text uses mostly as names: `schoolgate/judge/models/name_dominant.txt`.

    .venv/bin/python training/name_words.py          # rewrites the file; prints what changed

The judge's roster matcher (`schoolgate/judge/names.py`) treats a roster name that is also an ordinary English
word (a lemma of lemminflect's lexicon: "clover", "rocky", "scout", "chance") as ambiguous: it is a person only
when the text makes it one. Some lexicon entries are words in theory and names in practice ("harry", "peter",
"martin", "amir"); treating those as ambiguous would lose real mentions of very common names. This script
counts, in the public text sets of `../shared/data` (OLID, Davidson, Kaggle insults, Jigsaw subset, toxic
spans: about 53,000 real posts), how often each lexicon word is written in lower case and how often
capitalised in the middle of a sentence (posts mostly in capitals are skipped; the first word of each
sentence is skipped). A word seen capitalised at least MIN_CAP times and at least RATIO times as often as in
lower case is "name-dominant" and listed. Only the word list is written, never any of the text.
"""

from __future__ import annotations

import collections
import gzip
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import toxdata  # noqa: E402

OUT = HERE.parent / "schoolgate" / "judge" / "models" / "name_dominant.txt"
MIN_CAP = 5
RATIO = 2.5

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
SENT = re.compile(r"(?<=[.!?])\s+|\n+")


def lexicon() -> set[str]:
    from lemminflect import config

    with gzip.open(config.lemma_lu_fn, "rt", encoding="utf-8") as fh:
        return {w for w in (line.split(",", 1)[0] for line in fh) if w.isalpha() and w.islower()}


def counts(texts: list[str]) -> tuple[collections.Counter, collections.Counter]:
    low: collections.Counter = collections.Counter()
    cap: collections.Counter = collections.Counter()
    for t in texts:
        letters = [c for c in t if c.isalpha()]
        if not letters or sum(c.isupper() for c in letters) / len(letters) > 0.3:
            continue  # shouting: capitals say nothing
        for sent in SENT.split(t):
            for k, w in enumerate(WORD.findall(sent)):
                if k == 0 or len(w) < 2 or w.isupper():
                    continue
                w = w.removesuffix("'s")
                if w[0].isupper() and w[1:].islower():
                    cap[w.lower()] += 1
                elif w.islower():
                    low[w] += 1
    return low, cap


def main() -> None:
    texts = []
    for load in (toxdata.load_olid, toxdata.load_davidson, toxdata.load_insults, toxdata.load_jigsaw,
                 toxdata.load_spans):
        texts += [r.text for r in load()]
    low, cap = counts(texts)
    words = lexicon()
    dominant = sorted(w for w in words if cap[w] >= MIN_CAP and cap[w] >= RATIO * low[w])
    old = set(OUT.read_text(encoding="utf-8").split()) if OUT.exists() else set()
    header = (f"# Lexicon words used mostly as names: capitalised mid-sentence >= {MIN_CAP} times and >= {RATIO}x "
              f"lower case in {len(texts)} public posts. Made by training/name_words.py; do not edit.\n")
    OUT.write_text(header + "\n".join(dominant) + "\n", encoding="utf-8")
    new = set(dominant)
    print(f"{len(dominant)} name-dominant words of {len(words)} lexicon words -> {OUT}")
    if old - {"#"}:
        print("added:", sorted(new - old)[:50], "removed:", sorted(old - new)[:50])


if __name__ == "__main__":
    main()
