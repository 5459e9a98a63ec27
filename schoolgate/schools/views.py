"""Home, dashboard and roster pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from schoolgate.audit.models import AuditEntry

from .access import school_view
from .accounts import RoleError, give_role, grantable_roles, remove_role
from .background import BackgroundJob, fail_dead
from .background_tasks import retry, start
from .dashboard import dashboard_panels
from .forms import AccountForm, ContactForm, RosterUploadForm
from .models import EVERYONE, LEADERSHIP, MODERATORS, Membership
from .paging import paged
from .reauth import reauth_required
from .roster import INLINE_ROWS, RosterError, check_roster, import_roster, update_contact

PER_PAGE = 100  # rosters run to 20,000 people and audit logs to millions of entries: lists are paged


@login_required
def home(request):
    memberships = Membership.objects.filter(user=request.user).select_related("school")
    schools = {m.school for m in memberships}
    if len(schools) == 1:
        return redirect("schools:dashboard", slug=schools.pop().slug)
    return render(request, "schools/home.html", {"memberships": memberships, "schools": sorted(schools, key=lambda s: s.name)})


@school_view(EVERYONE)
def dashboard(request):
    context = {"panels": dashboard_panels(request)}
    if "parent" in request.roles:
        context["children"] = [c for m in request.memberships if m.role == "parent" for c in m.children()]
    return render(request, "schools/dashboard.html", context)


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def roster(request):
    school = request.school
    if request.method == "POST" and request.POST.get("action") == "contact":
        return _roster_contact(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            # Checked here (no write), so a bad file is refused on the page at once, with every line's problem.
            rows = check_roster(school, data)
            if len(rows) > INLINE_ROWS:
                job = start(school, kind="roster_import", title=f"Roster import from {upload.name[:100]} ({len(rows):,} rows)",
                            user=request.user, params={"source": upload.name[:100]}, input_data=data)
                return redirect("schools:roster_import", slug=school.slug, job_pk=job.pk)
            result = import_roster(school, data, actor=request.user, source=upload.name)
        except RosterError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Roster imported: {result.summary()}.")
            return redirect("schools:roster", slug=school.slug)
    status = 400 if errors or form.errors else 200
    return render(request, "schools/roster.html", {"form": form, "errors": errors, "people": _people_page(request)}, status=status)


def _people_page(request):
    people = request.school.people.prefetch_related("children_links__child").order_by("kind", "name")
    return paged(request, people, per_page=PER_PAGE)


def _import_job(request, job_pk) -> BackgroundJob:
    job = BackgroundJob.objects.filter(pk=job_pk, school=request.school, kind="roster_import").first()
    if job is None:
        raise Http404("No such import")
    if job.is_dead:
        fail_dead()
        job.refresh_from_db()
    return job


def _import_urls(request, job) -> dict:
    args = [request.school.slug, job.pk]
    return {"progress_url": reverse("schools:roster_import_progress", args=args), "retry_url": reverse("schools:roster_import_retry", args=args)}


@school_view(MODERATORS)
def roster_import(request, job_pk):
    """A large roster file being imported by the background worker: its progress, then what it did."""
    job = _import_job(request, job_pk)
    return render(request, "schools/roster_import.html", {"job": job, **_import_urls(request, job)})


@school_view(MODERATORS)
def roster_import_progress(request, job_pk):
    job = _import_job(request, job_pk)
    return render(request, "schools/_job.html", {"job": job, **_import_urls(request, job)})


@school_view(MODERATORS)
@require_POST
def roster_import_retry(request, job_pk):
    job = _import_job(request, job_pk)
    if not retry(job):
        messages.error(request, "Only an import that failed can be tried again.")
    return redirect("schools:roster_import", slug=request.school.slug, job_pk=job.pk)


def _roster_contact(request):
    """The roster page's "contact details" form for one person (title, postal address, e-mail)."""
    school = request.school
    contact = ContactForm(request.POST)
    person = None
    if contact.is_valid():
        person = school.people.filter(pk=contact.cleaned_data["person"]).first()
        if person is None:
            contact.add_error(None, "That person is not on this school's roster.")
        else:
            data = contact.cleaned_data
            try:
                update_contact(person, title=data["title"], address=data["address"], email=data["email"], actor=request.user)
            except RosterError as exc:
                for problem in exc.errors:
                    contact.add_error(None, problem)
            else:
                messages.success(request, f"Contact details of {person.name} saved.")
                return redirect("schools:roster", slug=school.slug)
    return render(request, "schools/roster.html",
                  {"form": RosterUploadForm(), "errors": [], "people": _people_page(request), "contact": contact, "contact_person": person}, status=400)


@school_view(LEADERSHIP)
@reauth_required
def audit_log(request):
    entries = paged(request, AuditEntry.objects.filter(school=request.school).order_by("-id"), per_page=PER_PAGE)
    return render(request, "schools/audit.html", {"entries": entries})


@school_view({"headteacher", "office"})
@require_http_methods(["GET", "POST"])
def people(request):
    """Log-ins and roles at this school. The Headteacher gives any role; the office parents and teachers."""
    school = request.school
    allowed = grantable_roles(request.roles)
    form = AccountForm(request.POST or None, school=school, allowed_roles=allowed)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                give_role(school, email=data["email"], full_name=data["full_name"], role=data["role"], person=data["person"], actor=request.user, request=request)
            except RoleError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(request, f"{data['email']} can now log in as {dict(form.fields['role'].choices)[data['role']]}. They have been e-mailed a link to choose a password.")
                return redirect("schools:people", slug=school.slug)
        status = 400
    memberships = school.memberships.select_related("user", "person").order_by("role", "user__last_name")
    return render(request, "schools/people.html", {"form": form, "memberships": memberships, "grantable": allowed}, status=status)


@school_view({"headteacher", "office"})
@require_POST
def remove_membership(request, pk):
    membership = get_object_or_404(Membership, pk=pk, school=request.school)
    if membership.role not in grantable_roles(request.roles):
        raise PermissionDenied("Your role cannot remove this role.")
    try:
        remove_role(membership, actor=request.user)
    except RoleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Removed {membership.get_role_display()} from {membership.user.username}.")
    return redirect("schools:people", slug=request.school.slug)
