"""Load on the real server (issue 14, part 4): parents reading and commenting, moderators working the queue.

    # many schools on PostgreSQL (a throw-away database: the bench adds its schools and people to it)
    DATABASE_URL=postgres://postgres@127.0.0.1:54331/load nice -n 10 .venv/bin/python bench/load.py \\
        [--schools 300] [--parents 300] [--web 1,2] [--tasks 1,2] [--duration 20]
    # the SQLite demo (`schoolgate demo` in a fresh data directory), without and with a large chat scan
    nice -n 10 .venv/bin/python bench/load.py --sqlite-demo [--duration 30] [--chat-messages 20000]

What it does:
- seeds N schools (the Stokes Wood policy, each its own published copy) x M parents/carers, an office
  moderator and the Headteacher per school, and one published post per school (a quick stand-in judge
  judges the seed posts; the server judges every comment with the real judge);
- for each web-worker count x task-worker count: starts `schoolgate serve --workers W` on 127.0.0.1 and W'
  `schoolgate worker` processes, queues two chat scans (so task workers have work), warms up, then drives
  the server from this process: R readers (the channel page, then a post), C commenters (a post page,
  then a comment) and K moderators (the review queue, then approving the first item), each a thread with
  its own log-in session, for a fixed time; stops everything;
- prints requests/s, p50/p95/p99 and errors (5xx and failed connections; 4xx counted apart) per kind and in
  all, and the chat-scan throughput (messages/s) of the task workers during the window.

Measuring issue 14's numbers (on a shared machine: when `uptime` is lowest, each run twice, the load noted).
RATE_LIMIT_COMMENTS lifts the per-parent limit (20 comments an hour), which would otherwise refuse most of the
commenters' comments (counted as 4xx) and measure the refusal rather than a judged comment:

    RATE_LIMIT_COMMENTS=1000000 nice -n 5 .venv/bin/python bench/load.py --sqlite-demo --duration 30 --warmup 8 --chat-messages 20000
    # PostgreSQL: a throw-away cluster as .ci/run starts one (port 54331, fsync off), seeded once (about 90 s)
    # and reused through --data-dir; --web 2 --tasks 0 is the web server alone
    RATE_LIMIT_COMMENTS=1000000 DATABASE_URL=postgres://postgres@127.0.0.1:54331/load nice -n 5 \
        .venv/bin/python bench/load.py --duration 20 --warmup 10 --data-dir /tmp/load-pg

The client is bounded: only 127.0.0.1, at most --readers + --commenters + --moderators threads, each
waiting for its answer before the next request, and only for --duration seconds per configuration.
On the shared 2-core development machine the client, the server and the workers share the cores: the
numbers are a floor, not what a server of its own would do.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

COMMENTS = [
    "Thank you for organising this, the children loved it.",
    "What time should we collect them on Friday?",
    "Is there anything we need to bring for the trip?",
    "Lovely photos, well done everyone in Year 4.",
    "Could the newsletter say which gate to use next week?",
    "Mr Hughes is useless and should be sacked.",  # a comment the judge holds for a moderator
]


# -- the database ---------------------------------------------------------------------------------------------

def setup_django(data_dir: Path, database_url: str) -> None:
    os.environ["SCHOOLGATE_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
    from schoolgate import datadir

    datadir.prepare()
    import django

    django.setup()


class QuickJudge:
    """Stands in for the judge while the bench seeds its posts (the server judges comments for real)."""

    def analyse(self, text, policy, roster=None, *, author=None):
        from schoolgate.judge.types import Verdict

        return Verdict(decision="allow", explanation="seed", scores={}, findings=[])

    def analyse_batch(self, texts, policy, roster=None, *, authors=None):
        return [self.analyse(t, policy) for t in texts]


def seed(schools: int, parents: int) -> None:
    """Add the schools, people and posts (once: a database that has them already is used as it is)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from schoolgate.channel.posts import submit_post
    from schoolgate.policies.loader import create_version, seed_data
    from schoolgate.policies.models import PolicyVersion
    from schoolgate.schools.models import Membership, Person, School

    settings.SCHOOLGATE_JUDGE = QuickJudge()
    User = get_user_model()
    data = seed_data("stokes-wood")
    unusable = make_password(None)
    started = time.perf_counter()
    made = 0
    for i in range(schools):
        slug = f"load-{i:03d}"
        if School.objects.filter(slug=slug).exists():
            continue
        school = School.objects.create(slug=slug, name=f"Load Test School {i:03d}")
        create_version(school, data, status=PolicyVersion.Status.PUBLISHED, approved_by_label="Chair of Governors")
        staff = User.objects.bulk_create([
            User(username=f"head@{slug}.load", email=f"head@{slug}.load", first_name="Head", last_name=f"{i:03d}", password=unusable),
            User(username=f"office@{slug}.load", email=f"office@{slug}.load", first_name="Office", last_name=f"{i:03d}", password=unusable),
        ])
        Membership.objects.bulk_create([Membership(user=staff[0], school=school, role="headteacher", can_post=True),
                                        Membership(user=staff[1], school=school, role="office")])
        users = User.objects.bulk_create([
            User(username=f"p{j:03d}@{slug}.load", email=f"p{j:03d}@{slug}.load", first_name=f"Parent{j:03d}", last_name=f"School{i:03d}", password=unusable)
            for j in range(parents)
        ])
        people = Person.objects.bulk_create([Person(school=school, kind="parent", name=f"Parent{j:03d} School{i:03d}", user=u) for j, u in enumerate(users)])
        Membership.objects.bulk_create([Membership(user=u, school=school, role="parent", person=p) for u, p in zip(users, people, strict=True)])
        submit_post(school, author=staff[0], text="Sports day is on Friday from 1.30pm on the school field. All welcome.", audience="school")
        made += 1
        if made % 25 == 0:
            print(f"  seeded {made} schools ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"seeded {made} new school(s) x {parents} parents in {time.perf_counter() - started:.0f} s "
          f"({School.objects.filter(slug__startswith='load-').count()} load schools in the database)", flush=True)


