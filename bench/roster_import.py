"""A 19,500-row roster import (13,000 pupils, 6,500 parents each linked to a child) as the worker runs it.

    nice -n 10 .venv/bin/python bench/roster_import.py

A throw-away SQLite database with the Stokes Wood policy. Prints the time to check the file (the page does
this before queuing), then the import's total time, its number of write transactions and the longest and
median of them: the write lock the rest of the school waits for (one 42 s transaction before issue 14).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ["SCHOOLGATE_DATA_DIR"] = tempfile.mkdtemp(prefix="schoolgate-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    from schoolgate import datadir

    datadir.prepare()
    import django

    django.setup()
    from django.core.management import call_command

    from schoolgate.policies.loader import load_seed
    from schoolgate.schools import background, roster

    call_command("migrate", verbosity=0)
    school = load_seed("stokes-wood")[0]
    lines = ["name,role,group,aliases"] + [f"Pupil {n:05d},pupil,Year {n % 6 + 1}," for n in range(13000)]
    lines += [f"Parent {n:05d},parent,pupil {n:05d}," for n in range(0, 13000, 2)]
    data = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    rows = roster.check_roster(school, data)
    print(f"check {len(rows):,} rows: {time.perf_counter() - started:.2f} s")
    spans = []
    real_atomic = roster.transaction.atomic

    class Timed:
        """Each write transaction of the import, timed from its start to its commit."""

        def __init__(self, *args, **kwargs):
            self.inner = real_atomic(*args, **kwargs)

        def __enter__(self):
            self.started = time.perf_counter()
            return self.inner.__enter__()

        def __exit__(self, *exc):
            result = self.inner.__exit__(*exc)
            spans.append(time.perf_counter() - self.started)
            return result

    roster.transaction.atomic = Timed
    job = background.create(school, kind="roster_import", title="bench", input_data=data)
    started = time.perf_counter()
    background.run(job.pk)
    total = time.perf_counter() - started
    job.refresh_from_db()
    spans.sort()
    print(f"{job.status}: {job.summary} total {total:.1f} s, {len(spans)} write transactions, "
          f"longest {spans[-1]:.2f} s, median {spans[len(spans) // 2]:.2f} s")


if __name__ == "__main__":
    main()
