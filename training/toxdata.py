"""Loads the public toxicity data sets and defines the fixed validation split.

Shared by `training/train_toxicity.py` (which never sees the validation part) and
`bench/judge_toxicity.py` (which scores only the validation part), so both always agree on
which rows are held back.

Split rule (documented in training/README.md): within each data set, rows are grouped by a
stratum (their label), each group is shuffled with `random.Random(f"{SEED}:{dataset}:{stratum}")`
in file order, and the first `VAL_FRACTION` of each group is validation. The seed and the file
order are the whole definition; nothing random is left at run time.

Reads with the standard library only (csv + lzma); pandas is not a dependency.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import lzma
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
HERE = Path(__file__).resolve().parent

SEED = 20240611
VAL_FRACTION = 0.2
CATS = ("abuse", "threat", "hate", "obscene", "harassment")

csv.field_size_limit(sys.maxsize)



def char_f1(pred: set[int], gold: set[int]) -> float:
    """SemEval-2021 Task 5's score for one post: F1 of character offsets; a post with no gold span scores
    1 for no predicted span and 0 otherwise."""
    if not gold:
        return 1.0 if not pred else 0.0
    if not pred:
        return 0.0
    tp = len(pred & gold)
    if not tp:
        return 0.0
    p, r = tp / len(pred), tp / len(gold)
    return 2 * p * r / (p + r)

@dataclass
class Row:
    dataset: str
    id: str
    text: str
    # category -> 1 / 0; a category absent from the dict is unknown for this row (not trained on).
    labels: dict[str, int] = field(default_factory=dict)
    offensive: int | None = None  # OLID-style OFF (1) / NOT (0); None when unknown
    spans: list[int] | None = None  # toxic character offsets (toxic spans set only)
    stratum: str = ""


def _open(path: Path):
    return io.TextIOWrapper(lzma.open(path), encoding="utf-8", newline="")


_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")


def tweet_clean(text: str) -> str:
    """Davidson tweets: make them look like OLID (mentions -> @USER, links -> URL, no RT)."""
    text = html.unescape(text)
    text = _URL.sub("URL", text)
    text = _MENTION.sub("@USER", text)
    text = re.sub(r"^(?:[!\s\"]*RT\s+)", "", text)
    return text


def _unescape_insult(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
    try:
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return text


def load_olid() -> list[Row]:
    rows = []
    with _open(DATA / "olid2019" / "olid-training-v1.0.tsv.xz") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            a, b, c = r["subtask_a"], r["subtask_b"], r["subtask_c"]
            off = int(a == "OFF")
            if not off:
                labels = {k: 0 for k in CATS}
            else:
                # Targeted insults are abuse; untargeted profanity is not abuse (it is not aimed at
                # anyone) and counts as obscene; an insult aimed at one person is harassment.
                labels = {
                    "abuse": int(b == "TIN"),
                    "harassment": int(c == "IND"),
                }
                if b == "UNT":
                    labels["obscene"] = 1
                    labels["hate"] = 0
            rows.append(Row("olid", r["id"], r["tweet"], labels, off, stratum=f"{a}{b}{c}"))
    return rows


def load_davidson() -> list[Row]:
    rows = []
    with _open(DATA / "davidson2017" / "labeled_data.csv.xz") as fh:
        for r in csv.DictReader(fh):
            cls = r["class"]
            hate_votes = int(r["hate_speech"])
            if cls == "2":
                labels = {k: 0 for k in CATS}
                off = 0
            elif cls == "0":
                # Majority hate: identity hate, abusive; a clear majority only (the set is noisy).
                labels = {"hate": 1, "abuse": 1}
                off = 1
            else:
                # "Offensive language": mostly vulgar slurs and sexual language, rarely identity hate.
                labels = {"obscene": 1, "hate": 0 if hate_votes == 0 else None}
                labels = {k: v for k, v in labels.items() if v is not None}
                off = 1
            rows.append(Row("davidson", r[""], tweet_clean(r["tweet"]), labels, off, stratum=cls))
    return rows


def load_insults() -> list[Row]:
    rows = []
    with _open(DATA / "insults2012" / "train.csv.xz") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            ins = int(r["Insult"])
            text = _unescape_insult(r["Comment"])
            # Insults in this set are aimed at another person in the conversation.
            labels = {"abuse": ins, "harassment": ins}
            if not ins:
                labels.update(threat=0, hate=0)
            rows.append(Row("insults", str(i), text, labels, ins if ins else None, stratum=str(ins)))
    return rows


def load_jigsaw() -> list[Row]:
    rows = []
    with _open(DATA / "jigsaw2018_subset" / "train.csv.xz") as fh:
        for r in csv.DictReader(fh):
            v = {k: int(r[k]) for k in ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")}
            labels = {
                "threat": v["threat"],
                "hate": v["identity_hate"],
                "obscene": v["obscene"],
                "abuse": int(v["insult"] or v["identity_hate"]),
                "harassment": int(v["insult"]),
            }
            if v["toxic"] and not (v["insult"] or v["identity_hate"]):
                del labels["abuse"]  # toxic but no insult flag: could be either
            strat = "".join(str(x) for x in v.values())
            rows.append(Row("jigsaw", r["id"], r["comment_text"], labels, int(v["toxic"] or any(v.values())), stratum=strat if sum(v.values()) else "0"))
    # very rare strata would never reach validation; fold them into "toxic".
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.stratum] = counts.get(r.stratum, 0) + 1
    for r in rows:
        if counts[r.stratum] < 5:
            r.stratum = "rare" + str(r.labels.get("threat", 0))
    return rows


def load_spans() -> list[Row]:
    rows = []
    for name in ("tsd_train.csv.xz", "tsd_trial.csv.xz"):
        with _open(DATA / "toxic_spans2021" / name) as fh:
            for i, r in enumerate(csv.DictReader(fh)):
                spans = ast.literal_eval(r["spans"])
                rows.append(Row("spans", f"{name.split('.')[0]}:{i}", r["text"], {}, None, spans, stratum=str(bool(spans))))
    return rows


def _lines(name: str) -> list[str]:
    out = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def load_benign() -> list[Row]:
    """Our own benign school sentences (training/benign_school.txt)."""
    return [Row("benign", str(i), t, {k: 0 for k in CATS}, 0, stratum="0") for i, t in enumerate(_lines("benign_school.txt"))]


def load_school_positives() -> list[Row]:
    """Our own school-context positives (training/school_positives.txt): `cat[,cat] <TAB> text`."""
    rows = []
    for i, line in enumerate(_lines("school_positives.txt")):
        cats, text = line.split("\t", 1)
        pos = set(cats.split(","))
        labels = {k: int(k in pos) for k in CATS}
        rows.append(Row("school_pos", str(i), text.strip(), labels, 1, stratum=cats))
    return rows


def own_split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """Our own sentences: every third line (index % 3 == 0) is held out for measuring."""
    val = [r for r in rows if int(r.id) % 3 == 0]
    train = [r for r in rows if int(r.id) % 3 != 0]
    return train, val


def split(rows: list[Row], dataset: str) -> tuple[list[Row], list[Row]]:
    groups: dict[str, list[Row]] = {}
    for r in rows:
        groups.setdefault(r.stratum, []).append(r)
    val_ids = set()
    for stratum in sorted(groups):
        g = list(groups[stratum])
        random.Random(f"{SEED}:{dataset}:{stratum}").shuffle(g)
        k = int(round(len(g) * VAL_FRACTION))
        val_ids.update(r.id for r in g[:k])
    return [r for r in rows if r.id not in val_ids], [r for r in rows if r.id in val_ids]


LOADERS = {
    "olid": load_olid,
    "davidson": load_davidson,
    "insults": load_insults,
    "jigsaw": load_jigsaw,
    "spans": load_spans,
}


def load_all() -> dict[str, tuple[list[Row], list[Row]]]:
    """{dataset: (train_rows, validation_rows)} for every public set and our own sentences."""
    out = {name: split(fn(), name) for name, fn in LOADERS.items()}
    out["benign"] = own_split(load_benign())
    out["school_pos"] = own_split(load_school_positives())
    return out


def classification_rows(data: dict) -> list[Row]:
    """The training split of every labelled set plus the generated sentences (train_toxicity.py and finetune_toxicity.py)."""
    import tox_templates  # the generated sentences; imported here so the bench can use this module without them

    rows: list[Row] = []
    for name, (train, _val) in data.items():
        if name != "spans":
            rows.extend(train)
    # Generated rows train the categories only, never the OLID-style "offensive" head (offensive=None).
    for i, t in enumerate(tox_templates.threats(500)):
        rows.append(Row("template", f"threat{i}", t, {"threat": 1, "abuse": 0 if i % 3 else 1, "hate": 0, "obscene": 0}, None))
    for i, t in enumerate(tox_templates.idioms(400)):
        rows.append(Row("template", f"idiom{i}", t, {k: 0 for k in CATS}, None))
    for i, t in enumerate(tox_templates.neutral_plans(300)):
        rows.append(Row("template", f"plan{i}", t, {k: 0 for k in CATS}, None))
    for i, t in enumerate(tox_templates.hate(400)):
        rows.append(Row("template", f"hate{i}", t, {"hate": 1, "abuse": 1, "threat": 0, "obscene": 0}, None))
    for i, t in enumerate(tox_templates.group_neutral(200) + tox_templates.uk_innocent(200)):
        rows.append(Row("template", f"neutral{i}", t, {k: 0 for k in CATS}, None))
    for i, t in enumerate(tox_templates.harassment(300)):
        rows.append(Row("template", f"harass{i}", t, {"harassment": 1, "threat": 0, "hate": 0, "obscene": 0}, None))
    for i, t in enumerate(tox_templates.together(150)):
        rows.append(Row("template", f"together{i}", t, {k: 0 for k in CATS}, None))
    return rows
