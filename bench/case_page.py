"""The case page with 200 evidence items, 200 notes, the steps and letters (issue 14, part 2): <= 300 ms.

    .venv/bin/python bench/case_page.py [--items 200] [--notes 200] [--runs 10]

Builds a throw-away SQLite database (both seed schools, the demo people), opens one case at Stokes Wood and
adds the items (text evidence, every third one with a finding), the notes (half private), every step of
the procedure done, and a letter sent; then times GET of the case page and of its chronology as the DSL,
through Django's test client (the whole view, template and queries; no network). Prints the median, p95,
the number of SQL queries and the page's size. A small judge stands in for the real one while the case is
built (the page itself never calls the judge).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QuickJudge:
    """Finds "liar" as an allegation, instantly: the bench times the page, not the judge."""

    def analyse(self, text, policy, roster=None, *, author=None):
        from schoolgate.judge.types import Finding, Verdict

        findings = []
        at = text.find("liar")
        if at >= 0:
            clauses = policy.clauses_for("allegation")
            findings.append(Finding(category="allegation", clause=clauses[0].id if clauses else None, score=0.9,
                                    start=at, end=at + 4, quote="liar", breach=bool(clauses)))
        return Verdict(decision="block" if findings else "allow", explanation="bench", scores={}, findings=findings)

    def analyse_batch(self, texts, policy, roster=None, *, authors=None):
        return [self.analyse(t, policy, roster) for t in texts]


def build(items: int, notes: int):
    from django.contrib.auth import get_user_model

    from schoolgate.cases.evidence_changes import add_evidence_text
    from schoolgate.cases.ladder import ladder_for
    from schoolgate.cases.letters import draft_letter, send_letter
    from schoolgate.cases.notes import add_note
    from schoolgate.cases.opening import open_case
    from schoolgate.cases.steps import take_step
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build as build_people

    schools = {slug: load_seed(slug)[0] for slug in SEED_SLUGS}
    build_people()
    school = schools["stokes-wood"]
    users = get_user_model().objects
    head, parent = users.get(username="head@stokes-wood.demo"), users.get(username="parent@stokes-wood.demo")
    case = open_case(school, opened_by=head, concern="Posts about staff in a parents' group", parent_user=parent,
                     evidence_text="Mr Hughes is a liar.", evidence_label="Facebook post")
    for n in range(1, items):
        text = f"Post {n}: " + ("Mr Hughes is a liar and everyone knows it. " if n % 3 == 0 else "The trip was cancelled again. ") * 3
        add_evidence_text(case, text=text, label=f"Screenshot {n}", added_by=head)
    for n in range(notes):
        add_note(case, text=f"Note {n}: spoke to the parent on the phone about the posts.", author=head, private=n % 2 == 0)
    letter_sent = False
    for row in ladder_for(case):
        try:
            if not letter_sent:
                send_letter(draft_letter(case, step_id=row.step.step_id, actor=head), actor=head)
                letter_sent = True
            take_step(case, step_id=row.step.step_id, actor=head, outcome="Done as the policy asks")
        except Exception:  # noqa: BLE001 - a step that is not open yet for this case is simply left
            pass
    return school, case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="print where the case page's time goes")
    args = parser.parse_args()
    os.environ["SCHOOLGATE_DATA_DIR"] = tempfile.mkdtemp(prefix="schoolgate-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    import django

    from schoolgate import datadir

    datadir.prepare()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    settings.SCHOOLGATE_JUDGE = QuickJudge()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    school, case = build(args.items, args.notes)
    print(f"built {case.reference}: {case.evidence.count()} evidence items, {case.notes.count()} notes, "
          f"{case.step_actions.count()} steps, {case.letters.count()} letter(s) in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(django.contrib.auth.get_user_model().objects.get(username="dsl@stokes-wood.demo"))
    if args.profile:
        import cProfile
        import pstats

        url = reverse("cases:detail", args=[school.slug, case.pk])
        client.get(url)
        with cProfile.Profile() as profile:
            client.get(url)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    for name in ("detail", "chronology"):
        url = reverse(f"cases:{name}", args=[school.slug, case.pk])
        client.get(url)  # templates compiled, caches warm
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{name:<11} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
              f"{len(queries.captured_queries):4d} queries  {len(response.content) / 1024:6.0f} KiB")


if __name__ == "__main__":
    main()
