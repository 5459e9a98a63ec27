"""Case documents prepared in the background: the page to ask for one, its progress (polled by htmx every
2 s), the download when it is ready, and a retry when it failed.

A download is only for the member of staff who asked for it, and only while they may still see the case
(or, for a parent/carer's documents, the cases about them): the same `_case()` rule as every case page,
checked again at every request. Every download is written to the audit log, as the old direct downloads were.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from schoolgate.audit.models import record
from schoolgate.schools.access import school_view
from schoolgate.schools.background import BackgroundJob, fail_dead, latest
from schoolgate.schools.background_tasks import retry, start
from schoolgate.schools.models import LEADERSHIP, STAFF_ROLES, Person
from schoolgate.schools.reauth import reauth_required

from .audit_events import AuditEvent
from .models import Case
from .views import _case, _viewed


@dataclass(frozen=True)
class Export:
    kind: str  # the background job's kind
    what: str  # in words, for the page
    about: str  # "case" or "parent"
    leadership_only: bool = False


CASE_EXPORTS = {
    "evidence-pack": Export("evidence_pack", "Evidence pack (PDF)", "case"),
    "chronology-pdf": Export("case_chronology", "Chronology (PDF)", "case"),
}
PARENT_EXPORTS = {
    "chronology-pdf": Export("parent_chronology", "Chronology of every case (PDF)", "parent"),
    "subject-access": Export("subject_access", "Subject access export (zip)", "parent", leadership_only=True),
}
BY_KIND = {e.kind: e for e in (*CASE_EXPORTS.values(), *PARENT_EXPORTS.values())}


def _parent(request, person_pk, export: Export) -> tuple[Person, list[Case]]:
    if export.leadership_only and not request.roles & LEADERSHIP:
        raise PermissionDenied("Only the Headteacher or the DSL can prepare a subject access export.")
    person = get_object_or_404(Person, school=request.school, pk=person_pk, kind=Person.Kind.PARENT)
    cases = list(Case.objects.visible_to(request.user, request.school, request.roles).filter(parent=person))
    if not cases and not export.leadership_only:
        raise Http404("No cases you can see about this parent/carer")
    return person, cases


def _page(request, export: Export, params: dict, title: str, back: str):
    if request.method == "POST":
        start(request.school, kind=export.kind, title=f"{export.what}: {title}", user=request.user, params=params)
        return redirect(request.path)
    job = latest(request.school, kind=export.kind, user=request.user, params=params)
    return render(request, "cases/export.html", {"export": export, "job": job, "title": title, "back": back, **_urls(request, job)})


def _urls(request, job) -> dict:
    if job is None:
        return {}
    args = [request.school.slug, job.pk]
    return {"progress_url": reverse("cases:job_progress", args=args), "download_url": reverse("cases:job_download", args=args),
            "retry_url": reverse("cases:job_retry", args=args)}


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
@reauth_required
def case_export(request, pk, what):
    export = CASE_EXPORTS.get(what)
    if export is None:
        raise Http404("No such document")
    case = _case(request, pk)
    return _page(request, export, {"case": case.pk}, case.reference, reverse("cases:detail", args=[case.school.slug, case.pk]))


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
@reauth_required
def parent_export(request, person_pk, what="subject-access"):
    export = PARENT_EXPORTS.get(what)
    if export is None:
        raise Http404("No such document")
    person, _ = _parent(request, person_pk, export)
    return _page(request, export, {"person": person.pk}, person.name, reverse("cases:parent", args=[request.school.slug, person.pk]))


def _job(request, job_pk) -> tuple[BackgroundJob, Export]:
    """The job, if this person asked for it and may still see what it is about; 404 otherwise."""
    job = BackgroundJob.objects.filter(pk=job_pk, school=request.school, created_by=request.user, kind__in=BY_KIND).first()
    if job is None:
        raise Http404("No such document")
    export = BY_KIND[job.kind]
    if export.about == "case":
        _case(request, job.params.get("case"))
    else:
        _parent(request, job.params.get("person"), export)
    return job, export


@school_view(STAFF_ROLES)
def job_progress(request, job_pk):
    job, export = _job(request, job_pk)
    if job.is_dead:
        fail_dead()
        job.refresh_from_db()
    return render(request, "schools/_job.html", {"job": job, **_urls(request, job)})


@school_view(STAFF_ROLES)
@require_POST
def job_retry(request, job_pk):
    job, export = _job(request, job_pk)
    if not retry(job):
        messages.error(request, "Only a job that failed can be tried again.")
    args = [request.school.slug, job.params.get("case") or job.params.get("person")]
    if export.about == "case":
        page = reverse("cases:case_export", args=[*args, _slug(CASE_EXPORTS, export)])
    else:
        page = reverse("cases:parent_export_kind", args=[*args, _slug(PARENT_EXPORTS, export)])
    return redirect(page)


def _slug(exports: dict, export: Export) -> str:
    return next(k for k, v in exports.items() if v is export)


@school_view(STAFF_ROLES)
@reauth_required
def job_download(request, job_pk):
    job, export = _job(request, job_pk)
    if job.status != BackgroundJob.Status.DONE or not job.file:
        raise Http404("This document is not ready")
    try:
        data = job.read()
    except OSError:
        raise Http404("The prepared file is no longer kept; prepare it again") from None
    with transaction.atomic():
        if export.about == "case":
            event = AuditEvent.VIEW_EVIDENCE_PACK if export.kind == "evidence_pack" else AuditEvent.VIEW_CHRONOLOGY_PDF
            _viewed(request, _case(request, job.params["case"]), event, job=job.pk, sha256=job.sha256)
        elif export.kind == "subject_access":
            person = Person.objects.get(pk=job.params["person"])
            record(AuditEvent.SUBJECT_ACCESS_EXPORT, actor=request.user, school=request.school, target=person,
                   summary=f"Subject access export for {person.name} downloaded", job=job.pk, sha256=job.sha256)
        else:
            _, cases = _parent(request, job.params["person"], export)
            for case in cases:
                _viewed(request, case, AuditEvent.VIEW_PARENT_CHRONOLOGY, person=job.params["person"], job=job.pk)
    response = HttpResponse(data, content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
