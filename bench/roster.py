"""Judge time per message against the school's roster size (issue 14, part 2): 12, 2,000 and 20,000 people.

    .venv/bin/python bench/roster.py [--sizes 12,2000,20000] [--texts 20] [--old-texts 3]

Runs against a throw-away SQLite database (the Stokes Wood seed policy, generated people), through
`policies.judging.judge_record` with the real judge, each message a different text naming people on the
roster. For each size it prints:

- `quick check`: the queries `roster_for` makes on every message to see whether people were added or
  removed (count, highest id);
- `full digest`: the read of every person's judge columns that `roster_for` makes when the quick check
  changed, or every `SCHOOLGATE_ROSTER_RECHECK_SECONDS` (30) to see edits in place;
- `School.roster()`: reading the roster into the judge's form (model instances);
- `old`: the judge handed a new roster object per message (`School.roster()` each time, as before the
  cache), so the judge's name index is rebuilt for every message;
- `first after change`: the first message after the roster changed (reads the roster, builds the index);
- `per message`: the following messages (the same roster object, the index reused): median and p95.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ("Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy Evie Elsie "
         "Charlotte Evelyn Sienna Sofia Daisy Phoebe Sophie Alice Harper Matilda Ruby Emilia Maya Millie Isabelle Eva Luna "
         "Jessica Arabella Elizabeth Maisie Aria Penelope Esme Chloe Layla Harriet Eliza Violet Erin Georgia Muhammad Noah "
         "Oliver George Leo Arthur Oscar Harry Archie Jack Henry Charlie Freddie Theodore Thomas Finley Theo Alfie Jacob "
         "William Isaac Tommy Joshua James Lucas Alexander Arlo Roman Teddy Edward Elijah Max Adam Mohammed Albie Ezra "
         "Louie Jude Reggie Sebastian Hugo Ollie Rory Ronnie Dylan Toby Reuben Jaxon Benjamin Frankie Elliot Otis Jenson "
         "Kai Zayn Ibrahim Ali Yusuf Aisha Fatima Zara Amira Maryam Hana Priya Anaya Arjun Rohan Ravi Kiran Olly Jake").split()
LAST = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans Walker White Roberts "
        "Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner Martin Cooper Hill Ward Hughes Moore Clark King Harrison "
        "Lewis Baker Lee Allen Morris Khan Scott Watson Davis Parker James Bennett Young Phillips Richardson Mitchell Bailey "
        "Carter Cook Singh Shaw Bell Collins Morgan Kelly Begum Miller Cox Marshall Simpson Anderson Ellis Adams Wilkinson "
        "Ward Chapman Ahmed Russell Mason Webb Rogers Gray Hunt Holmes Mills Owen Palmer Matthews Thomson Lloyd Fisher "
        "Barker Butler Stevens Jenkins Murphy Dixon Hussain Knight Pearson Fox Grant Price Hudson Reid Kaur Ali Saunders "
        "Payne Spencer Lawrence Bradley Dawson Pearce Howard Cole Porter Stone Burton Gibson Mason Hart Booth Ross Lane "
        "Francis Walsh Hunter Harvey Ferguson Murray Graham Barnes Kennedy Atkinson Shah Riley Newman Hamilton Gill").split()
LAST = list(dict.fromkeys(LAST))
TEMPLATES = [
    "{a} in {g} keeps pushing {b} at lunch, someone needs to sort it out ({n})",
    "Thank you to {a} for organising the cake stall, lovely afternoon number {n}",
    "{a} told my son that {b} is not allowed at the party, is that true? ({n})",
    "Does anyone know if {g} need their swimming kits on Tuesday? Asking for the {n}th time",
    "Mrs {s} has been brilliant with {a} this term, thank you ({n})",
    "I heard {a} was sent home again today, what is going on in {g}? ({n})",
]


def people(n: int, rng: random.Random) -> list[tuple[str, str, str, list[str]]]:
    """(name, kind, group, aliases) for n distinct people: pupils, their parents, staff and governors."""
    names = [f"{f} {s}" for f in FIRST for s in LAST]
    rng.shuffle(names)
    if n > len(names):
        names += [f"{f} {a}-{b}" for f in FIRST for a in LAST[:20] for b in LAST[20:40]]
    out = []
    for i, name in enumerate(names[:n]):
        kind = ("pupil", "parent", "pupil", "parent", "pupil", "parent", "pupil", "parent", "pupil", "staff")[i % 10]
        if i % 97 == 0:
            kind = "governor"
        group = f"Year {1 + i % 6}" if kind == "pupil" else ("Teacher" if kind == "staff" else "")
        aliases = [name.split()[0][:4]] if kind == "pupil" and i % 7 == 0 and len(name.split()[0]) > 5 else []
        out.append((name, kind, group, aliases))
    return out


def texts_for(roster, count: int, rng: random.Random, start: int) -> list[str]:
    pupils = [p for p in roster if p[1] == "pupil"] or roster
    staff = [p for p in roster if p[1] == "staff"] or roster
    out = []
    for n in range(start, start + count):
        a, b, s = rng.choice(pupils), rng.choice(pupils), rng.choice(staff)
        out.append(TEMPLATES[n % len(TEMPLATES)].format(a=a[0].split()[0], b=b[0], g=a[2] or "Year 3", s=s[0].split()[-1], n=n))
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="12,2000,20000")
    parser.add_argument("--texts", type=int, default=20, help="messages timed per size with the roster cached")
    parser.add_argument("--old-texts", type=int, default=3, help="messages timed per size with a new roster per message")
    args = parser.parse_args()

    os.environ["SCHOOLGATE_DATA_DIR"] = tempfile.mkdtemp(prefix="schoolgate-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    import django

    from schoolgate import datadir

    datadir.prepare()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from schoolgate.judge import names
    from schoolgate.policies.judging import judge_record, quick_signature, roster_signature
    from schoolgate.policies.loader import load_seed
    from schoolgate.schools.models import Person

    school = load_seed("stokes-wood")[0]
    rng = random.Random(14)
    builds = []
    real_init = names.NameIndex.__init__

    def counted_init(self, roster):
        started = time.perf_counter()
        real_init(self, roster)
        builds.append(time.perf_counter() - started)

    names.NameIndex.__init__ = counted_init
    judge_record(school, "Warming up the models.")  # loads the judge's models once, outside the timings

    print(f"{'people':>7} | {'quick check':>11} | {'full digest':>11} | {'School.roster()':>15} | {'index build':>11} | {'old (per message)':>17} | "
          f"{'first after change':>18} | {'per message p50':>15} | {'p95':>9} | index builds")
    text_no = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        Person.objects.filter(school=school).delete()
        generated = people(size, rng)
        Person.objects.bulk_create([Person(school=school, name=n, kind=k, group=g, aliases=a) for n, k, g, a in generated],
                                   batch_size=2000)
        quick = statistics.median(_timed(lambda: quick_signature(school)) for _ in range(9))
        digest = statistics.median(_timed(lambda: roster_signature(school)) for _ in range(5))
        read = statistics.median(_timed(school.roster) for _ in range(3))

        old = []
        for text in texts_for(generated, args.old_texts, rng, text_no):
            old.append(_timed(lambda t=text: judge_record(school, t, roster=school.roster())))
        text_no += args.old_texts

        Person.objects.filter(school=school).order_by("pk").first().save()  # a change: updated_at moves
        builds.clear()
        texts = texts_for(generated, args.texts + 1, rng, text_no)
        text_no += args.texts + 1
        first = _timed(lambda t=texts[0]: judge_record(school, t))
        build = builds[0] if builds else 0.0
        times = [_timed(lambda t=t: judge_record(school, t)) for t in texts[1:]]
        p95 = sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{size:>7,} | {ms(quick):>11} | {ms(digest):>11} | {ms(read):>15} | {ms(build):>11} | {ms(statistics.median(old)):>17} | "
              f"{ms(first):>18} | {ms(statistics.median(times)):>15} | {ms(p95):>9} | {len(builds)} for {len(texts)} messages")


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
