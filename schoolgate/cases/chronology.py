"""The chronology: everything on a case (or on all cases about one parent/carer) in time order."""

from __future__ import annotations

from django.utils import timezone

from schoolgate.channel.models import Restriction
from schoolgate.judge.types import category_label
from schoolgate.schools.models import actor_label


def _entry(case, at, kind, title, text="", by="", private=False, **extra):
    return {"case": case, "at": at, "local": timezone.localtime(at), "kind": kind, "title": title, "text": text, "by": by, "private": private, **extra}


def for_case(case, *, include_private: bool) -> list[dict]:
    out = []
    for e in case.events.all():
        out.append(_entry(case, e.at, e.kind, e.kind.replace("_", " ").capitalize(), e.text, e.by_label))
    for item in case.evidence.all():
        what = item.label or item.original_name or item.url or ""
        detail = item.text[:500] if item.kind != "file" else f"{item.content_type}, {item.size:,} bytes"
        if item.kind == "url":
            detail = f"{item.url} (seen {item.seen_on:%d %b %Y})" + (f" — {item.text[:300]}" if item.text else "")
        corr = f" (corrects E{item.corrects_id})" if item.corrects_id else ""
        out.append(_entry(case, item.added_at, "evidence", f"Evidence {item.number}: {item.get_kind_display()}{corr} — {what}", detail, item.added_by_label, sha256=item.sha256))
        for f in (item.verdict or {}).get("findings", ()):
            label = category_label(f.get("category", ""))
            clause = f" — clause {f['clause']}" if f.get("clause") else " — advice (the policy does not name it)"
            out.append(_entry(case, item.added_at, "finding", f"Finding on {item.number}: {label}{clause}", f"“{f.get('quote', '')}”", "the judge"))
    for a in case.step_actions.all():
        if a.status == "skipped":
            out.append(_entry(case, a.at, "step", f"Step {a.step_order} skipped: {a.step_title}", f"Reason: {a.reason}", a.by_label))
        else:
            out.append(_entry(case, a.at, "step", f"Step {a.step_order} done: {a.step_title}", a.outcome, a.by_label))
    for letter in case.letters.all():
        if letter.is_sent:
            out.append(_entry(case, letter.sent_at, "letter", f"Letter sent: {letter.get_kind_display()} to {letter.recipient}", f"SHA-256 {letter.sha256}", actor_label(letter.sent_by), letter=letter))
            if letter.context.get("restriction_id"):
                end = timezone.localtime(letter.deadline).strftime("%d %b %Y") if letter.deadline else ""
                out.append(_entry(case, letter.sent_at, "restriction", f"Forum access restricted ({letter.restriction_kind.replace('_', ' ')}) until {end}", "", actor_label(letter.sent_by)))
        else:
            out.append(_entry(case, letter.created_at, "letter", f"Letter drafted: {letter.get_kind_display()}", "", actor_label(letter.created_by), letter=letter))
    for d in case.deadlines.all():
        state = "dealt with" if d.met_at else ("overdue" if d.is_overdue else "due")
        out.append(_entry(case, d.created_at, "deadline", f"Deadline set: {d.get_kind_display()} {timezone.localtime(d.due_at):%d %b %Y %H:%M} ({state})"))
    for n in case.notes.all():
        if n.private and not include_private:
            continue
        out.append(_entry(case, n.at, "note", "Private staff note" if n.private else "Staff note", n.text, n.author_label, private=n.private))
    out.sort(key=lambda e: (e["at"], _ORDER.get(e["kind"], 5)))
    return out


_ORDER = {"opened": 0, "evidence": 1, "finding": 2, "assessed": 3, "step": 4, "letter": 5}


def channel_restrictions(school, user) -> list[dict]:
    """Restrictions on the school channel for this parent, whether or not a case letter applied them."""
    if user is None:
        return []
    out = []
    for r in Restriction.objects.filter(school=school, user=user):
        out.append(_entry(None, r.created_at, "restriction", f"Channel restriction: {r.get_kind_display()} until {r.ends_on:%d %b %Y}", r.reason, r.created_by_label))
    return out


def for_cases(cases, *, include_private: bool, school=None, user=None) -> list[dict]:
    out = []
    for case in cases:
        out.extend(for_case(case, include_private=include_private))
    if school is not None:
        out.extend(channel_restrictions(school, user))
    out.sort(key=lambda e: (e["at"], _ORDER.get(e["kind"], 5)))
    return out
