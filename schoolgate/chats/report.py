"""The scan report: breaches by message with clause, spans and context, a summary per participant, a timeline.

Built from a stored scan (web page and its PDF) or from an in-memory scan (the CLI), so both read the same.
Authors are shown by `names` (real name, or "Participant N" for people who are not parents of the school).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.html import escape

from schoolgate.policies.judging import clause_index, finding_record

from .parsers.base import EARLIEST
from .people import shown_names


@dataclass
class Line:
    index: int
    timestamp: datetime
    author: str  # as shown
    text: str
    kind: str = "text"


@dataclass
class FlaggedMessage:
    message: Line
    findings: list[dict]  # category, label, clause, clause_text, clause_heading, start, end, quote, score, pk, case_pk
    before: Line | None = None
    after: Line | None = None

    @property
    def case_pk(self):
        return next((f["case_pk"] for f in self.findings if f.get("case_pk")), None)


@dataclass
class ParticipantRow:
    name: str
    messages: int
    breaches: int
    by_category: list[tuple[str, int]]
    first: datetime | None
    last: datetime | None
    participant_pk: int | None = None
    pseudonymous: bool = False


@dataclass
class Report:
    school_name: str
    title: str
    platform: str
    start: datetime | None
    end: datetime | None
    messages: int
    participants: int
    flagged: list[FlaggedMessage]
    summary: list[ParticipantRow]
    timeline_svg: str
    by_category: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def breach_count(self) -> int:
        return sum(len(f.findings) for f in self.flagged)


def build(*, school_name, title, platform, start, end, messages, participants, findings, lines, names,
          daily_counts, clauses, participant_rows=None, notes=()) -> Report:
    """findings: dicts with message_index, author (real), timestamp, category, clause, start, end, quote, ...;
    lines: index -> Line with the real author (context and flagged messages);
    clauses: the school's `judging.clause_index` (clause id -> Clause), for the words beside each finding."""
    by_message: dict[int, list[dict]] = defaultdict(list)
    for f in findings:
        by_message[f["message_index"]].append({**finding_record(f, clauses), "breach": True})

    def shown(line: Line | None) -> Line | None:
        if line is None:
            return None
        return Line(line.index, line.timestamp, names.get(line.author, line.author) if line.author else "", line.text, line.kind)

    flagged = []
    for index in sorted(by_message):
        fs = sorted(by_message[index], key=lambda f: f["start"])
        first = fs[0]
        message = lines.get(index) or Line(index, first["timestamp"], first["author"], first.get("quote", ""))
        flagged.append(FlaggedMessage(shown(message), fs, shown(lines.get(index - 1)), shown(lines.get(index + 1))))

    if participant_rows is None:
        participant_rows = []
    per_author: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        per_author[f["author"]].append(f)
    summary = []
    for row in participant_rows:
        fs = per_author.get(row["name"], [])
        if not fs:
            continue
        stamps = [f["timestamp"] for f in fs]
        summary.append(ParticipantRow(
            name=names.get(row["name"], row["name"]), messages=row.get("messages", 0), breaches=len(fs),
            by_category=Counter(f["category"] for f in fs).most_common(),
            first=min(stamps), last=max(stamps), participant_pk=row.get("pk"),
            pseudonymous=names.get(row["name"], row["name"]) != row["name"],
        ))
    summary.sort(key=lambda r: (-r.breaches, r.name))
    start, end = _sane(start), _sane(end)
    return Report(
        school_name=school_name, title=title or "Group chat", platform=platform, start=start, end=end,
        messages=messages, participants=participants, flagged=flagged, summary=summary,
        timeline_svg=timeline_svg(daily_counts), by_category=Counter(f["category"] for f in findings).most_common(),
        notes=list(notes),
    )


def for_scan(scan) -> Report:
    names = shown_names(scan)
    findings = [
        {"pk": f.pk, "message_index": f.message_index, "author": f.author, "timestamp": f.timestamp, "category": f.category,
         "clause": f.clause, "start": f.start, "end": f.end, "quote": f.quote, "score": f.score, "case_pk": f.case_pk}
        for f in scan.findings.all()
    ]
    wanted = set()
    for f in findings:
        wanted.update((f["message_index"] - 1, f["message_index"], f["message_index"] + 1))
    lines = {}
    # Chunks keep the IN lists inside SQLite's limits on very flagged chats.
    ordered = sorted(wanted)
    for i in range(0, len(ordered), 500):
        for m in scan.messages.filter(index__in=ordered[i : i + 500]):
            lines[m.index] = Line(m.index, m.timestamp, m.author, m.text, m.kind)
    rows = [{"name": p.name, "messages": p.messages, "pk": p.pk} for p in scan.participants.all()]
    notes = []
    if scan.date_order_note:
        notes.append(scan.date_order_note)
    if scan.purged_at:
        notes.append(
            f"The original file was deleted on {timezone.localtime(scan.purged_at):%-d %B %Y} (retention period); "
            "only flagged messages and the message before and after each are kept."
        )
    return build(
        school_name=scan.school.name, title=scan.title or scan.original_name, platform=scan.platform,
        start=scan.period_start, end=scan.period_end, messages=scan.messages_total, participants=scan.participant_count,
        findings=findings, lines=lines, names=names, daily_counts=scan.daily_counts, clauses=clause_index(scan.school),
        participant_rows=rows, notes=notes,
    )


