"""Input checks for the consent pages: every refusal is a message the person can act on."""

from __future__ import annotations

import calendar
import datetime as dt

from django import forms
from django.utils import timezone

from .models import EXTERNAL_PURPOSES, Answer, BiometricConsent, Method, Purpose
from .register_csv import MAX_ROWS

NOT_ON_FORM = ""
MAX_CSV_BYTES = 2 * 1024 * 1024


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    return value


class DateInput(forms.DateInput):
    input_type = "date"


class PaperForm(forms.Form):
    """A paper form or phone call, entered by the office: one answer per purpose the parent answered."""

    method = forms.ChoiceField(label="How did the parent/carer answer?", choices=[(Method.PAPER, "Paper form"), (Method.PHONE, "Phone call")],
                               widget=forms.RadioSelect, error_messages={"required": "Choose paper form or phone call.", "invalid_choice": "Choose paper form or phone call."})
    given_by_name = forms.CharField(label="Name of the parent/carer", max_length=200, error_messages={"required": "Enter the name of the parent/carer who answered."})
    answered_on = forms.DateField(label="Date they answered", widget=DateInput, error_messages={"required": "Enter the date they answered.", "invalid": "Enter a real date, like 3 September 2026."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in Purpose:
            self.fields[f"purpose_{purpose.value}"] = forms.ChoiceField(
                label=purpose.label, required=False, widget=forms.RadioSelect,
                choices=[(Answer.GRANTED, "Yes, granted"), (Answer.REFUSED, "No, refused"), (NOT_ON_FORM, "Not answered on this form")],
                error_messages={"invalid_choice": "Choose granted, refused or not answered."},
            )

    def purpose_fields(self):
        return [self[f"purpose_{p.value}"] for p in Purpose]

    def clean_answered_on(self):
        return _not_future(self.cleaned_data.get("answered_on"))

    def answers(self) -> list[tuple[str, str]]:
        return [(p.value, self.cleaned_data.get(f"purpose_{p.value}")) for p in Purpose if self.cleaned_data.get(f"purpose_{p.value}")]

    def clean(self):
        data = super().clean()
        if not self.errors and not self.answers():
            self.add_error("purpose_channel", "Choose an answer for at least one use of photos.")
        return data


class ParentAnswerForm(forms.Form):
    """One tap on the parent's page: this child, this purpose, yes or no."""

    child = forms.CharField(max_length=30)
    purpose = forms.ChoiceField(choices=Purpose.choices)
    answer = forms.ChoiceField(choices=Answer.choices, error_messages={"required": "Choose allow or do not allow."})


class NeverPublishForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Only the Headteacher and DSL can see this.", error_messages={"required": "Enter the reason. Only the Headteacher and DSL will see it."})


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=f"Header: pupil,purpose,consent,given_by,method,date. Up to {MAX_ROWS} rows.",
                           error_messages={"required": "Choose a CSV file to import."})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_CSV_BYTES // 1024 // 1024} MB.")
        return upload


class ExternalUseForm(forms.Form):
    purpose = forms.ChoiceField(label="Where was the photo used?", choices=EXTERNAL_PURPOSES, widget=forms.RadioSelect,
                                error_messages={"required": "Choose where the photo was used.", "invalid_choice": "Choose where the photo was used."})
    where = forms.CharField(label="Web address or description", max_length=500, help_text="For example the page's address, or “Autumn newsletter, page 2”.",
                            error_messages={"required": "Enter the web address, or say where it was printed."})
    description = forms.CharField(label="What the photo shows (optional)", max_length=300, required=False)
    who = forms.CharField(label="Who can take it down (optional)", max_length=300, required=False, help_text="A name or a role; if empty, the usual person for that use.")
    pupils = forms.MultipleChoiceField(label="Pupils in the photo", widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": "Choose the pupils who appear in the photo.", "invalid_choice": "Choose pupils from the list."})

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].choices = [(str(p.pk), f"{p.name} ({p.group})" if p.group else p.name) for p in pupils]


class DoneForm(forms.Form):
    note = forms.CharField(label="What was done (optional)", max_length=300, required=False)


class DpiaForm(forms.Form):
    signed_by = forms.CharField(label="Who signed the DPIA", max_length=200, error_messages={"required": "Enter who signed the DPIA."})
    signed_on = forms.DateField(label="Date it was signed", widget=DateInput, error_messages={"required": "Enter the date the DPIA was signed.", "invalid": "Enter a real date."})

    def clean_signed_on(self):
        return _not_future(self.cleaned_data.get("signed_on"))


class MatchingForm(forms.Form):
    enabled = forms.ChoiceField(label="Face matching", choices=[("on", "On"), ("off", "Off")], widget=forms.RadioSelect,
                                error_messages={"required": "Choose on or off.", "invalid_choice": "Choose on or off."})


class BiometricForm(forms.Form):
    kind = forms.ChoiceField(label="What was given", choices=BiometricConsent.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose consent, objection or refusal.", "invalid_choice": "Choose consent, objection or refusal."})
    given_by_name = forms.CharField(label="Name of the person (the parent/carer, or the pupil for a refusal)", max_length=200, required=False)
    given_on = forms.DateField(label="Date", widget=DateInput, error_messages={"required": "Enter the date.", "invalid": "Enter a real date."})

    def clean_given_on(self):
        return _not_future(self.cleaned_data.get("given_on"))

    def clean(self):
        data = super().clean()
        if data.get("kind") != BiometricConsent.Kind.PUPIL_REFUSAL and not (data.get("given_by_name") or "").strip() and "kind" not in self.errors:
            self.add_error("given_by_name", "Enter the name of the parent/carer.")
        return data


MAX_PHOTO_BYTES = 15 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): cleans each, returns a list."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReferencePhotosForm(forms.Form):
    """Reference photos of one pupil for face matching: read in memory, never stored (only templates are)."""

    photos = MultipleFileField(label="Reference photos", widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                             help_text="One or more clear photos of the pupil's face (JPEG or PNG, up to 15 MB each). The photos are not kept: "
                                       "only a face template (128 numbers) is stored for each.",
                             error_messages={"required": "Choose at least one reference photo."})

    def clean_photos(self):
        uploads = self.cleaned_data.get("photos") or []
        if not uploads:
            raise forms.ValidationError("Choose at least one reference photo.")
        for upload in uploads:
            if upload.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(f"{upload.name} is larger than {MAX_PHOTO_BYTES // 1024 // 1024} MB. Export it at a smaller size.")
        return uploads


MONTHS = [(n, calendar.month_name[n]) for n in range(1, 13)]


class YearEndForm(forms.Form):
    """The last day of the school's academic year (31 August in England)."""

    day = forms.IntegerField(label="Day", min_value=1, max_value=31,
                             error_messages={"required": "Enter the day of the month.", "invalid": "Enter the day as a number, like 31.",
                                             "min_value": "Enter a day from 1 to 31.", "max_value": "Enter a day from 1 to 31."})
    month = forms.TypedChoiceField(label="Month", choices=MONTHS, coerce=int,
                                   error_messages={"required": "Choose the month.", "invalid_choice": "Choose a month from the list."})

    def clean(self):
        data = super().clean()
        day, month = data.get("day"), data.get("month")
        if day and month:
            try:
                dt.date(2001, month, day)  # not a leap year: 29 February cannot end every year
            except ValueError:
                self.add_error("day", f"{calendar.month_name[month]} has no day {day}. Enter a real day of that month.")
        return data
