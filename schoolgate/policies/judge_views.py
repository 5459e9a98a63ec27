"""'Try the judge': staff paste any text and see the findings, the school's clauses and the spans."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from schoolgate.judge.types import CATEGORIES
from schoolgate.schools.access import school_view
from schoolgate.schools.models import STAFF_ROLES

from .judging import judge_record

MAX_TEXT = 10_000


class TryForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_TEXT, label="Text to check")


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def try_judge(request):
    form = TryForm(request.POST or None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        verdict = judge_record(request.school, form.cleaned_data["text"])
    scores = sorted(((c, verdict["scores"].get(c, 0.0)) for c in CATEGORIES), key=lambda kv: -kv[1]) if verdict and verdict["scores"] else []
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    template = "policies/_judge_result.html" if request.headers.get("HX-Request") else "policies/try_judge.html"
    return render(request, template, {"form": form, "verdict": verdict, "findings": verdict["findings"] if verdict else [], "scores": scores}, status=status)
