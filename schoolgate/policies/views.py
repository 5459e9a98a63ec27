"""Policy pages: public read-only policy, the staff policy page, the review cycle and acknowledgements."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from schoolgate.accounts import rate_limited
from schoolgate.audit.models import record
from schoolgate.schools.access import school_view
from schoolgate.schools.models import EVERYONE, STAFF_ROLES, School

from .audit_events import AuditEvent
from .forms import ClauseForm, DraftForm
from .models import PolicyVersion
from .review_cycle import PolicyError, acknowledge, differences, draft_from, fingerprint, publish, send_reminders

EDITORS = {"headteacher"}


def public(request, slug):
    """Anyone may read a school's current policy: it is a public document."""
    school = get_object_or_404(School, slug=slug)
    version = school.current_policy()
    if version is None:
        raise Http404("This school has not published a policy yet.")
    ack = None
    if request.user.is_authenticated:
        ack = version.acknowledgements.filter(user=request.user).first()
    return render(request, "policies/public.html", {"public_school": school, "version": version, "ack": ack})


@school_view(STAFF_ROLES)
def staff(request):
    school = request.school
    current = school.current_policy()
    drafts = school.policy_versions.filter(status=PolicyVersion.Status.DRAFT)
    versions = school.policy_versions.exclude(status=PolicyVersion.Status.DRAFT)
    pending = current.acknowledgements.filter(acknowledged_at__isnull=True).select_related("user") if current else []
    done = current.acknowledgements.filter(acknowledged_at__isnull=False).count() if current else 0
    return render(
        request,
        "policies/staff.html",
        {"version": current, "drafts": drafts, "versions": versions, "pending": pending, "acknowledged": done, "can_edit": bool(request.roles & EDITORS)},
    )


class StartReviewForm(forms.Form):
    version = forms.CharField(max_length=80, label="New version name", help_text="For example “November 2026”.")


@school_view(EDITORS)
@require_POST
def start_review(request):
    current = request.school.current_policy()
    form = StartReviewForm(request.POST)
    if current is None or not form.is_valid():
        messages.error(request, "Give the new version a name.")
        return redirect("policies:staff", slug=request.school.slug)
    try:
        draft = draft_from(current, version_label=form.cleaned_data["version"].strip(), actor=request.user)
    except PolicyError as exc:
        messages.error(request, str(exc))
        return redirect("policies:staff", slug=request.school.slug)
    return redirect("policies:draft", slug=request.school.slug, pk=draft.pk)


@school_view(EDITORS)
@require_http_methods(["GET", "POST"])
def draft(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk, school=request.school, status=PolicyVersion.Status.DRAFT)
    clause_forms = [ClauseForm(request.POST or None, instance=c, prefix=f"c{c.pk}") for c in version.clauses.all()]
    form = DraftForm(request.POST or None, instance=version)
    if request.method == "POST":
        if form.is_valid() and all(f.is_valid() for f in clause_forms):
            form.save()
            changed = [f.instance.clause_id for f in clause_forms if f.has_changed()]
            for f in clause_forms:
                if f.has_changed():
                    f.save()
            record(AuditEvent.EDIT_DRAFT, actor=request.user, school=request.school, target=version, summary=f"Edited draft {version.version}", clauses=changed)
            if request.POST.get("action") == "check":
                # "Approve and publish" saves what is on screen, then asks the head to check the changes.
                previous = request.school.current_policy()
                return render(
                    request,
                    "policies/review_check.html",
                    {"version": version, "previous": previous, "changes": differences(version, previous), "checked": fingerprint(version)},
                )
            messages.success(request, "Draft saved.")
            return redirect("policies:draft", slug=request.school.slug, pk=version.pk)
        messages.error(request, "Please correct the errors below.")
    return render(request, "policies/draft.html", {"version": version, "form": form, "clause_forms": clause_forms}, status=400 if request.method == "POST" else 200)


@school_view(EDITORS)
@require_POST
def publish_view(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk, school=request.school)
    try:
        count = publish(version, actor=request.user, request=request, checked=request.POST.get("checked") or None)
    except PolicyError as exc:
        messages.error(request, str(exc))
        if version.status == PolicyVersion.Status.DRAFT:
            return redirect("policies:draft", slug=request.school.slug, pk=version.pk)
        return redirect("policies:staff", slug=request.school.slug)
    messages.success(request, f"Version {version.version} published. {count} people have been asked to read and acknowledge it.")
    return redirect("policies:staff", slug=request.school.slug)


@school_view(EVERYONE)
@require_http_methods(["GET", "POST"])
def acknowledge_view(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk, school=request.school, status=PolicyVersion.Status.PUBLISHED)
    if request.method == "POST":
        acknowledge(version, request.user)
        messages.success(request, "Thank you: your acknowledgement has been recorded.")
        return redirect("schools:dashboard", slug=request.school.slug)
    return redirect("policies:public", slug=request.school.slug)


@school_view({"headteacher", "dsl"})
@require_POST
@rate_limited("reminders")
def remind(request, pk):
    version = get_object_or_404(PolicyVersion, pk=pk, school=request.school, status=PolicyVersion.Status.PUBLISHED)
    sent = send_reminders(version, actor=request.user, min_days_between=0, request=request)
    messages.success(request, f"Reminder sent to {sent} people.")
    return redirect("policies:staff", slug=request.school.slug)
