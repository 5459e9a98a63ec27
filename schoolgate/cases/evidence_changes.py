"""Adding evidence to a case (pasted text, a web address, a file) and judging text the judge could not check.

Text is judged through the one door (`policies.judging.judge_record`) when it is added. The bytes are
checked and stored by `evidence`; each item is hashed and its addition audited.

Judge first, then write: the judge runs before the case's lock and the write transaction are taken, so a
slow judgement never holds the database's write lock (SQLite has one) while other people wait. Whether
the case is still open is checked under the lock, when the item is written.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.policies import judging
from schoolgate.schools.models import actor_label

from . import evidence as ev
from .audit_events import AuditEvent
from .errors import CaseError
from .locking import lock_case, lock_open_case
from .models import MAX_TEXT, Case, Evidence


def run_judge(school, text: str) -> tuple[dict, str]:
    """(verdict record, note) through the one door; a judge that cannot run gives a held record and the
    note says so, so the evidence is kept and can be judged again later (`rejudge`)."""
    verdict = judging.judge_record(school, text)
    return verdict, (verdict["explanation"] if verdict.get("unavailable") else "")


def _audit(case, item, actor):
    findings = len((item.verdict or {}).get("findings", ()))
    record(
        AuditEvent.EVIDENCE, actor=actor, school=case.school, target=item,
        summary=f"{case.reference}: added {item.get_kind_display().lower()} {item.number}" + (f" correcting E{item.corrects_id}" if item.corrects_id else ""),
        case=case.pk, sha256=item.sha256, size=item.size, content_type=item.content_type, findings=findings,
    )


def _check_corrects(case, corrects):
    if corrects is not None and corrects.case_id != case.pk:
        raise CaseError("An item can only correct an item of the same case.")


def _checked_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise CaseError("The evidence text is empty.")
    if len(text) > MAX_TEXT:
        raise CaseError(f"Evidence text is limited to {MAX_TEXT:,} characters; add it as a file instead.")
    return text


def _refuse_if_closed(case) -> None:
    """Before the judge's work: a closed case is refused at once (and again under the lock, where it counts)."""
    if not Case.objects.get(pk=case.pk).is_open:
        raise CaseError("This case is closed; nothing more can be added to it.")


def record_text_evidence(case, *, text, label, added_by, source="", corrects=None, judged: tuple[dict, str] | None = None) -> Evidence:
    """Keep pasted text with its verdict. The caller holds the case's lock (`open_case` while opening it,
    `add_evidence_text` otherwise) and passes `judged` (`run_judge`'s answer, got before the lock); without
    it the text is judged here, inside the caller's transaction."""
    text = _checked_text(text)
    data = text.encode()
    verdict, note = judged if judged is not None else run_judge(case.school, text)
    item = Evidence.objects.create(
        case=case, kind=Evidence.Kind.TEXT, label=label[:200], text=text, content_type="text/plain; charset=utf-8",
        size=len(data), sha256=ev.sha256(data), source=source[:200], corrects=corrects,
        added_by=added_by, added_by_label=actor_label(added_by, nobody="system"), verdict=verdict, judge_note=note,
    )
    _audit(case, item, added_by)
    return item


def add_evidence_text(case, *, text, label, added_by, source="", corrects=None) -> Evidence:
    text = _checked_text(text)
    _refuse_if_closed(case)
    judged = run_judge(case.school, text)
    with transaction.atomic():
        case = lock_open_case(case)
        _check_corrects(case, corrects)
        return record_text_evidence(case, text=text, label=label, added_by=added_by, source=source, corrects=corrects, judged=judged)


def add_evidence_url(case, *, url, seen_on: dt.date, label, added_by, note_text: str = "", corrects=None) -> Evidence:
    if seen_on > timezone.localdate():
        raise CaseError("The date the page was seen cannot be in the future.")
    note_text = note_text.strip()
    _refuse_if_closed(case)
    verdict, jnote = run_judge(case.school, note_text) if note_text else (None, "")
    with transaction.atomic():
        case = lock_open_case(case)
        _check_corrects(case, corrects)
        data = url.encode()
        item = Evidence.objects.create(
            case=case, kind=Evidence.Kind.URL, label=label[:200], url=url, seen_on=seen_on, text=note_text[:MAX_TEXT],
            content_type="text/uri-list", size=len(data), sha256=ev.sha256(data), corrects=corrects,
            added_by=added_by, added_by_label=actor_label(added_by, nobody="system"), verdict=verdict, judge_note=jnote,
        )
        _audit(case, item, added_by)
        return item


def add_evidence_file(case, *, upload, label, added_by, corrects=None) -> Evidence:
    """Raises evidence.EvidenceRejected with a message for staff when the file is refused."""
    data = ev.read_upload(upload)
    content_type, ext = ev.detect_type(data)
    digest = ev.sha256(data)
    original = (getattr(upload, "name", "") or "").replace("/", "_").replace("\\", "_")[:200]
    text = data.decode("utf-8")[:MAX_TEXT] if content_type == "text/plain" else ""
    _refuse_if_closed(case)
    verdict, jnote = run_judge(case.school, text) if text else (None, "")
    with transaction.atomic():
        case = lock_open_case(case)
        _check_corrects(case, corrects)
        path = ev.store(case, data, digest, ext)
        item = Evidence.objects.create(
            case=case, kind=Evidence.Kind.FILE, label=label[:200], file=path, original_name=original, text=text,
            content_type=content_type, size=len(data), sha256=digest, corrects=corrects,
            added_by=added_by, added_by_label=actor_label(added_by, nobody="system"), verdict=verdict, judge_note=jnote,
        )
        _audit(case, item, added_by)
        return item


def rejudge(item: Evidence, *, actor) -> Evidence:
    """Run the judge on text evidence it could not check before; a verdict, once there, stays."""
    fresh = Evidence.objects.get(pk=item.pk)
    if fresh.is_judged or not fresh.text:
        raise CaseError("This item already has the judge's verdict.")
    verdict, note = run_judge(fresh.case.school, fresh.text)
    with transaction.atomic():
        case = lock_case(item.case)
        item = Evidence.objects.select_for_update().get(pk=item.pk)
        if item.is_judged or not item.text:  # judged by someone else while this judgement ran
            raise CaseError("This item already has the judge's verdict.")
        item.verdict, item.judge_note = verdict, note
        item.save(update_fields=["verdict", "judge_note"])
        record(AuditEvent.EVIDENCE_JUDGED, actor=actor, school=case.school, target=item, summary=f"{case.reference}: judged {item.number}")
        return item