def sessions(usernames: list[str], *, second_factor: bool = False) -> dict[str, str]:
    """username -> a logged-in session key, made directly in the session store (no log-in form, no throttle).

    second_factor: staff (the moderators) are logged in as after their authenticator code, with a confirmed
    device made for them if they have none; without it a school that requires two-factor log-in sends every
    request of theirs to the two-factor step, and the bench measured that redirect instead of the queue."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    store = import_module(settings.SESSION_ENGINE).SessionStore
    out = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if second_factor:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="Load test", confirmed=True)
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        out[user.username] = session.session_key
    return out


def queue_chat_scans(slugs: list[str], messages: int, count: int, folder: Path) -> list[int]:
    """Upload `count` chats of `messages` messages at these schools and queue their scans for the workers."""
    import datetime as dt

    from chats import generate
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from schoolgate.chats.tasks import enqueue_scan
    from schoolgate.chats.uploads import record_upload
    from schoolgate.schools.models import Membership, School

    path = folder / f"chat-{messages}.txt"
    if not path.exists():
        generate(path, messages)
    data = path.read_bytes()
    pks = []
    for n in range(count):
        school = School.objects.get(slug=slugs[n % len(slugs)])
        head = get_user_model().objects.get(pk=Membership.objects.filter(school=school, role="headteacher").values_list("user", flat=True)[0])
        scan = record_upload(school, user=head, upload=ContentFile(data, name=f"WhatsApp Chat {n}.txt"), day_first=True, permission={
            "parent_name": "A parent", "relation": "member", "given_on": dt.date.today(), "scope": "Class group", "purpose": "Load test"})
        enqueue_scan(scan)
        pks.append(scan.pk)
    return pks


def scanned(pks: list[int]) -> int:
    from schoolgate.chats.models import ChatScan

    return sum(ChatScan.objects.filter(pk__in=pks).values_list("messages_done", flat=True))


# -- the processes --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "schoolgate", *args], env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server on port {port} did not answer within {timeout:.0f} s")


# -- the client -----------------------------------------------------------------------------------------------

@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    recording: bool = False

    def add(self, kind: str, seconds: float, status: int | None) -> None:
        if not self.recording:
            return
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if status is None or status >= 500:
                self.errors[kind] = self.errors.get(kind, 0) + 1
            elif status >= 400:
                self.refused[kind] = self.refused.get(kind, 0) + 1


class Browser:
    """One person's keep-alive connection to 127.0.0.1 with their session and CSRF cookies."""

    def __init__(self, port: int, session: str, results: Results):
        self.port, self.results = port, results
        self.cookies = {"sessionid": session}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, kind: str, method: str, path: str, form: dict | None = None) -> tuple[int | None, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": f"127.0.0.1:{self.port}"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}{path}",
                            "Origin": f"http://127.0.0.1:{self.port}"})
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            status, text = None, ""
        self.results.add(kind, time.perf_counter() - started, status)
        return status, text


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POST_LINK = re.compile(r'href="/([\w-]+)/channel/posts/(\d+)/"')
DECIDE = re.compile(r'action="(/[\w-]+/queue/(\d+)/decide/)".*?name="version" value="(\d+)"', re.S)


def reader(browser: Browser, slug: str, stop_at: float) -> None:
    while time.monotonic() < stop_at:
        status, page = browser.request("read", "GET", f"/{slug}/channel/")
        posts = POST_LINK.findall(page)
        if posts:
            browser.request("read", "GET", f"/{posts[0][0]}/channel/posts/{posts[0][1]}/")


