"""Documents built from a case: the evidence pack (PDF) and the subject access export (zip).

They are built by the background worker (`background_jobs`), never in a web request and never inside a write
transaction; `progress(done, total)` is called as each item is read so the page can say how far it has got.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.pdf import render_pdf
from schoolgate.schools.models import actor_label

from . import chronology as chron
from .models import Case


def custody(case) -> list[dict]:
    """Chain of custody: every audit entry about the case or its items, in order."""
    item_ids = [str(pk) for pk in case.evidence.values_list("pk", flat=True)]
    letter_ids = [str(pk) for pk in case.letters.values_list("pk", flat=True)]
    entries = AuditEntry.objects.filter(school_slug=case.school.slug).filter(
        target_type__in=["cases.case", "cases.evidence", "cases.letter", "cases.note"]
    ).order_by("id")
    rows = []
    for e in entries:
        if (e.target_type == "cases.case" and e.target_id == str(case.pk)) or (e.target_type == "cases.evidence" and e.target_id in item_ids) or (
            e.target_type == "cases.letter" and e.target_id in letter_ids
        ):
            rows.append({"at": timezone.localtime(e.created_at), "actor": e.actor_label or "system", "action": e.action, "summary": e.summary, "hash": e.hash})
    return rows


def _quiet(done: int, total: int) -> None:
    pass


def evidence_pack_pdf(case, user, progress=_quiet) -> bytes:
    evidence = list(case.evidence.select_related("corrects").all())
    total = len(evidence) + 1  # every item's hash checked, then the PDF rendered
    items = []
    for n, item in enumerate(evidence, start=1):
        items.append({"item": item, "verified": item.verify(), "findings": (item.verdict or {}).get("findings", [])})
        if n % 10 == 0:
            progress(n, total)
    progress(len(evidence), total)
    return render_pdf(
        "cases/evidence_pack.html",
        {
            "case": case, "school": case.school, "items": items, "custody": custody(case),
            "generated_at": timezone.localtime(), "generated_by": actor_label(user),
            "letters": case.letters.filter(status="sent"),
        },
    )


def case_record(case) -> dict:
    """A case as JSON for the parent's subject access export (private staff notes withheld)."""
    return {
        "reference": case.reference,
        "school": case.school.name,
        "about": case.subject_name,
        "opened_at": case.opened_at,
        "status": case.get_status_display(),
        "closed_at": case.closed_at,
        "outcome": case.outcome,
        "concern": case.concern,
        "source": case.get_source_display(),
        "staff_assessment": case.assessment_labels(),
        "evidence": [
            {
                "number": e.number, "kind": e.get_kind_display(), "label": e.label, "text": e.text, "url": e.url,
                "seen_on": e.seen_on, "content_type": e.content_type, "size": e.size, "sha256": e.sha256, "added_at": e.added_at,
                "corrects": f"E{e.corrects_id}" if e.corrects_id else None,
                "findings": [
                    {k: f.get(k) for k in ("category", "clause", "clause_text", "quote", "score")} for f in (e.verdict or {}).get("findings", ())
                ],
            }
            for e in case.evidence.all()
        ],
        "steps": [
            {"step": a.step_title, "status": a.get_status_display(), "outcome": a.outcome, "reason": a.reason, "at": a.at}
            for a in case.step_actions.all()
        ],
        "letters": [
            {"kind": lt.get_kind_display(), "to": lt.recipient, "subject": lt.subject, "sent_at": lt.sent_at, "sha256": lt.sha256, "body": lt.body,
             "file": f"letters/{case.reference}-{lt.pk}-{lt.kind}.pdf"}
            for lt in case.letters.filter(status="sent")
        ],
        "notes": [{"at": n.at, "text": n.text} for n in case.notes.filter(private=False)],
        "private_notes_withheld": case.notes.filter(private=True).count(),
    }


def subject_access_zip(school, person, progress=_quiet) -> tuple[bytes, dict]:
    cases = list(Case.objects.filter(school=school, parent=person).order_by("opened_at"))
    total = 2 * len(cases) + 1  # each case's record, the PDF, each case's letters
    records = []
    for case in cases:
        records.append(case_record(case))
        progress(len(records), total)
    payload = {
        "subject": person.name,
        "school": school.name,
        "generated_at": timezone.now(),
        "note": "All case records held about you under the school's social media policy. Private staff notes are withheld under the exemptions in the Data Protection Act 2018; their number is shown.",
        "cases": records,
    }
    entries = chron.for_cases(cases, include_private=False)
    pdf = render_pdf("cases/subject_access.html", {"school": school, "person": person, "records": records, "entries": entries, "generated_at": timezone.localtime()})
    buf = io.BytesIO()
    letters = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("subject-access.json", json.dumps(payload, cls=DjangoJSONEncoder, indent=2))
        zf.writestr("subject-access.pdf", pdf)
        progress(len(cases) + 1, total)
        for n, case in enumerate(cases, start=1):
            for letter in case.letters.filter(status="sent"):
                try:
                    zf.writestr(f"letters/{case.reference}-{letter.pk}-{letter.kind}.pdf", letter.pdf_bytes())
                    letters += 1
                except OSError:
                    pass
            progress(len(cases) + 1 + n, total)
    summary = {"cases": len(cases), "evidence": sum(len(r["evidence"]) for r in records), "letters": letters, "references": [c.reference for c in cases]}
    return buf.getvalue(), summary
