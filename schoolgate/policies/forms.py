"""The review cycle's forms: the draft's review date and summary, each clause's wording and categories."""

from __future__ import annotations

from django import forms

from schoolgate.judge.types import CATEGORIES, category_label

from .models import Clause, PolicyVersion


class DraftForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["next_review", "change_summary"]
        # An <input type=date> shows only an ISO value; the site's en-GB format (30/11/2027) reaches the
        # browser as an empty field, and "Save draft" would then store a blank review date.
        widgets = {
            "next_review": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "change_summary": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"next_review": "Next review date", "change_summary": "What changed (sent to staff and parents)"}


class ClauseForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        choices=[(c, category_label(c)) for c in CATEGORIES], required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Clause
        fields = ["heading", "text", "categories"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