def commenter(browser: Browser, slug: str, post_pk: int, stop_at: float, rng: random.Random) -> None:
    while time.monotonic() < stop_at:
        status, page = browser.request("read", "GET", f"/{slug}/channel/posts/{post_pk}/")
        token = CSRF.search(page)
        if token:
            browser.request("comment", "POST", f"/{slug}/channel/posts/{post_pk}/comment/",
                            {"csrfmiddlewaretoken": token.group(1), "text": f"{rng.choice(COMMENTS)} ({rng.randrange(10**6)})"})


def moderator(browser: Browser, slug: str, stop_at: float) -> None:
    while time.monotonic() < stop_at:
        status, page = browser.request("queue", "GET", f"/{slug}/queue/")
        token, item = CSRF.search(page), DECIDE.search(page)
        if token and item:
            browser.request("decide", "POST", item.group(1),
                            {"csrfmiddlewaretoken": token.group(1), "action": "approve", "version": item.group(3), "confirmed": "1"})
        else:
            time.sleep(0.5)


def drive(port: int, plan: dict, duration: float, warmup: float) -> tuple[Results, float]:
    results = Results()
    rng = random.Random(7)
    stop_at = time.monotonic() + warmup + duration
    threads = []
    for n in range(plan["readers"]):
        slug, session = plan["parents"][n % len(plan["parents"])]
        threads.append(threading.Thread(target=reader, args=(Browser(port, session, results), slug, stop_at)))
    for n in range(plan["commenters"]):
        slug, session = plan["parents"][-(n + 1) % len(plan["parents"])]
        threads.append(threading.Thread(target=commenter, args=(Browser(port, session, results), slug, plan["posts"][slug], stop_at, rng)))
    for n in range(plan["moderators"]):
        slug, session = plan["moderator_sessions"][n % len(plan["moderator_sessions"])]
        threads.append(threading.Thread(target=moderator, args=(Browser(port, session, results), slug, stop_at)))
    for t in threads:
        t.start()
    time.sleep(warmup)
    results.recording = True
    began = time.monotonic()
    for t in threads:
        t.join()
    return results, time.monotonic() - began


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def report(label: str, results: Results, elapsed: float, scan_rate: float | None) -> None:
    every = [t for ts in results.times.values() for t in ts]
    errors, refused = sum(results.errors.values()), sum(results.refused.values())
    scans = f"  scan {scan_rate:6.0f} msg/s" if scan_rate is not None else ""
    print(f"{label:<28} {len(every) / elapsed:7.1f} req/s  p50 {pct(every, .5):6.0f}  p95 {pct(every, .95):6.0f}  "
          f"p99 {pct(every, .99):6.0f} ms  errors {errors}  4xx {refused}{scans}", flush=True)
    for kind in sorted(results.times):
        ts = results.times[kind]
        print(f"    {kind:<10} {len(ts):6d} requests  p50 {pct(ts, .5):6.0f}  p95 {pct(ts, .95):6.0f}  p99 {pct(ts, .99):6.0f} ms  "
              f"errors {results.errors.get(kind, 0)}  4xx {results.refused.get(kind, 0)}", flush=True)


# -- the runs -------------------------------------------------------------------------------------------------

