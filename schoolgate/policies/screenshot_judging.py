"""A screenshot's messages through the one door to the judge (`judging.judge_record`), each with its author
as the judge's author when the name on the screenshot is on the roster.

Used by the `read-screenshot` command, by case evidence (`cases.screenshots`) and by the staff "check a
text" page. Reading the picture (`schoolgate.screens`) is CPU work of a second or more: callers read it
before any transaction, then judge, then write.
"""

from __future__ import annotations

import re
import unicodedata

from schoolgate.judge.types import Person, Roster
from schoolgate.screens import Reading

from .judging import judge_record, roster_for

# The keys of a finding in the judge's own CLI output (`judge.types.Finding.as_dict`).
CLI_FINDING_KEYS = ("category", "clause", "score", "start", "end", "quote")


def name_key(name: str) -> str:
    """A name as compared with the roster: case, accents, punctuation and "~ " prefixes do not count."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def match_author(name: str | None, roster: Roster) -> Person | None:
    """The one roster person whose name or alias is `name`; None if nobody, or more than one, is."""
    key = name_key(name or "")
    if not key:
        return None
    found = {p for p in roster.people if key in {name_key(p.name), *(name_key(a) for a in p.aliases)}}
    return found.pop() if len(found) == 1 else None


def judge_reading(school, reading: Reading, *, roster: Roster | None = None) -> list[dict]:
    """One record per message: the message as read (author, time, text, box, segments), the verdict record
    (`decision`, `explanation`, `scores`, `findings` with labels and clause text) and `on_roster`."""
    people = roster if roster is not None else roster_for(school)
    judged = []
    for message in reading.messages:
        author = match_author(message.author, people)
        record = judge_record(school, message.text, author=author, roster=people)
        judged.append({**message.as_dict(), **record, "on_roster": author is not None,
                       "author_role": author.role if author is not None else None})
    return judged


def cli_message(judged: dict) -> dict:
    """A judged message in the `read-screenshot` command's contract."""
    return {
        "author": judged["author"],
        "time": judged["time"],
        "text": judged["text"],
        "box": judged["box"],
        "decision": judged["decision"],
        "explanation": judged["explanation"],
        "findings": [{k: f.get(k) for k in CLI_FINDING_KEYS} for f in judged["findings"]],
    }
