"""`schoolgate scan-chat FILE --school SLUG [--roster CSV] [--format json|pdf] [--day-first|--month-first]`

Scans an exported group chat on this machine and prints the report on stdout: JSON (the contract below) or
PDF bytes. A progress bar goes to stderr, only on a terminal. Nothing of the chat is stored: the CLI is
the operator's tool on the school's own server (the web upload, with its permission record, is the
way for staff). The audit log records that a scan was run, with the file's hash, not its content.
The scan loop is the stored scan's own (`scanning.scan`), so the two cannot find different things.

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

from schoolgate.audit.models import record
from schoolgate.bootstrap import ensure_database
from schoolgate.chats import pdf, report, scanning
from schoolgate.chats.audit_events import AuditEvent
from schoolgate.chats.parsers import Message, NotAChatExport, UnsafeArchive, parse_with_info
from schoolgate.judge.types import Roster
from schoolgate.policies.judging import NoPolicy, clause_index, policy_view_for
from schoolgate.schools.models import School


class Command(BaseCommand):
    help = "Scan an exported group chat (WhatsApp .txt/.zip, Telegram/Messenger/Instagram JSON) and print a report."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--school", required=True, metavar="SLUG", help="the school's slug, e.g. stokes-wood")
        parser.add_argument("--roster", help="a roster CSV (name,role,group,aliases); default: the school's roster")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        order = parser.add_mutually_exclusive_group()
        order.add_argument("--day-first", action="store_true", help="dates are day/month (UK)")
        order.add_argument("--month-first", action="store_true", help="dates are month/day (US)")
        parser.add_argument("--batch", type=int, default=scanning.BATCH_SIZE, help="messages per judge batch")

    def handle(self, *args, **opts):
        ensure_database()
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
            # No progress bar off a terminal, so no counting pass either.
            total = scanning.count_messages(str(path), day_first=day_first) if sys.stderr.isatty() else 0
            messages, info = parse_with_info(str(path), day_first=day_first)
        except (NotAChatExport, UnsafeArchive) as exc:
            raise CommandError(str(exc)) from None

        progress = scanning.Progress(total, stream=sys.stderr)
        hits: list[tuple[Message, scanning.Breach]] = []
        context = scanning.ContextLines() if opts["format"] == "pdf" else None
        daily: dict[str, list[int]] = {}
        per_author: dict[str, int] = {}
        for batch in scanning.scan(messages, policy, roster, batch_size=max(1, opts["batch"]),
                                   author_of=scanning.roster_author_lookup(roster)):
            hits += [(m, b) for m in batch.messages for b in batch.breaches.get(m.index, ())]
            scanning.merge_counts(daily, batch.daily_counts())
            for author, seen in batch.authors().items():
                per_author[author] = per_author.get(author, 0) + seen.messages
            if context is not None:
                context.add(batch)
            progress.update(batch.done)
        progress.finish()

        record(AuditEvent.CLI_SCAN, school=school, summary=f"Chat export scanned from the command line: {info.messages:,} messages, {len(hits)} finding(s)",
               sha256=_sha256(path), platform=info.platform)
        if context is not None:
            sys.stdout.buffer.write(self._pdf(school, info, hits, context.lines, daily, per_author))
            sys.stdout.buffer.flush()
            return
        out = {
            "chat": {
                "platform": info.platform,
                "title": info.title,
                "messages": info.messages,
                "participants": len(info.participants),
                "start": scanning.iso(info.start),
                "end": scanning.iso(info.end),
            },
            "findings": [
                {"message_index": m.index, "author": m.author, "timestamp": scanning.iso(m.timestamp), "text": m.text,
                 "category": b.category, "clause": b.clause, "start": b.start, "end": b.end}
                for m, b in hits
            ],
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))

    def _roster(self, path, school):
        if not path:
            return school.roster()
        try:
            return Roster.from_csv_text(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read the roster {path}: {exc}") from None

    def _pdf(self, school, info, hits, lines, daily, per_author) -> bytes:
        rows = [{"name": name, "messages": per_author.get(name, 0)} for name in info.participants]
        built = report.build(
            school_name=school.name, title=info.title or "", platform=info.platform, start=info.start, end=info.end,
            messages=info.messages, participants=len(info.participants),
            findings=[{"message_index": m.index, "author": m.author, "timestamp": m.timestamp, "category": b.category,
                       "clause": b.clause, "start": b.start, "end": b.end, "quote": b.quote} for m, b in hits],
            lines={i: report.Line(m.index, m.timestamp, m.author or "", m.text, m.kind) for i, m in lines.items()},
            names={}, daily_counts=daily, clauses=clause_index(school), participant_rows=rows,
        )
        return pdf.report_pdf(built, school=school)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
