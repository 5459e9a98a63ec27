"""The consent register's pages: the register by class, a pupil's consents and history, paper forms and
phone calls, never-publish flags, CSV import and export, external uses and take-downs, biometrics (with
enrolment from reference photos, which the office may do too), the academic year end, and a parent/carer's
page for their own children."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolgate.schools.access import id_from, school_view
from schoolgate.schools.models import LEADERSHIP, MODERATORS, Person, Role
from schoolgate.schools.reauth import reauth_required

from .answers import record_answer
from .biometrics import biometric_eligible, latest_biometric, record_biometric, record_dpia, set_matching
from .enrolment import MAX_PHOTOS, EnrolmentError, ReferencePhoto, enrol_from_photos, templates_this_year, why_not_enrol
from .errors import ConsentError
from .expiry import set_year_end
from .external import mark_done, record_external_use
from .flags import lift_never_publish, set_never_publish
from .forms import (
    BiometricForm,
    DoneForm,
    DpiaForm,
    ExternalUseForm,
    ImportForm,
    MatchingForm,
    NeverPublishForm,
    PaperForm,
    ParentAnswerForm,
    ReferencePhotosForm,
    YearEndForm,
)
from .models import BiometricConsent, ConsentSettings, ExternalUse, FaceTemplate, Method, NeverPublish, Purpose, TakeDown
from .queries import STATE_LABELS, active_flag, history, pupils, register_by_class, states_for
from .register_csv import RegisterImportError, export_register, import_register
from .renewal import families_without_answers, send_renewals

PURPOSES = list(Purpose)


def _pupil_or_404(request, pk) -> Person:
    pupil = Person.objects.filter(school=request.school, kind=Person.Kind.PUPIL, pk=pk).first()
    if pupil is None:
        raise Http404("No such pupil")
    return pupil


def _children(request) -> list[Person]:
    return [c for m in request.memberships if m.role == Role.PARENT for c in m.children()]


def _parent_person(request) -> Person | None:
    return next((m.person for m in request.memberships if m.role == Role.PARENT and m.person_id), None)


# ---------------------------------------------------------------- staff: the register


@school_view(MODERATORS)
@require_GET
def register(request):
    school = request.school
    classes = register_by_class(school)
    settings = ConsentSettings.for_school(school)
    context = {
        "classes": classes, "purposes": PURPOSES, "year_start": settings.academic_year_start(),
        "families_waiting": len(families_without_answers(school)),
        "pending_take_downs": TakeDown.objects.filter(school=school, done_at__isnull=True).count(),
    }
    return render(request, "consent/register.html", context)


@school_view(MODERATORS)
@require_POST
def renewal(request):
    sent = send_renewals(request.school, actor=request.user, request=request)
    if sent:
        messages.success(request, f"Renewal e-mail sent to {sent} parent{'s' if sent != 1 else ''}/carer{'s' if sent != 1 else ''}. "
                                  "Each answer appears in the register as soon as it is given; parents still without an answer are reminded weekly.")
    else:
        messages.info(request, "No e-mail sent: every family has answered, has no e-mail address, or was written to in the last 7 days.")
    return redirect("consent:register", slug=request.school.slug)


@school_view(MODERATORS)
@require_GET
def pupil(request, pk):
    school = request.school
    child = _pupil_or_404(request, pk)
    states = states_for(school, [child.pk])[child.pk]
    leadership = bool(request.roles & LEADERSHIP)
    context = {
        "pupil": child, "rows": [(p, states[p.value], STATE_LABELS[states[p.value]]) for p in PURPOSES],
        "history": history(school, child), "flag": active_flag(school, child), "leadership": leadership,
        "past_flags": NeverPublish.objects.filter(school=school, pupil=child, lifted_at__isnull=False) if leadership else [],
        "flag_form": NeverPublishForm(), "parents": Person.objects.filter(children_links__child=child).order_by("name"),
        "matching_enabled": ConsentSettings.for_school(school).matching_enabled,
    }
    return render(request, "consent/pupil.html", context)


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def record(request, pk):
    school = request.school
    child = _pupil_or_404(request, pk)
    form = PaperForm(request.POST) if request.method == "POST" else PaperForm(initial={"answered_on": timezone.localdate(), "method": Method.PAPER})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            parent = Person.objects.filter(children_links__child=child, name__iexact=data["given_by_name"].strip()).first()
            try:
                for purpose, answer in form.answers():
                    record_answer(school, child, purpose, answer, given_by=parent, given_by_name=data["given_by_name"], method=data["method"],
                                  recorded_by=request.user, answered_on=data["answered_on"])
            except ConsentError as exc:
                form.add_error(None, str(exc))
            else:
                n = len(form.answers())
                messages.success(request, f"{n} answer{'s' if n != 1 else ''} recorded for {child.name}. The register shows them now. "
                                          "If consent was refused for something the school already published, it is on the take-down list.")
                return redirect("consent:pupil", slug=school.slug, pk=child.pk)
        status = 400
    return render(request, "consent/record.html", {"pupil": child, "form": form}, status=status)


@school_view(LEADERSHIP)
@require_POST
def never_publish(request, pk):
    school = request.school
    child = _pupil_or_404(request, pk)
    form = NeverPublishForm(request.POST)
    if form.is_valid():
        try:
            set_never_publish(school, child, reason=form.cleaned_data["reason"], actor=request.user)
        except ConsentError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, f"{child.name} is flagged never publish. From now on every photo check blurs their face, whatever the consent says; "
                                      "photos already used outside the app are on the take-down list.")
            return redirect("consent:pupil", slug=school.slug, pk=child.pk)
    states = states_for(school, [child.pk])[child.pk]
    context = {"pupil": child, "rows": [(p, states[p.value], STATE_LABELS[states[p.value]]) for p in PURPOSES], "history": history(school, child),
               "flag": active_flag(school, child), "leadership": True, "flag_form": form, "past_flags": [],
               "parents": Person.objects.filter(children_links__child=child).order_by("name")}
    return render(request, "consent/pupil.html", context, status=400)


@school_view(LEADERSHIP)
@require_POST
def never_publish_lift(request, pk):
    child = _pupil_or_404(request, pk)
    flag = active_flag(request.school, child)
    if flag is None:
        messages.error(request, f"{child.name} has no never-publish flag.")
        return redirect("consent:pupil", slug=request.school.slug, pk=child.pk)
    lift_never_publish(flag, actor=request.user)
    messages.success(request, f"The never-publish flag for {child.name} is lifted. Their parents' answers apply again.")
    return redirect("consent:pupil", slug=request.school.slug, pk=child.pk)


# ---------------------------------------------------------------- staff: CSV


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def csv_import(request):
    school = request.school
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = import_register(school, upload.read(), actor=request.user, source=upload.name)
        except RegisterImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"{count} answer{'s' if count != 1 else ''} imported. The register shows them now.")
            return redirect("consent:register", slug=school.slug)
    status = 400 if errors or form.errors else 200
    return render(request, "consent/import.html", {"form": form, "errors": errors}, status=status)


@school_view(MODERATORS)
@require_GET
@reauth_required
def csv_export(request):
    response = HttpResponse(export_register(request.school), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.school.slug}-photo-consent-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


# ---------------------------------------------------------------- staff: external uses and take-downs


@school_view(MODERATORS)
@require_GET
def take_downs(request):
    school = request.school
    items = TakeDown.objects.filter(school=school).select_related("external_use", "pupil")
    return render(request, "consent/take_downs.html", {
        "pending": items.filter(done_at__isnull=True).order_by("-created_at"),
        "done": items.filter(done_at__isnull=False).order_by("-done_at")[:50],
        "done_form": DoneForm(),
    })


@school_view(MODERATORS)
@require_POST
def take_down_done(request, pk):
    take_down = TakeDown.objects.filter(school=request.school, pk=pk).first()
    if take_down is None:
        raise Http404("No such take-down")
    form = DoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        mark_done(take_down, actor=request.user, note=note)
    except ConsentError as exc:
        messages.error(request, str(exc))
        return redirect("consent:take_downs", slug=request.school.slug)
    messages.success(request, f"Marked done: {take_down.pupil.name} removed from {take_down.external_use.where}. It leaves the dashboard.")
    return redirect("consent:take_downs", slug=request.school.slug)


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def external(request):
    school = request.school
    roster = list(pupils(school))
    form = ExternalUseForm(request.POST, pupils=roster) if request.method == "POST" else ExternalUseForm(pupils=roster)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = [p for p in roster if str(p.pk) in set(data["pupils"])]
            try:
                use = record_external_use(school, purpose=data["purpose"], where=data["where"], description=data["description"], who=data["who"],
                                          pupils=chosen, actor=request.user)
            except ConsentError as exc:
                form.add_error(None, str(exc))
            else:
                waiting = use.take_downs.count()
                messages.success(request, "Recorded. If a pupil in it later loses consent, it goes on the take-down list."
                                 + (f" {waiting} pupil{'s' if waiting != 1 else ''} in it had no current consent: already on the take-down list." if waiting else ""))
                return redirect("consent:external", slug=school.slug)
        status = 400
    uses = ExternalUse.objects.filter(school=school).prefetch_related("pupils")[:100]
    return render(request, "consent/external.html", {"form": form, "uses": uses}, status=status)


# ---------------------------------------------------------------- leadership: biometrics


def _biometrics_context(request, **forms):
    school = request.school
    settings = ConsentSettings.for_school(school)
    people = list(pupils(school))
    counts = {}
    for template in FaceTemplate.objects.filter(school=school).values_list("pupil_id", flat=True):
        counts[template] = counts.get(template, 0) + 1
    rows = [(p, latest_biometric(school, p), counts.get(p.pk, 0)) for p in people]
    context = {"settings": settings, "rows": rows, "dpia_form": DpiaForm(initial={"signed_by": settings.dpia_signed_by, "signed_on": settings.dpia_signed_on}),
               "matching_form": MatchingForm(initial={"enabled": "on" if settings.matching_enabled else "off"}), "biometric_form": BiometricForm(initial={"given_on": timezone.localdate()}),
               "form_pupil": None, "kinds": BiometricConsent.Kind.choices, "today": timezone.localdate()}
    context.update(forms)
    return context


@school_view(LEADERSHIP)
@require_GET
def biometrics(request):
    return render(request, "consent/biometrics.html", _biometrics_context(request))


@school_view(LEADERSHIP)
@require_POST
def dpia(request):
    form = DpiaForm(request.POST)
    if form.is_valid():
        try:
            record_dpia(request.school, signed_by=form.cleaned_data["signed_by"], signed_on=form.cleaned_data["signed_on"], actor=request.user)
        except ConsentError as exc:
            form.add_error("signed_by", str(exc))
        else:
            messages.success(request, "DPIA recorded. You can now switch face matching on.")
            return redirect("consent:biometrics", slug=request.school.slug)
    return render(request, "consent/biometrics.html", _biometrics_context(request, dpia_form=form), status=400)


@school_view(LEADERSHIP)
@require_POST
def matching(request):
    form = MatchingForm(request.POST)
    if form.is_valid():
        try:
            set_matching(request.school, form.cleaned_data["enabled"] == "on", actor=request.user)
        except ConsentError as exc:
            form.add_error("enabled", str(exc))
        else:
            if form.cleaned_data["enabled"] == "on":
                messages.success(request, "Face matching is on. The office can enrol pupils with biometric consent; everyone else is tagged by hand.")
            else:
                messages.success(request, "Face matching is off and every stored face template has been deleted. Photo checks use manual tagging.")
            return redirect("consent:biometrics", slug=request.school.slug)
    return render(request, "consent/biometrics.html", _biometrics_context(request, matching_form=form), status=400)


def _next_year_start(settings) -> dt.date:
    start = settings.academic_year_start()
    end = settings.year_end(start.year)
    if end < start:
        end = settings.year_end(start.year + 1)
    return end + dt.timedelta(days=1)


def _biometric_pupil_context(request, child, **extra):
    school = request.school
    settings = ConsentSettings.for_school(school)
    year = settings.academic_year()
    leadership = bool(request.roles & LEADERSHIP)
    all_templates = FaceTemplate.objects.filter(school=school, pupil=child)
    context = {
        "pupil": child, "settings": settings, "leadership": leadership, "latest": latest_biometric(school, child),
        "eligible": biometric_eligible(school, child), "why_not": why_not_enrol(school, child),
        "this_year": templates_this_year(school, child), "older": all_templates.exclude(academic_year=year).count(),
        "year_label": f"{year}/{(year + 1) % 100:02d}", "year_start": settings.academic_year_start(),
        "next_year_start": _next_year_start(settings),
        "records": BiometricConsent.objects.filter(school=school, pupil=child) if leadership else [],
        "photos_form": ReferencePhotosForm(), "biometric_form": BiometricForm(initial={"given_on": timezone.localdate()}),
        "errors": [], "max_photos": MAX_PHOTOS,
    }
    context.update(extra)
    return context


@school_view(MODERATORS)
@require_http_methods(["GET", "POST"])
def biometric(request, pk):
    """A pupil's face matching page: the office and leadership enrol reference photos here; only leadership
    sees the biometric records and records a consent, objection or refusal (the POST)."""
    child = _pupil_or_404(request, pk)
    if request.method == "GET":
        return render(request, "consent/biometric_pupil.html", _biometric_pupil_context(request, child))
    if not request.roles & LEADERSHIP:
        raise PermissionDenied("Only the Headteacher or DSL records biometric consent.")
    form = BiometricForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = record_biometric(request.school, child, data["kind"], given_by_name=data["given_by_name"], given_on=data["given_on"], actor=request.user)
        except ConsentError as exc:
            form.add_error(None, str(exc))
        else:
            if row.kind == BiometricConsent.Kind.PARENT_CONSENT:
                messages.success(request, f"Biometric consent recorded for {child.name}. They can be enrolled from reference photos while matching is on.")
            else:
                messages.success(request, f"{row.get_kind_display()} recorded for {child.name}. Matching stopped for them and their face templates were deleted.")
            return redirect("consent:biometric", slug=request.school.slug, pk=child.pk)
    return render(request, "consent/biometrics.html", _biometrics_context(request, biometric_form=form, form_pupil=child), status=400)


MAX_ENROL_UPLOAD = MAX_PHOTOS * 8 * 1024 * 1024


class InMemoryOnly(MemoryFileUploadHandler):
    """Reference photos are held in memory only: never a temporary file, never MEDIA_ROOT. A request larger
    than `MAX_ENROL_UPLOAD` keeps no file at all (the view then says it was too large)."""

    too_big = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_big = content_length > MAX_ENROL_UPLOAD
        self.activated = not self.too_big


@csrf_exempt  # CSRF is checked by csrf_protect below, after the upload handler is set (Django's documented order)
def enrol(request, slug, pk):
    handler = InMemoryOnly(request)
    try:
        request.upload_handlers = [handler]
    except AttributeError:  # a middleware already read the body: Django's own handlers did, still outside MEDIA_ROOT
        pass
    request.enrol_upload_too_big = lambda: handler.too_big
    return _enrol(request, slug, pk)


@csrf_protect
@school_view(MODERATORS)
@require_POST
def _enrol(request, pk):
    school = request.school
    child = _pupil_or_404(request, pk)
    form = ReferencePhotosForm(request.POST, request.FILES)
    errors: list[str] = []
    if request.enrol_upload_too_big():
        errors = [f"The photos are too large together (at most {MAX_ENROL_UPLOAD // 1024 // 1024} MB). Upload fewer, or smaller, photos."]
    elif form.is_valid():
        photos = [ReferencePhoto(upload.name, upload.read()) for upload in form.cleaned_data["photos"]]
        try:
            templates, notes = enrol_from_photos(child, photos, actor=request.user)
        except EnrolmentError as exc:
            errors = exc.problems
        else:
            n = len(templates)
            messages.success(request, f"{child.name} is enrolled for face matching: {n} face template{'s' if n != 1 else ''} stored for this school year. "
                                      "The photos themselves were not kept." + "".join(f" {note}" for note in notes))
            return redirect("consent:biometric", slug=school.slug, pk=child.pk)
    return render(request, "consent/biometric_pupil.html", _biometric_pupil_context(request, child, photos_form=form, errors=errors), status=400)


enrol.allowed_roles = _enrol.allowed_roles


# ---------------------------------------------------------------- leadership: the academic year end


@school_view(LEADERSHIP)
@require_http_methods(["GET", "POST"])
def year_end(request):
    school = request.school
    settings = ConsentSettings.for_school(school)
    if request.method == "POST":
        form = YearEndForm(request.POST)
        if form.is_valid():
            try:
                set_year_end(school, month=form.cleaned_data["month"], day=form.cleaned_data["day"], actor=request.user)
            except ConsentError as exc:
                form.add_error("day", str(exc))
            else:
                settings = ConsentSettings.for_school(school)
                messages.success(request, f"The academic year now ends on {settings.year_end(2001):%-d %B}. This school year started on "
                                          f"{settings.academic_year_start():%-d %B %Y}; answers given before then have expired.")
                return redirect("consent:year_end", slug=school.slug)
    else:
        form = YearEndForm(initial={"day": settings.year_end_day, "month": settings.year_end_month})
    context = {"form": form, "settings": settings, "current_end": settings.year_end(2001), "year_start": settings.academic_year_start()}
    return render(request, "consent/year_end.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- parents: their own children


def _family_context(request, form=None, form_key=None):
    school = request.school
    children = _children(request)
    states = states_for(school, [c.pk for c in children], flags=False)
    cards = []
    for child in children:
        answers = {a.purpose: a for a in reversed(list(history(school, child)))}
        cards.append({"child": child, "rows": [{"purpose": p, "state": states[child.pk][p.value], "label": STATE_LABELS[states[child.pk][p.value]],
                                                "answer": answers.get(p.value)} for p in PURPOSES]})
    return {"cards": cards, "today": timezone.localdate(), "parent": _parent_person(request), "form": form, "form_key": form_key,
            "year_start": ConsentSettings.for_school(school).academic_year_start()}


@school_view({Role.PARENT})
@require_GET
def family(request):
    return render(request, "consent/family.html", _family_context(request))


@school_view({Role.PARENT})
@require_POST
def family_answer(request):
    school = request.school
    form = ParentAnswerForm(request.POST)
    if not form.is_valid():
        return render(request, "consent/family.html", _family_context(request, form), status=400)
    child_id = id_from(form.cleaned_data["child"])
    child = next((c for c in _children(request) if c.pk == child_id), None)
    parent = _parent_person(request)
    if child is None or parent is None:
        raise Http404("No such child")
    purpose, answer = form.cleaned_data["purpose"], form.cleaned_data["answer"]
    try:
        record_answer(school, child, purpose, answer, given_by=parent, method=Method.APP, recorded_by=request.user)
    except ConsentError as exc:
        messages.error(request, str(exc))
        return redirect("consent:family", slug=school.slug)
    label = Purpose(purpose).label
    if answer == "granted":
        messages.success(request, f"Thank you. You allowed photos of {child.name} on {label.lower()}. Signed in the app by {parent.name} on "
                                  f"{timezone.localdate():%-d %B %Y}. You can withdraw it here at any time.")
    else:
        messages.success(request, f"Done. Photos of {child.name} will not be used on {label.lower()} from now on. Signed in the app by {parent.name} on "
                                  f"{timezone.localdate():%-d %B %Y}. Photos already published are blurred or taken down by the school.")
    return redirect(reverse("consent:family", args=[school.slug]) + f"#child-{child.pk}")
