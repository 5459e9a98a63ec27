"""A screenshot evidence item's page: the picture with the flagged words boxed in place (an SVG overlay),
the messages read from it beside it, corrections of misread words, and revealing non-roster names."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from schoolgate.schools.access import school_view
from schoolgate.schools.models import STAFF_ROLES

from . import screenshots as shots
from .audit_events import AuditEvent
from .errors import CaseError
from .models import Evidence
from .screenshot_tasks import queue_read_again
from .views import _can_act, _case, _viewed


class CorrectionForm(forms.Form):
    message = forms.IntegerField(min_value=1, label="Message number", widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    was = forms.CharField(max_length=500, label="Words as read", help_text="Copy them exactly as they appear in the reading.")
    now = forms.CharField(max_length=500, label="What the screenshot says")
    reason = forms.CharField(max_length=300, label="Why you are correcting it", help_text="For example: misread, the screenshot says “liar”.")


class RevealForm(forms.Form):
    reason = forms.CharField(max_length=300, min_length=5, label="Why you need to see these names",
                             help_text="Recorded in the audit log. For example: to identify who sent the message in the complaint.")


def _item(request, pk, eid):
    case = _case(request, pk)
    item = get_object_or_404(Evidence, case=case, pk=eid, kind=Evidence.Kind.FILE)
    if not shots.is_screenshot(item):
        raise Http404("This evidence is not a screenshot")
    return case, item


def _page(request, case, item, *, correction_form=None, reveal_form=None, status=200):
    reading = shots.current_reading(item)
    revealed = shots.has_revealed(item, request.user)
    context = {
        "case": case, "item": item, "reading": reading, "revealed": revealed,
        "messages_read": shots.shown_messages(reading, revealed=revealed) if reading else [],
        "boxes": shots.flagged_boxes(reading) if reading else [],
        "history": list(item.readings.order_by("added_at", "id")) if reading else [],
        "hidden_names": reading is not None and any(m.get("author") and not m.get("on_roster") for m in reading.messages),
        "correction_form": correction_form or CorrectionForm(),
        "reveal_form": reveal_form or RevealForm(),
        "can_correct": case.is_open and _can_act(request, case),
    }
    if reading is not None:  # a phone's screenshot at about its size on the phone (2-3 image pixels per CSS pixel)
        context["display_width"] = min(reading.width, 400)
        context["display_height"] = round(reading.height * context["display_width"] / max(1, reading.width))
    return render(request, "cases/evidence_detail.html", context, status=status)


@school_view(STAFF_ROLES)
def evidence_detail(request, pk, eid):
    case, item = _item(request, pk, eid)
    _viewed(request, case, AuditEvent.VIEW, evidence=item.pk)
    return _page(request, case, item)


@school_view(STAFF_ROLES)
def evidence_image(request, pk, eid):
    """The stored screenshot, shown inline on the evidence page (the download link keeps its own view)."""
    case, item = _item(request, pk, eid)
    try:
        data = item.content_bytes()
    except OSError:
        raise Http404("The stored file is missing") from None
    _viewed(request, case, AuditEvent.VIEW_EVIDENCE_FILE, evidence=item.pk, sha256=item.sha256)
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@school_view(STAFF_ROLES)
@require_POST
def correct(request, pk, eid):
    case, item = _item(request, pk, eid)
    if not _can_act(request, case):
        raise Http404("Only the Headteacher, the DSL or the assigned office member can correct a reading.")
    form = CorrectionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            shots.correct_word(item, message=d["message"] - 1, was=d["was"], now=d["now"], reason=d["reason"], actor=request.user)
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Correction kept. The first reading is kept too, under Technical details.")
            return redirect("cases:evidence_detail", slug=case.school.slug, pk=case.pk, eid=item.pk)
    return _page(request, case, item, correction_form=form, status=400)


@school_view(STAFF_ROLES)
@require_POST
def reveal(request, pk, eid):
    case, item = _item(request, pk, eid)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            shots.reveal(item, actor=request.user, reason=form.cleaned_data["reason"])
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("cases:evidence_detail", slug=case.school.slug, pk=case.pk, eid=item.pk)
    return _page(request, case, item, reveal_form=form, status=400)


@school_view(STAFF_ROLES)
@require_POST
def read_again(request, pk, eid):
    """From the case page: read a screenshot again (or check its messages again) when that failed the first time."""
    case, item = _item(request, pk, eid)
    if not _can_act(request, case):
        raise Http404("Only the Headteacher, the DSL or the assigned office member can ask for this.")
    try:
        what = queue_read_again(item, actor=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{item.number} will be {what} in the background. Reload this page in a minute to see the result.")
    return redirect(f"{reverse('cases:detail', args=[case.school.slug, case.pk])}#evidence-{item.pk}")
