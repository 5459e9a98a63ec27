"""`schoolgate scan-chat FILE --school SLUG [--roster CSV] [--format json|pdf] [--day-first|--month-first]`

Scans an exported group chat on this machine and prints the report on stdout: JSON (the contract below) or
PDF bytes. A progress bar goes to stderr, only on a terminal. Nothing of the chat is stored: the CLI is
the operator's tool on the school's own server (the web upload, with its permission record, is the
way for staff). The audit log records that a scan was run, with the file's hash, not its content.

JSON: {"chat": {"platform", "title", "messages", "participants", "start", "end"},
       "findings": [{"message_index", "author", "timestamp", "text", "category", "clause", "start", "end"}]}
Authors are as the export writes them (the operator already holds the file).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolgate.chats import scanning
from schoolgate.chats.parsers import NotAChatExport, UnsafeArchive, parse_with_info


class Command(BaseCommand):
    help = "Scan an exported group chat (WhatsApp .txt/.zip, Telegram/Messenger/Instagram JSON) and print a report."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--school", required=True, help="the school's slug, e.g. stokes-wood")
        parser.add_argument("--roster", help="a roster CSV (name,role,group,aliases); default: the school's roster")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        order = parser.add_mutually_exclusive_group()
        order.add_argument("--day-first", action="store_true", help="dates are day/month (UK)")
        order.add_argument("--month-first", action="store_true", help="dates are month/day (US)")
        parser.add_argument("--batch", type=int, default=scanning.BATCH_SIZE, help="messages per judge batch")

    def handle(self, *args, **opts):
        from schoolgate.bootstrap import ensure_database

        ensure_database()
        from schoolgate.audit.models import record
        from schoolgate.policies.judging import NoPolicy, policy_view_for
        from schoolgate.schools.models import School

        school = School.objects.filter(slug=opts["school"]).first()
        if school is None:
            known = ", ".join(School.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No school '{opts['school']}' (known: {known}).")
        try:
            policy = policy_view_for(school)
        except NoPolicy as exc:
            raise CommandError(str(exc)) from None
        roster = self._roster(opts.get("roster"), school)
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        day_first = True if opts["day_first"] else False if opts["month_first"] else None
        try:
            total = self._count(path, day_first)
            messages, info = parse_with_info(str(path), day_first=day_first)
        except (NotAChatExport, UnsafeArchive) as exc:
            raise CommandError(str(exc)) from None

        progress = scanning.Progress(total, stream=sys.stderr)
        findings, lines = [], {}
        previous = None
        want_next: set[int] = set()
        keep_context = opts["format"] == "pdf"
        daily: dict[str, list[int]] = {}
        author_of = scanning.roster_author_lookup(roster)
        per_author: dict[str, int] = {}
        for _, batch in scanning.batches(messages, max(1, opts["batch"])):
            found = scanning.judge_messages(batch, policy, roster, author_of=author_of)
            for m in batch:
                day = m.timestamp.date().isoformat()
                pair = daily.setdefault(day, [0, 0])
                pair[0] += 1
                if m.author is not None:
                    per_author[m.author] = per_author.get(m.author, 0) + 1
                for b in found.get(m.index, ()):
                    pair[1] += 1
                    findings.append({
                        "message_index": m.index, "author": m.author, "timestamp": scanning.iso(m.timestamp),
                        "text": m.text, "category": b.category, "clause": b.clause, "start": b.start, "end": b.end,
                        "_ts": m.timestamp, "_quote": b.quote,
                    })
                if keep_context:
                    if m.index in found:
                        lines[m.index] = m
                        if previous is not None:
                            lines[previous.index] = previous
                        want_next.add(m.index + 1)
                    if m.index in want_next:
                        lines[m.index] = m
                previous = m
            progress.update(batch[-1].index + 1)
        progress.finish()

        record("chats.cli_scan", school=school, summary=f"Chat export scanned from the command line: {info.messages:,} messages, {len(findings)} finding(s)",
               sha256=_sha256(path), platform=info.platform)
        if opts["format"] == "pdf":
            sys.stdout.buffer.write(self._pdf(school, info, findings, lines, daily, per_author))
            sys.stdout.buffer.flush()
            return
        report = {
            "chat": {
                "platform": info.platform,
                "title": info.title,
                "messages": info.messages,
                "participants": len(info.participants),
                "start": scanning.iso(info.start),
                "end": scanning.iso(info.end),
            },
            "findings": [{k: v for k, v in f.items() if not k.startswith("_")} for f in findings],
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False))

    def _roster(self, path, school):
        from schoolgate.judge.types import Roster

        if not path:
            return school.roster()
        try:
            return Roster.from_csv_text(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read the roster {path}: {exc}") from None

    def _count(self, path: Path, day_first) -> int:
        if not sys.stderr.isatty():
            return 0  # no progress bar, no counting pass
        messages, info = parse_with_info(str(path), day_first=day_first)
        for _ in messages:
            pass
        return info.messages

    def _pdf(self, school, info, findings, lines, daily, per_author) -> bytes:
        from schoolgate.chats import pdf, report

        rows = [{"name": name, "messages": per_author.get(name, 0)} for name in info.participants]
        built = report.build(
            school_name=school.name, title=info.title or "", platform=info.platform, start=info.start, end=info.end,
            messages=info.messages, participants=len(info.participants),
            findings=[{"message_index": f["message_index"], "author": f["author"], "timestamp": f["_ts"], "category": f["category"],
                       "clause": f["clause"], "start": f["start"], "end": f["end"], "quote": f["_quote"]} for f in findings],
            lines={i: report.Line(m.index, m.timestamp, m.author or "", m.text, m.kind) for i, m in lines.items()},
            names={}, daily_counts=daily, clauses=report.clause_texts(school), participant_rows=rows,
        )
        return pdf.report_pdf(built, school=school)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
