"""Check your answers before a letter goes, then a confirmation that says what happens next.

A sent letter is frozen (its PDF is hashed and kept), so the Headteacher sees, on one page, who it goes to,
where, how, and the words, with a "Change" link beside each, before pressing Send. The letter form posts
here ("Continue"); the draft is saved, and the check page carries the chosen way of sending and a
fingerprint of what was checked, so a letter edited in another tab after the check is never sent unseen.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from schoolgate.schools.access import school_view
from schoolgate.schools.models import STAFF_ROLES

from . import letters
from .audit_events import AuditEvent
from .errors import CaseError, LetterChanged
from .letters import fingerprint
from .models import Letter
from .views import _can_act, _case, _letter_form, _require_act, _viewed


def _delivery_label(letter: Letter, delivery: str) -> str:
    return {
        Letter.Delivery.EMAIL: f"By e-mail to {letter.recipient_email}, with the letter attached as a PDF. Schoolgate sends it when you press “Send letter”.",
        Letter.Delivery.POST: "By post. You are recorded as the person who posted it (or will post it today).",
        Letter.Delivery.HAND: "By hand. You are recorded as the person who handed it over.",
        Letter.Delivery.ONLINE: "Through the platform's own reporting route. You are recorded as the person who submitted it.",
    }[delivery]


def _check_page(request, case, letter, delivery, *, status=200):
    edit = reverse("cases:letter", args=[case.school.slug, case.pk, letter.pk])
    rows = [
        ("Recipient", letter.recipient, f"{edit}#id_recipient", "the recipient"),
        ("Greeting", letter.salutation or f"Dear {letter.recipient}", f"{edit}#id_salutation", "the greeting"),
    ]
    if delivery == Letter.Delivery.EMAIL:
        rows.append(("E-mail address", letter.recipient_email, f"{edit}#id_recipient_email", "the e-mail address"))
    if delivery == Letter.Delivery.POST or letter.recipient_address.strip():
        rows.append(("Postal address", letter.recipient_address, f"{edit}#id_recipient_address", "the postal address"))
    rows.append(("How it will be sent", _delivery_label(letter, delivery), f"{edit}#id_delivery_0", "how it is sent"))
    if letter.deadline:
        label = {Letter.Kind.MEETING_INVITATION: "Meeting", Letter.Kind.RESTRICTION_NOTICE: "Restriction ends"}.get(letter.kind, "Remove the content by")
        rows.append((label, letter.deadline, f"{edit}#id_deadline", label[0].lower() + label[1:]))
    rows.append(("Subject", letter.subject, f"{edit}#id_subject", "the subject"))
    return render(request, "cases/letter_check.html", {
        "case": case, "letter": letter, "delivery": delivery, "rows": rows, "edit": edit,
        "fingerprint": fingerprint(letter), "clauses": letter.context.get("clauses", ()),
    }, status=status)


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def letter_check(request, pk, lid):
    """GET: the check page for `?delivery=`. POST from the letter form: save the draft, then show the check."""
    case = _case(request, pk)
    _require_act(request, case)
    letter = get_object_or_404(Letter, case=case, pk=lid)
    if letter.is_sent:
        return redirect("cases:letter_sent", slug=case.school.slug, pk=case.pk, lid=letter.pk)
    if request.method == "POST":
        form = _letter_form(case, letter, request.POST, sending=True)
        if not form.is_valid():
            return render(request, "cases/letter.html", {"case": case, "letter": letter, "form": form, "can_act": True}, status=400)
        try:
            letter = letters.update_letter(letter, data=form.cleaned_data, actor=request.user)
        except CaseError as exc:
            messages.error(request, str(exc))
            return render(request, "cases/letter.html", {"case": case, "letter": letter, "form": form, "can_act": True}, status=400)
        url = reverse("cases:letter_check", args=[case.school.slug, case.pk, letter.pk])
        return redirect(f"{url}?delivery={form.cleaned_data['delivery']}")
    delivery = request.GET.get("delivery", "")
    try:
        letters.check_delivery(letter, delivery)
    except CaseError as exc:
        messages.error(request, f"{exc} Choose how the letter is sent, then continue.")
        return redirect("cases:letter", slug=case.school.slug, pk=case.pk, lid=letter.pk)
    return _check_page(request, case, letter, delivery)


@school_view(STAFF_ROLES)
@require_POST
def letter_send(request, pk, lid):
    """Send exactly what was checked."""
    case = _case(request, pk)
    _require_act(request, case)
    letter = get_object_or_404(Letter, case=case, pk=lid)
    if letter.is_sent:
        messages.error(request, "This letter has already been sent.")
        return redirect("cases:letter_sent", slug=case.school.slug, pk=case.pk, lid=letter.pk)
    delivery = request.POST.get("delivery", "")
    if delivery not in Letter.Delivery.values:
        messages.error(request, "Choose how the letter is sent, then continue.")
        return redirect("cases:letter", slug=case.school.slug, pk=case.pk, lid=letter.pk)
    if request.POST.get("fingerprint") != fingerprint(letter):
        messages.error(request, "The letter changed after you checked it. Check it again before sending.")
        return _check_page(request, case, letter, delivery, status=409)
    try:
        letter = letters.send_letter(letter, actor=request.user, delivery=delivery, checked=request.POST.get("fingerprint"))
    except LetterChanged as exc:  # edited in another tab while the PDF was being made: nothing was sent
        messages.error(request, str(exc))
        return _check_page(request, case, Letter.objects.get(pk=letter.pk), delivery, status=409)
    except CaseError as exc:
        messages.error(request, str(exc))
        return _check_page(request, case, Letter.objects.get(pk=letter.pk), delivery, status=400)
    return redirect("cases:letter_sent", slug=case.school.slug, pk=case.pk, lid=letter.pk)


@school_view(STAFF_ROLES)
def letter_sent(request, pk, lid):
    """The confirmation: what happened to the letter and what happens next."""
    case = _case(request, pk)
    letter = get_object_or_404(Letter, case=case, pk=lid)
    if not letter.is_sent:
        return redirect("cases:letter", slug=case.school.slug, pk=case.pk, lid=letter.pk)
    _viewed(request, case, AuditEvent.VIEW_LETTER, letter=letter.pk)
    deadline = letter.deadlines.order_by("due_at").first()
    return render(request, "cases/letter_sent.html", {"case": case, "letter": letter, "deadline": deadline, "can_act": _can_act(request, case)})
