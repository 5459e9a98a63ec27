"""Home, dashboard and roster pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from schoolgate.audit.models import AuditEntry

from .access import school_view
from .dashboard import dashboard_panels
from .forms import RosterUploadForm
from .models import EVERYONE, LEADERSHIP, MODERATORS, Membership
from .roster import RosterError, import_roster


@login_required
def home(request):
    memberships = Membership.objects.filter(user=request.user).select_related("school")
    schools = {m.school for m in memberships}
    if len(schools) == 1:
        return redirect("schools:dashboard", slug=schools.pop().slug)
    return render(request, "schools/home.html", {"memberships": memberships, "schools": sorted(schools, key=lambda s: s.name)})


@school_view(EVERYONE)
def dashboard(request):
    school = request.school
    context = {"panels": dashboard_panels(request)}
    if "parent" in request.roles:
        context["children"] = [c for m in request.memberships if m.role == "parent" for c in m.children()]
    return render(request, "schools/dashboard.html", context)


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def roster(request):
    school = request.school
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_roster(school, upload.read(), actor=request.user, source=upload.name)
        except RosterError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Roster imported: {result.summary()}.")
            return redirect("schools:roster", slug=school.slug)
    people = school.people.prefetch_related("children_links__child").order_by("kind", "name")
    status = 400 if errors or form.errors else 200
    return render(request, "schools/roster.html", {"form": form, "errors": errors, "people": people}, status=status)


@school_view(LEADERSHIP)
def audit_log(request):
    entries = AuditEntry.objects.filter(school=request.school).order_by("-id")[:300]
    return render(request, "schools/audit.html", {"entries": entries})