def run_config(label: str, env: dict, plan: dict, *, web: int, tasks: int, duration: float, warmup: float, log: Path,
               scan_pks: list[int] | None = None, threads: int | None = None) -> None:
    port = free_port()
    server = start(["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(web), *(["--threads", str(threads)] if threads else [])], env, log)
    workers = []
    try:
        wait_for(port)
        workers = [start(["worker"], env, log) for _ in range(tasks)]
        before = scanned(scan_pks) if scan_pks else 0
        results, elapsed = drive(port, plan, duration, warmup)
        rate = (scanned(scan_pks) - before) / (elapsed + warmup) if scan_pks else None
        report(label, results, elapsed, rate)
    finally:
        for p in [*workers, server]:
            stop(p)


def plan_for(slugs: list[str], parents_per_school: int, readers: int, commenters: int, moderators: int, parent_names) -> dict:
    from schoolgate.channel.models import Post

    rng = random.Random(11)
    chosen = [(rng.choice(slugs), rng.randrange(parents_per_school)) for _ in range(readers + commenters)]
    names = [parent_names(slug, j) for slug, j in chosen]
    keys = sessions(names)
    mods = [(slug, f"office@{slug}.load") for slug in slugs[:max(1, moderators)]]
    mod_keys = sessions([m for _, m in mods], second_factor=True)
    posts = {}
    for slug, _ in chosen:
        posts[slug] = Post.objects.filter(school__slug=slug, status="published").order_by("-id").values_list("pk", flat=True).first()
    return {"parents": [(slug, keys[n]) for (slug, _), n in zip(chosen, names, strict=True)], "posts": posts,
            "moderator_sessions": [(slug, mod_keys[m]) for slug, m in mods], "readers": readers, "commenters": commenters,
            "moderators": moderators}


def many_schools(args) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a throw-away PostgreSQL database (or use --sqlite-demo).")
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="schoolgate-load-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(data_dir, database_url)
    from django.core.management import call_command

    call_command("setup", verbosity=0)
    seed(args.schools, args.parents)
    slugs = [f"load-{i:03d}" for i in range(args.schools)]
    plan = plan_for(slugs, args.parents, args.readers, args.commenters, args.moderators, lambda slug, j: f"p{j:03d}@{slug}.load")
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(data_dir), "DATABASE_URL": database_url}
    log = data_dir / "load-servers.log"
    print(f"{args.schools} schools x {args.parents} parents on PostgreSQL; {args.readers} readers, {args.commenters} commenters, "
          f"{args.moderators} moderators; {args.duration:.0f} s per run after {args.warmup:.0f} s warm-up; server log {log}", flush=True)
    for tasks in args.tasks:
        for web in args.web:
            pks = queue_chat_scans(slugs, args.chat_messages, 2, data_dir) if tasks else None
            run_config(f"web {web}, task workers {tasks}", env, plan, web=web, tasks=tasks, duration=args.duration,
                       warmup=args.warmup, log=log, scan_pks=pks, threads=args.threads)


def sqlite_demo(args) -> None:
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="schoolgate-load-demo-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    log = data_dir / "load-servers.log"
    subprocess.run([sys.executable, "-m", "schoolgate", "demo"], env=env, check=True, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    setup_django(data_dir, "")
    from schoolgate.channel.models import Post
    from schoolgate.schools.models import Membership

    parents = list(Membership.objects.filter(role="parent", school__slug="stokes-wood").values_list("user__username", flat=True))
    keys = sessions(parents)
    post = Post.objects.filter(school__slug="stokes-wood", status="published", audience="school").order_by("-id").values_list("pk", flat=True).first()
    office = sessions(["office@stokes-wood.demo"], second_factor=True)
    plan = {"parents": [("stokes-wood", keys[p]) for p in parents], "posts": {"stokes-wood": post},
            "moderator_sessions": [("stokes-wood", office["office@stokes-wood.demo"])],
            "readers": args.readers, "commenters": args.commenters, "moderators": args.moderators}
    print(f"SQLite demo ({len(parents)} demo parents at Stokes Wood), {args.readers} readers + {args.commenters} commenters + "
          f"{args.moderators} moderators, {args.duration:.0f} s after {args.warmup:.0f} s warm-up; web workers {args.web[0]}; "
          f"server log {log}", flush=True)
    run_config("demo", env, plan, web=args.web[0], tasks=0, duration=args.duration, warmup=args.warmup, log=log, threads=args.threads)
    if args.no_scan:
        return
    pks = queue_chat_scans(["stokes-wood"], args.chat_messages, 1, data_dir)
    run_config(f"demo + scanning {args.chat_messages:,}", env, plan, web=args.web[0], tasks=1, duration=args.duration,
               warmup=args.warmup, log=log, scan_pks=pks, threads=args.threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-demo", action="store_true", help="the SQLite demo instead of many schools on PostgreSQL")
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--parents", type=int, default=300, help="parents/carers per school")
    parser.add_argument("--web", default=None, help="web worker counts to try, e.g. 1,2 (default 1,2; the demo: 2)")
    parser.add_argument("--tasks", default="1,2", help="task worker counts to try (PostgreSQL runs)")
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--commenters", type=int, default=4)
    parser.add_argument("--moderators", type=int, default=None, help="default 2 (PostgreSQL), 0 (demo)")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before measuring (the judge loads)")
    parser.add_argument("--chat-messages", type=int, default=20_000)
    parser.add_argument("--data-dir", help="the data directory (default: a new one in /tmp)")
    parser.add_argument("--threads", type=int, default=None, help="threads per web worker (default: `schoolgate serve`'s)")
    parser.add_argument("--no-scan", action="store_true", help="the demo: skip the run with the worker scanning a chat")
    args = parser.parse_args()
    if args.readers + args.commenters + (args.moderators or 0) > 64:
        raise SystemExit("at most 64 client threads")
    args.web = [int(x) for x in (args.web or ("2" if args.sqlite_demo else "1,2")).split(",")]
    args.tasks = [int(x) for x in args.tasks.split(",")]
    if args.moderators is None:
        args.moderators = 0 if args.sqlite_demo else 2
    if args.sqlite_demo:
        sqlite_demo(args)
    else:
        many_schools(args)


if __name__ == "__main__":
    main()
