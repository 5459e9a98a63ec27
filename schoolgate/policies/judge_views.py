"""'Try the judge': staff paste any text, or give a screenshot, and see the findings, the school's clauses
and the spans. Nothing given here is stored."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from schoolgate.judge.types import CATEGORIES
from schoolgate.schools.access import school_view
from schoolgate.schools.models import STAFF_ROLES
from schoolgate.screens import NotAScreenshot, read_screenshot

from .judging import judge_record
from .screenshot_judging import judge_reading

MAX_TEXT = 10_000
MAX_SCREENSHOT_BYTES = 10 * 1024 * 1024


class TryForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_TEXT, label="Text to check", required=False)
    screenshot = forms.FileField(label="Or a screenshot of a post or a chat", required=False,
                                 help_text="PNG or JPEG, up to 10 MB, or paste one here (Ctrl+V). Each message in it is read and checked.",
                                 widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}))

    def clean_screenshot(self):
        upload = self.cleaned_data.get("screenshot")
        if not upload:
            return None
        if upload.size > MAX_SCREENSHOT_BYTES:
            raise forms.ValidationError(f"That file is {upload.size / 1048576:.1f} MB; a screenshot can be up to 10 MB.")
        data = b"".join(upload.chunks())
        try:
            # Reading takes a second or two of CPU; this page writes nothing, so no transaction waits on it.
            return read_screenshot(data)
        except NotAScreenshot as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text") or "").strip() and not data.get("screenshot"):
            raise forms.ValidationError("Some text or a screenshot is required: paste the text to check, or choose a screenshot.")
        return data


def _shown(judged: list[dict]) -> list[dict]:
    """Names of people not on the roster as "Participant N", as on a case's screenshot evidence."""
    numbers: dict[str, int] = {}
    shown = []
    for i, m in enumerate(judged):
        author = m.get("author")
        if author and not m.get("on_roster"):
            author = f"Participant {numbers.setdefault(author, len(numbers) + 1)}"
        shown.append({**m, "number": i + 1, "shown_author": author})
    return shown


@school_view(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def try_judge(request):
    form = TryForm(request.POST or None, request.FILES or None)
    verdict, screenshot = None, None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("screenshot") is not None:
            screenshot = _shown(judge_reading(request.school, form.cleaned_data["screenshot"]))
        else:
            verdict = judge_record(request.school, form.cleaned_data["text"])
    scores = sorted(((c, verdict["scores"].get(c, 0.0)) for c in CATEGORIES), key=lambda kv: -kv[1]) if verdict and verdict["scores"] else []
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    template = "policies/_judge_result.html" if request.headers.get("HX-Request") else "policies/try_judge.html"
    context = {"form": form, "verdict": verdict, "findings": verdict["findings"] if verdict else [], "scores": scores, "screenshot": screenshot}
    return render(request, template, context, status=status)
