"""Chat scans in the web app.

Access: the Headteacher and the DSL only. The policy gives the Headteacher the power to view parents'
group messages with a parent's permission; the DSL deputises (safeguarding concerns surface here). The
office moderates the school's own channel but has no need to read private parent chats, so it is left
out (data minimisation): it can be added to SCAN_ROLES if a school decides otherwise.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolgate.audit.models import record
from schoolgate.policies.judging import NoPolicy
from schoolgate.schools.access import id_from, school_view
from schoolgate.schools.models import LEADERSHIP, actor_label
from schoolgate.schools.paging import paged
from schoolgate.schools.reauth import reauth_required

from . import pdf, report
from .audit_events import AuditEvent
from .followups import open_case_from_finding, send_closure_request
from .forms import ClosureForm, RevealForm, UploadForm, max_upload_bytes
from .models import ChatFinding, ChatScan, ClosureRequest, Participant
from .people import reveal as reveal_participant
from .tasks import enqueue_scan, resume_scan
from .uploads import record_upload

SCAN_ROLES = LEADERSHIP
SCANS_PER_PAGE = 25


def _scan(request, pk) -> ChatScan:
    return get_object_or_404(ChatScan.objects.select_related("school", "permission"), school=request.school, pk=pk)


@school_view(SCAN_ROLES)
@require_GET
def scan_list(request):
    scans = request.school.chat_scans.select_related("permission").annotate(findings_shown=Count("findings")).order_by("-uploaded_at", "-id")
    return render(request, "chats/list.html", {"scans": paged(request, scans, per_page=SCANS_PER_PAGE)})


@school_view(SCAN_ROLES)
@require_http_methods(["GET", "POST"])
def upload(request):
    school = request.school
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            if school.current_policy() is None:
                messages.error(request, "Publish the school's policy first: the scan cites its clauses.")
                return render(request, "chats/upload.html", _upload_context(form, school), status=409)
            scan = record_upload(
                school, user=request.user, permission=form.permission(), upload=form.cleaned_data["file"],
                day_first=form.day_first, administrator=form.cleaned_data["administrator"].strip(),
                platform=getattr(form, "platform", ""),
            )
            enqueue_scan(scan)
            messages.success(request, f"Permission recorded and file uploaded. The original will be deleted on {scan.purge_due:%-d %B %Y}.")
            return redirect("chats:detail", school.slug, scan.pk)
        chosen = request.FILES.get("file")
        if chosen is not None and "file" not in form.errors:
            # A browser never refills a file input: say so at the field rather than drop the file silently.
            form.add_error("file", f"Your file “{chosen.name}” was not kept because of the other problems on this page: choose it again.")
        return render(request, "chats/upload.html", _upload_context(form, school), status=400)
    return render(request, "chats/upload.html", _upload_context(form, school))


def _upload_context(form, school):
    return {
        "form": form,
        "retention_days": school.chat_file_retention_days,
        "purge_date": timezone.localdate() + timedelta(days=school.chat_file_retention_days),
        "max_mb": max_upload_bytes() // 1024**2,
    }


@school_view(SCAN_ROLES)
@require_GET
def detail(request, pk):
    scan = _scan(request, pk)
    context = {"scan": scan, "closures": scan.closure_requests.all()}
    if scan.status == ChatScan.Status.DONE:
        context["report"] = report.for_scan(scan)
        context["participants"] = scan.participants.filter(person__isnull=True, revealed_at__isnull=True)
    return render(request, "chats/detail.html", context)


@school_view(SCAN_ROLES)
@require_GET
def progress(request, pk):
    """The progress bar, polled by htmx every second while the scan runs; a finished scan reloads the page."""
    scan = _scan(request, pk)
    if scan.is_stalled and resume_scan(scan, actor=request.user):
        # No batch saved for minutes: the worker died or restarted. Queue it again; it resumes after the
        # last saved batch (the daily job does the same for scans nobody is watching).
        scan.refresh_from_db()
    response = render(request, "chats/_progress.html", {"scan": scan})
    if not scan.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@school_view(SCAN_ROLES)
@require_POST
def resume(request, pk):
    scan = _scan(request, pk)
    if resume_scan(scan, actor=request.user):
        messages.success(request, "The scan was queued again; it continues after the last batch it saved.")
    else:
        messages.error(request, "This scan is not stalled or failed, or its original file has been deleted.")
    return redirect("chats:detail", request.school.slug, scan.pk)


@school_view(SCAN_ROLES)
@require_GET
def report_pdf(request, pk):
    scan = _scan(request, pk)
    if scan.status != ChatScan.Status.DONE:
        messages.error(request, "The report is ready when the scan has finished.")
        return redirect("chats:detail", request.school.slug, scan.pk)
    data = pdf.report_pdf(report.for_scan(scan), school=request.school, generated_for=actor_label(request.user))
    record(AuditEvent.REPORT_DOWNLOADED, actor=request.user, school=request.school, target=scan, summary="Chat scan report downloaded as PDF")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chat-scan-{scan.pk}.pdf"'
    return response


@school_view(SCAN_ROLES)
@require_POST
@reauth_required
def reveal(request, pk, participant_pk):
    scan = _scan(request, pk)
    participant = get_object_or_404(Participant, scan=scan, pk=participant_pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for revealing the name; it is kept in the audit log.")
        return redirect("chats:detail", request.school.slug, scan.pk)
    reveal_participant(participant, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"Participant {participant.number} is now shown by name. This was recorded in the audit log.")
    return redirect("chats:detail", request.school.slug, scan.pk)


@school_view(SCAN_ROLES)
@require_POST
def open_case(request, pk, finding_pk):
    scan = _scan(request, pk)
    finding = get_object_or_404(ChatFinding, scan=scan, pk=finding_pk)
    if finding.case_pk:
        return _to_case(request, finding.case_pk)
    try:
        case = open_case_from_finding(finding, actor=request.user)
    except (ValueError, NoPolicy) as exc:
        messages.error(request, f"The case could not be opened: {exc}")
        return redirect("chats:detail", request.school.slug, scan.pk)
    messages.success(request, "Case opened with the message (and the messages before and after it) as evidence.")
    return _to_case(request, case.pk)


def _to_case(request, case_pk):
    return redirect("cases:detail", request.school.slug, case_pk)


@school_view(SCAN_ROLES)
@require_http_methods(["GET", "POST"])
def closure(request, pk):
    scan = _scan(request, pk)
    if scan.status != ChatScan.Status.DONE:
        raise Http404("The scan has not finished.")
    finding = None
    finding_pk = id_from(request.POST.get("finding") or request.GET.get("finding"))
    if finding_pk is not None:
        finding = scan.findings.filter(pk=finding_pk).first()
    initial = {"administrator_name": scan.administrator, "body": pdf.default_closure_body(scan, finding)}
    form = ClosureForm(request.POST or None, initial=initial, school=request.school)  # the roster fills the address and greeting
    if request.method == "POST" and form.is_valid():
        letter = send_closure_request(scan, actor=request.user, finding=finding, **form.cleaned_data)
        if letter.emailed:
            messages.success(request, f"The request to close the group was e-mailed to {letter.administrator_name} with the letter attached.")
        elif letter.administrator_email:
            messages.warning(request, "The letter is saved but the e-mail could not be sent; download it and send it by hand.")
        else:
            messages.success(request, "The letter is saved; download it to print and post.")
        return redirect("chats:detail", request.school.slug, scan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "chats/closure.html", {"scan": scan, "form": form, "finding": finding}, status=status)


@school_view(SCAN_ROLES)
@require_GET
def closure_pdf(request, pk, letter_pk):
    scan = _scan(request, pk)
    letter = get_object_or_404(ClosureRequest, scan=scan, pk=letter_pk)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="request-to-close-group-chat-{letter.pk}.pdf"'
    return response