def _sane(ts: datetime | None) -> datetime | None:
    """A period's end held inside the parsers' sane range (scans stored before they clamped dates)."""
    if ts is None:
        return None
    lo = timezone.make_aware(EARLIEST) if timezone.is_aware(ts) else EARLIEST
    hi = (timezone.now() if timezone.is_aware(ts) else datetime.now()) + timedelta(days=1)
    return min(max(ts, lo), hi)


# --- timeline ---------------------------------------------------------------------------------------

# The most bars the timeline draws: the page and its PDF stay small and quick whatever dates a file holds.
MAX_BUCKETS = 120


def _day_in_range(day: date) -> date:
    """A day held inside the parsers' sane range (daily counts stored before they clamped dates)."""
    return min(max(day, EARLIEST.date()), timezone.localdate() + timedelta(days=1))


def _buckets(daily: dict[str, list[int]]) -> tuple[list[tuple[date, int, int]], str]:
    days = sorted((_day_in_range(date.fromisoformat(d)), v[0], v[1]) for d, v in daily.items())
    if not days:
        return [], "day"
    first, last = days[0][0], days[-1][0]
    span = (last - first).days + 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    # The finest unit that keeps the bars within MAX_BUCKETS (62 days, 60 weeks, 120 months, then years:
    # 1990 to next year is under 40).
    if span <= 62:
        unit, key = "day", (lambda d: d)
    elif span <= 7 * 60:
        unit, key = "week", (lambda d: d - timedelta(days=d.weekday()))
    elif months <= MAX_BUCKETS:
        unit, key = "month", (lambda d: d.replace(day=1))
    else:
        unit, key = "year", (lambda d: d.replace(month=1, day=1))
    sums: dict[date, list[int]] = {}
    d = key(first)
    while d <= last:  # empty buckets too: quiet days are part of the story
        sums[d] = [0, 0]
        d = key(d + timedelta(days={"day": 1, "week": 7, "month": 32, "year": 366}[unit]))
    for day, msgs, breaches in days:
        sums[key(day)][0] += msgs
        sums[key(day)][1] += breaches
    return [(k, v[0], v[1]) for k, v in sorted(sums.items())], unit


def timeline_svg(daily: dict[str, list[int]], width: int = 720, height: int = 160) -> str:
    """Messages (grey) and breaches (red) per day/week/month, as inline SVG: no scripts, prints in the PDF."""
    buckets, unit = _buckets(daily or {})
    if not buckets:
        return ""
    left, bottom, top = 36, 22, 10
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(max(m for _, m, _ in buckets), 1)
    step = plot_w / len(buckets)
    bar = max(1.0, step * 0.8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Messages and breaches per {unit}">',
        f"<title>Messages (grey) and breaches (red) per {unit}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="10" text-anchor="end">0</text>',
    ]
    labels = max(1, len(buckets) // 8)
    for i, (start, msgs, breaches) in enumerate(buckets):
        x = left + i * step + (step - bar) / 2
        h = plot_h * msgs / peak
        hb = plot_h * breaches / peak if breaches else 0
        if breaches:
            hb = max(hb, 3)
        label = f"{start:%-d %b %Y}: {msgs} message(s), {breaches} breach(es)"
        parts.append(f'<g><title>{escape(label)}</title>'
                     f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#c8d0dc"/>'
                     + (f'<rect x="{x:.1f}" y="{top + plot_h - hb:.1f}" width="{bar:.1f}" height="{hb:.1f}" fill="#c0392b" class="breach"/>' if breaches else "")
                     + "</g>")
        if i % labels == 0:
            fmt = {"month": "%b %Y", "year": "%Y"}.get(unit, "%-d %b")
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="10">{start.strftime(fmt)}</text>')
    parts.append("</svg>")
    return "".join(parts)
