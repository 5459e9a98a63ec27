"""Case pages. Every view goes through `school_view` and then `_case()` (Case.objects.visible_to).

Every view of a case, download included, is written to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from schoolgate.audit.models import record
from schoolgate.channel.models import ReviewItem
from schoolgate.schools.access import id_from, school_view
from schoolgate.schools.models import LEADERSHIP, MODERATORS, STAFF_ROLES, Membership, Person, Role
from schoolgate.schools.paging import paged

from . import chronology as chron
from . import letters
from . import screenshots as shots
from .assessment import set_assessments
from .audit_events import AuditEvent
from .closing import close_case
from .deadlines import meet_deadline, overdue_deadlines
from .errors import CaseError
from .evidence import EvidenceRejected
from .evidence_changes import add_evidence_file, add_evidence_text, add_evidence_url
from .evidence_changes import rejudge as rejudge_item
from .forms import AssessForm, CloseForm, FileEvidenceForm, LetterForm, NoteForm, OpenCaseForm, StepForm, TextEvidenceForm, UrlEvidenceForm
from .ladder import current_step, ladder_for, recommend_for
from .models import Case, Deadline, Evidence, Letter
from .notes import add_note
from .opening import open_case
from .staffing import add_member, assign
from .steps import skip_step, take_step


def _case(request, pk) -> Case:
    case = Case.objects.visible_to(request.user, request.school, request.roles).filter(pk=pk).select_related("school", "parent", "assigned_to").first()
    if case is None:
        raise Http404("No such case")
    return case


def _can_act(request, case) -> bool:
    """Leadership, or the office member the case is assigned to, may take steps and write letters."""
    if request.roles & LEADERSHIP:
        return True
    # Being added to a case lets an office member read it and add notes; acting on it needs the assignment.
    return Role.OFFICE in request.roles and case.assigned_to_id == request.user.pk


def _require_act(request, case):
    if not _can_act(request, case):
        raise PermissionDenied("Only the Headteacher, the DSL or the office member assigned to this case can do this.")


def _viewed(request, case, event: AuditEvent = AuditEvent.VIEW, **details):
    what = "" if event is AuditEvent.VIEW else f" ({event.removeprefix('case.view_').replace('_', ' ')})"
    record(event, actor=request.user, school=request.school, target=case, summary=f"Viewed {case.reference}{what}", **details)


def _back(case):
    return redirect("cases:detail", slug=case.school.slug, pk=case.pk)


@school_view(STAFF_ROLES)
def case_list(request):
    cases = Case.objects.visible_to(request.user, request.school, request.roles).select_related("parent", "assigned_to")
    status = request.GET.get("status", "open")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    rows = [{"case": c, "step": current_step(c)} for c in cases[:200]]
    overdue = overdue_deadlines(Case.objects.visible_to(request.user, request.school, request.roles))
    record(AuditEvent.VIEW_LIST, actor=request.user, school=request.school, summary=f"Viewed the case list ({status})", count=len(rows))
    return render(request, "cases/list.html", {"rows": rows, "status": status, "overdue": overdue, "can_open": bool(request.roles & MODERATORS)})


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def open_view(request):
    initial = {}
    if request.GET.get("parent"):
        initial["parent"] = request.GET.get("parent")
    form = OpenCaseForm(request.POST or None, school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        parent = d["parent"]
        try:
            case = open_case(
                request.school, opened_by=request.user, concern=d["concern"],
                parent_user=parent.user if parent and parent.user_id else None,
                parent_name=parent.name if parent else d["parent_name"],
                evidence_text=d["evidence_text"], evidence_label=d["evidence_label"], assessments=d["assessments"],
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Opened {case.reference}.")
            return _back(case)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/open.html", {"form": form}, status=status)


# The judge's categories that match a case assessment flag of the same meaning.
CATEGORY_ASSESSMENTS = {"allegation": "defamatory", "harassment": "harassment", "hate": "racial", "obscene": "grossly_obscene", "threat": "threatens_violence"}


@school_view(MODERATORS)
@require_POST
def open_from_review(request, item_pk):
    """Open a case from a comment or post the review queue rejected, with its text as the first evidence."""
    school = request.school
    entry = get_object_or_404(ReviewItem, pk=item_pk, school=school)
    if entry.status != ReviewItem.Status.REJECTED:
        messages.error(request, "A case can be opened from a rejected item.")
        return redirect("channel:item", slug=school.slug, pk=entry.pk)
    categories = sorted({f["category"] for f in entry.findings})
    # It was written on the school's own forum; the judge's categories suggest the case's other flags.
    assessments = ["on_school_forum"] + [CATEGORY_ASSESSMENTS[c] for c in categories if c in CATEGORY_ASSESSMENTS]
    when = timezone.localtime(entry.created_at).strftime("%-d %B %Y %H:%M")
    reason = entry.reason_clause or entry.reason_text or "no reason given"
    try:
        case = open_case(
            school, opened_by=request.user,
            concern=f"{entry.get_kind_display()} rejected on the school channel ({reason}). Judge's categories: {', '.join(categories) or 'none'}.",
            parent_user=entry.author, parent_name=entry.author_label, source="review_queue", evidence_text=entry.text,
            evidence_label=f"{entry.get_kind_display()} submitted to the school channel on {when}",
            assessments=tuple(dict.fromkeys(assessments)),
        )
    except CaseError as exc:
        messages.error(request, f"The case was not opened: {exc}")
        return redirect("channel:item", slug=school.slug, pk=entry.pk)
    messages.success(request, "Case opened with the rejected text as evidence.")
    return _back(case)


@school_view(STAFF_ROLES)
def detail(request, pk):
    case = _case(request, pk)
    _viewed(request, case)
    return render(request, "cases/detail.html", _detail_context(request, case))


# A case can gather hundreds of items and notes; the page shows them a page at a time (newest notes first).
EVIDENCE_PER_PAGE = 25
NOTES_PER_PAGE = 25
CHRONOLOGY_PER_PAGE = 100  # the page; the PDF (and so a printed copy) keeps every entry


def _with_screenshot_state(page):
    """Each screenshot on the page says whether its reading or its policy check failed (and can be tried again)."""
    page.object_list = list(page.object_list)
    for item in page.object_list:
        item.another_try = shots.another_try(item)
        item.readings_exist = bool(item.another_try) and item.readings.exists()
    return page


def _detail_context(request, case, **forms):
    staff = get_user_model().objects.filter(memberships__school=case.school, memberships__role__in=sorted(STAFF_ROLES)).distinct().order_by("first_name")
    ladder = ladder_for(case)
    return {
        "case": case,
        "ladder": ladder,
        "recommended": recommend_for(case, ladder),
        "evidence": _with_screenshot_state(paged(request, case.evidence.select_related("corrects").order_by("id"), per_page=EVIDENCE_PER_PAGE, name="evidence_page", anchor="evidence")),
        "evidence_numbers": [(pk, f"E{pk}") for pk in case.evidence.order_by("id").values_list("pk", flat=True)],
        "letters": case.letters.all(),
        "deadlines": case.deadlines.all(),
        "notes": paged(request, case.notes.order_by("-at", "-id"), per_page=NOTES_PER_PAGE, name="notes_page", anchor="notes"),
        "can_act": _can_act(request, case),
        "is_leadership": bool(request.roles & LEADERSHIP),
        "text_form": forms.get("text_form") or TextEvidenceForm(),
        "url_form": forms.get("url_form") or UrlEvidenceForm(),
        "file_form": forms.get("file_form") or FileEvidenceForm(),
        "assess_form": forms.get("assess_form") or AssessForm(initial={"assessments": case.assessments}),
        "note_form": forms.get("note_form") or NoteForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "staff": staff,
    }


def _rerender(request, case, status=400, **forms):
    return render(request, "cases/detail.html", _detail_context(request, case, **forms), status=status)


@school_view(STAFF_ROLES)
@require_POST
def add_evidence(request, pk, kind):
    case = _case(request, pk)
    corrects = None
    if request.POST.get("corrects"):
        corrects_id = id_from(request.POST["corrects"])
        corrects = case.evidence.filter(pk=corrects_id).first() if corrects_id else None
        if corrects is None:
            messages.error(request, "The item to correct was not found in this case.")
            return _rerender(request, case)
    try:
        if kind == "text":
            form = TextEvidenceForm(request.POST)
            if not form.is_valid():
                return _rerender(request, case, text_form=form)
            item = add_evidence_text(case, text=form.cleaned_data["text"], label=form.cleaned_data["label"], added_by=request.user, corrects=corrects)
        elif kind == "url":
            form = UrlEvidenceForm(request.POST)
            if not form.is_valid():
                return _rerender(request, case, url_form=form)
            d = form.cleaned_data
            item = add_evidence_url(case, url=d["url"], seen_on=d["seen_on"], label=d["label"], note_text=d["text"], added_by=request.user, corrects=corrects)
        elif kind == "file":
            form = FileEvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                return _rerender(request, case, file_form=form)
            item = add_evidence_file(case, upload=form.cleaned_data["file"], label=form.cleaned_data["label"], added_by=request.user, corrects=corrects)
        else:
            raise Http404("No such evidence kind")
    except EvidenceRejected as exc:
        form.add_error("file", str(exc))
        messages.error(request, str(exc))
        return _rerender(request, case, file_form=form)
    except CaseError as exc:
        messages.error(request, str(exc))
        return _rerender(request, case)
    messages.success(request, f"Added {item.number} (SHA-256 {item.sha256[:16]}…).")
    return _back(case)


@school_view(STAFF_ROLES)
@require_POST
def rejudge(request, pk, eid):
    case = _case(request, pk)
    item = get_object_or_404(Evidence, case=case, pk=eid)
    try:
        rejudge_item(item, actor=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
    return _back(case)


@school_view(STAFF_ROLES)
def evidence_file(request, pk, eid):
    case = _case(request, pk)
    item = get_object_or_404(Evidence, case=case, pk=eid, kind=Evidence.Kind.FILE)
    try:
        data = item.content_bytes()
    except OSError:
        raise Http404("The stored file is missing") from None
    _viewed(request, case, AuditEvent.VIEW_EVIDENCE_FILE, evidence=item.pk, sha256=item.sha256)
    response = HttpResponse(data, content_type=item.content_type)
    ext = item.file.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-{item.number}.{ext}"'
    return response


@school_view(MODERATORS)
@require_POST
def assess(request, pk):
    case = _case(request, pk)
    _require_act(request, case)
    form = AssessForm(request.POST)
    if not form.is_valid():
        return _rerender(request, case, assess_form=form)
    try:
        set_assessments(case, assessments=form.cleaned_data["assessments"], actor=request.user, reason=form.cleaned_data["reason"])
    except CaseError as exc:
        messages.error(request, str(exc))
        return _rerender(request, case)
    messages.success(request, "Assessment recorded.")
    return _back(case)


@school_view(MODERATORS)
@require_POST
def step(request, pk, step_id):
    case = _case(request, pk)
    _require_act(request, case)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _rerender(request, case)
    try:
        if form.cleaned_data["action"] == "skip":
            skip_step(case, step_id=step_id, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "Step skipped; the reason is recorded.")
        else:
            take_step(case, step_id=step_id, actor=request.user, outcome=form.cleaned_data["outcome"])
            messages.success(request, "Step recorded.")
    except CaseError as exc:
        messages.error(request, str(exc))
        return _rerender(request, case)
    return _back(case)


@school_view(MODERATORS)
@require_POST
def letter_new(request, pk, step_id):
    case = _case(request, pk)
    _require_act(request, case)
    try:
        letter = letters.draft_letter(case, step_id=step_id, actor=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
        return _rerender(request, case)
    return redirect("cases:letter", slug=case.school.slug, pk=case.pk, lid=letter.pk)


def _letter_form(case, letter, data=None, *, sending=False):
    initial = {
        "clauses": [c["id"] for c in letter.context.get("clauses", ())],
        "evidence": [str(e["id"]) for e in letter.context.get("evidence", ())],
        "delivery": Letter.Delivery.EMAIL if letter.recipient_email else "",
    }
    return LetterForm(data, instance=letter, initial=initial, sending=sending,
                      clause_choices=letters.clause_choices(case), evidence_choices=letters.evidence_choices(case))


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def letter(request, pk, lid):
    case = _case(request, pk)
    letter = get_object_or_404(Letter, case=case, pk=lid)
    if request.method == "GET":
        _viewed(request, case, AuditEvent.VIEW_LETTER, letter=letter.pk)
        return render(request, "cases/letter.html", {"case": case, "letter": letter, "form": _letter_form(case, letter), "can_act": _can_act(request, case)})
    _require_act(request, case)
    if letter.is_sent:
        messages.error(request, "This letter has been sent and can no longer be changed.")
        return redirect("cases:letter", slug=case.school.slug, pk=case.pk, lid=letter.pk)
    sending = bool(request.POST.get("send"))
    form = _letter_form(case, Letter.objects.get(pk=letter.pk), request.POST, sending=sending)
    if not form.is_valid():
        return render(request, "cases/letter.html", {"case": case, "letter": letter, "form": form, "can_act": True}, status=400)
    try:
        letter = letters.update_letter(letter, data=form.cleaned_data, actor=request.user)
        if sending:
            letter = letters.send_letter(letter, actor=request.user, delivery=form.cleaned_data["delivery"])
            messages.success(request, f"{letter.get_kind_display()}: {letter.delivery_sentence}. The PDF is kept on the case.")
            return _back(case)
    except CaseError as exc:
        messages.error(request, str(exc))
        return render(request, "cases/letter.html", {"case": case, "letter": Letter.objects.get(pk=letter.pk), "form": form, "can_act": True}, status=400)
    messages.success(request, "Draft saved.")
    return redirect("cases:letter", slug=case.school.slug, pk=case.pk, lid=letter.pk)


@school_view(MODERATORS)
@require_POST
def letter_preview(request, pk, lid):
    """The PDF of the letter form as it stands on screen, unsaved: "Preview PDF" posts the form here."""
    case = _case(request, pk)
    _require_act(request, case)
    letter = get_object_or_404(Letter, case=case, pk=lid)
    if letter.is_sent:
        return redirect("cases:letter_pdf", slug=case.school.slug, pk=case.pk, lid=letter.pk)
    form = _letter_form(case, letter, request.POST)
    if not form.is_valid():
        return render(request, "cases/letter.html", {"case": case, "letter": letter, "form": form, "can_act": True}, status=400)
    pdf = letters.preview_letter(letter, data=form.cleaned_data)
    _viewed(request, case, AuditEvent.VIEW_LETTER_PDF, letter=letter.pk, sent=False, preview=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}-{letter.kind}-PREVIEW.pdf"'
    return response


@school_view(STAFF_ROLES)
def letter_pdf(request, pk, lid):
    case = _case(request, pk)
    letter = get_object_or_404(Letter, case=case, pk=lid)
    if letter.is_sent:
        try:
            pdf = letter.pdf_bytes()
        except OSError:
            raise Http404("The stored letter is missing") from None
        name = f"{case.reference}-{letter.kind}.pdf"
    else:
        pdf = letters.render_letter(letter)
        name = f"{case.reference}-{letter.kind}-DRAFT.pdf"
    _viewed(request, case, AuditEvent.VIEW_LETTER_PDF, letter=letter.pk, sent=letter.is_sent)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@school_view(STAFF_ROLES)
@require_POST
def note(request, pk):
    case = _case(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _rerender(request, case, note_form=form)
    try:
        add_note(case, text=form.cleaned_data["text"], author=request.user, private=form.cleaned_data["private"])
    except CaseError as exc:
        messages.error(request, str(exc))
        return _rerender(request, case, note_form=form)
    messages.success(request, "Note added.")
    return _back(case)


@school_view(LEADERSHIP)
@require_POST
def staff_access(request, pk):
    case = _case(request, pk)
    user_id = id_from(request.POST.get("user"))
    member = Membership.objects.filter(school=request.school, user_id=user_id, role__in=sorted(STAFF_ROLES)).select_related("user").first() if user_id else None
    if member is None:
        messages.error(request, "Choose a member of staff of this school.")
        return _rerender(request, case)
    try:
        if request.POST.get("what") == "assign":
            assign(case, user=member.user, actor=request.user)
        else:
            add_member(case, user=member.user, actor=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
        return _rerender(request, case)
    messages.success(request, "Access updated.")
    return _back(case)


@school_view(MODERATORS)
@require_POST
def deadline_met(request, pk, did):
    case = _case(request, pk)
    _require_act(request, case)
    deadline = get_object_or_404(Deadline, case=case, pk=did)
    try:
        meet_deadline(deadline, actor=request.user, note=request.POST.get("note", "")[:300])
    except CaseError as exc:
        messages.error(request, str(exc))
    return _back(case)


@school_view(MODERATORS)
@require_POST
def close(request, pk):
    case = _case(request, pk)
    _require_act(request, case)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Closing a case needs an outcome.")
        return _rerender(request, case, close_form=form)
    try:
        close_case(case, outcome=form.cleaned_data["outcome"], actor=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
        return _rerender(request, case)
    messages.success(request, f"{case.reference} closed.")
    return _back(case)


@school_view(STAFF_ROLES)
def chronology(request, pk):
    case = _case(request, pk)
    if request.GET.get("format") == "pdf":  # the PDF is prepared in the background (export_views)
        return redirect("cases:case_export", slug=case.school.slug, pk=case.pk, what="chronology-pdf")
    entries = paged(request, chron.for_case(case, include_private=True), per_page=CHRONOLOGY_PER_PAGE)
    _viewed(request, case, AuditEvent.VIEW_CHRONOLOGY)
    return render(request, "cases/chronology.html", {"case": case, "entries": entries, "title": f"{case.reference}: chronology"})


def _parent_cases(request, person):
    return Case.objects.visible_to(request.user, request.school, request.roles).filter(parent=person)


@school_view(STAFF_ROLES)
def parent_chronology(request, person_pk):
    person = get_object_or_404(Person, school=request.school, pk=person_pk, kind=Person.Kind.PARENT)
    cases = list(_parent_cases(request, person))
    if not cases:
        raise Http404("No cases you can see about this parent/carer")
    if request.GET.get("format") == "pdf":  # the PDF is prepared in the background (export_views)
        return redirect("cases:parent_export_kind", slug=request.school.slug, person_pk=person.pk, what="chronology-pdf")
    entries = paged(request, chron.for_cases(cases, include_private=True, school=request.school, user=person.user), per_page=CHRONOLOGY_PER_PAGE)
    with transaction.atomic():
        for case in cases:
            _viewed(request, case, AuditEvent.VIEW_PARENT_CHRONOLOGY, person=person.pk)
    return render(request, "cases/chronology.html", {"person": person, "cases": cases, "entries": entries, "title": f"Chronology: {person.name}"})
