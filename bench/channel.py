"""School channel benchmark: render time of the review queue with 1,000 pending items, and the judge's
added latency when a parent submits a comment.

    .venv/bin/python bench/channel.py [--items 1000] [--runs 15]

Runs against a throw-away SQLite database in a temporary directory (the seed schools and demo people),
through Django's test client, so the numbers include the ORM, templates and the `school_view` checks.

Queue: 1,000 pending comments (a mix of clean and flagged texts, each with a real stored verdict) from
20 parents; the queue page (first page of 50, highest risk first, with each author's history) is
rendered `--runs` times as the office user; we report the median and p95 time and the number of SQL
queries (constant in the number of items: the histories are fetched in batches).
Judge latency: the comment POST timed with the real judge and with the judge replaced by a stored
verdict; the difference of the medians is what the judge adds for the parent. The first (cold) call,
which loads the models, is reported separately.
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

TEXTS = [
    "Thank you, looking forward to it!",
    "Will there be a cake stall this year?",
    "Mr Hughes is a useless teacher and everyone knows it",
    "This school is a joke, nobody ever listens to parents",
    "Lovely to see the children so happy at the concert.",
    "Can someone tell me when the trip money is due?",
    "The head has ruined this school and should be sacked",
    "Great work Year 4, well done everyone.",
]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="schoolgate-bench-")
    os.environ["SCHOOLGATE_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    from schoolgate import datadir

    datadir.prepare()
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from schoolgate.channel import posts
    from schoolgate.channel.models import Comment, ReviewItem
    from schoolgate.channel.triage import DECISION_RISK
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build
    from schoolgate.schools.models import Membership, School

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()
    User = get_user_model()
    school = School.objects.get(slug="stokes-wood")
    head = User.objects.get(username="head@stokes-wood.demo")
    post = posts.submit_post(school, author=head, text="Sports day is on Friday from 1.30pm on the school field.", audience="school")

    # --- judge latency on comment submit -------------------------------------------------------
    parent = Client()
    parent.force_login(User.objects.get(username="parent@stokes-wood.demo"))
    url = f"/stokes-wood/channel/posts/{post.pk}/comment/"

    def submit(text):
        start = time.perf_counter()
        response = parent.post(url, {"text": text})
        assert response.status_code == 302, response.status_code
        return time.perf_counter() - start

    cold = submit(TEXTS[2])  # loads the judge's models
    with_judge = [submit(TEXTS[i % len(TEXTS)]) for i in range(args.runs * 2)]
    stored = posts.run_judge(school, TEXTS[2])
    real = posts.run_judge
    posts.run_judge = lambda *a, **k: stored
    try:
        without = [submit(TEXTS[i % len(TEXTS)]) for i in range(args.runs * 2)]
    finally:
        posts.run_judge = real
    live = []
    checker = Client()
    checker.force_login(User.objects.get(username="parent@stokes-wood.demo"))
    for i in range(args.runs * 2):
        start = time.perf_counter()
        checker.post("/stokes-wood/channel/check/", {"text": TEXTS[i % len(TEXTS)]})
        live.append(time.perf_counter() - start)

    # --- the queue with N pending items ----------------------------------------------------------
    Comment.objects.all().delete()
    ReviewItem.objects.all().delete()
    verdicts = [posts.run_judge(school, t) for t in TEXTS]
    parents = []
    for i in range(20):
        u = User.objects.create_user(username=f"bench-parent-{i}@example.org", first_name="Parent", last_name=str(i))
        Membership.objects.create(user=u, school=school, role="parent")
        parents.append(u)
    comments = Comment.objects.bulk_create([
        Comment(post=post, school=school, author=parents[i % 20], author_label=f"Parent {i % 20}", text=TEXTS[i % len(TEXTS)],
                original_text=TEXTS[i % len(TEXTS)], verdict=verdicts[i % len(TEXTS)])
        for i in range(args.items)
    ])
    ReviewItem.objects.bulk_create([
        ReviewItem(school=school, kind="comment", comment=c, author=c.author, author_label=c.author_label, text=c.text, verdict=c.verdict,
                   risk=DECISION_RISK[c.verdict["decision"]], score=max((f["score"] for f in c.verdict["findings"]), default=0))
        for c in comments
    ])
    office = Client()
    office.force_login(User.objects.get(username="office@stokes-wood.demo"))
    office.get("/stokes-wood/queue/")  # warm templates
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        response = office.get("/stokes-wood/queue/")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    queries = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)):
        body = office.get("/stokes-wood/queue/").content.decode()
    shown = body.count('class="card review-item"')
    item = ReviewItem.objects.filter(status="pending").order_by("-risk", "-created_at").first()
    detail = []
    for _ in range(args.runs):
        start = time.perf_counter()
        office.get(f"/stokes-wood/queue/{item.pk}/")
        detail.append(time.perf_counter() - start)

    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    print(f"Review queue, {ReviewItem.objects.filter(status='pending').count()} pending items ({shown} on the first page), {args.runs} renders:")
    print(f"  queue page   median {ms(statistics.median(times))}, p95 {ms(percentile(times, 95))}, {len(queries)} SQL queries")
    print(f"  item page    median {ms(statistics.median(detail))}")
    print(f"Comment submit ({len(with_judge)} submissions each):")
    print(f"  with the judge     median {ms(statistics.median(with_judge))}, p95 {ms(percentile(with_judge, 95))}")
    print(f"  judge replaced     median {ms(statistics.median(without))}, p95 {ms(percentile(without, 95))}")
    print(f"  judge adds         {ms(statistics.median(with_judge) - statistics.median(without))} (median); first call, loading the models: {ms(cold)}")
    print(f"Live check (htmx, per keystroke pause): median {ms(statistics.median(live))}, p95 {ms(percentile(live, 95))}")
    print(f"(temporary database in {tmp})")


if __name__ == "__main__":
    main()
