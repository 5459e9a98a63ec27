"""Forms for cases: every input is validated here before a service sees it."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from schoolgate.schools.forms import PlainForm, plain_required
from schoolgate.schools.models import Person

from .evidence import max_upload_bytes
from .models import ASSESSMENTS, Letter
from .platforms import platform_choices

ASSESSMENT_CHOICES = list(ASSESSMENTS.items())


class OpenCaseForm(PlainForm):
    parent = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="Parent/carer",
                                    empty_label="Unknown parent/carer", help_text="Leave as unknown when the author is not known yet.")
    parent_name = forms.CharField(max_length=200, required=False, label="Or the name as it appears (if not on the roster)")
    concern = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="The concern")
    evidence_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=50_000, required=False,
                                    label="Evidence: the words posted (pasted)")
    evidence_label = forms.CharField(max_length=200, required=False, label="Where the words were posted")
    assessments = forms.MultipleChoiceField(choices=ASSESSMENT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
                                            label="Staff assessment")

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Person.objects.filter(school=school, kind=Person.Kind.PARENT).order_by("name")


class TextEvidenceForm(PlainForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=50_000, label="Pasted text")
    label = forms.CharField(max_length=200, required=False, label="Where it was posted")


class UrlEvidenceForm(PlainForm):
    url = forms.URLField(max_length=2000, assume_scheme="https", label="Web address")
    seen_on = forms.DateField(label="Date seen", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=50_000, required=False, label="What it says (optional)")
    label = forms.CharField(max_length=200, required=False)

    def clean_seen_on(self):
        day = self.cleaned_data["seen_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date seen cannot be in the future.")
        return day


class FileEvidenceForm(PlainForm):
    file = forms.FileField(label="Screenshot or file", allow_empty_file=False)
    label = forms.CharField(max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"That file is {upload.size / 1048576:.1f} MB; the limit is {limit // 1048576} MB.")
        return upload


class AssessForm(PlainForm):
    assessments = forms.MultipleChoiceField(choices=ASSESSMENT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Staff assessment")
    reason = forms.CharField(max_length=500, required=False)


class StepForm(PlainForm):
    action = forms.ChoiceField(choices=[("done", "Done"), ("skip", "Skip")])
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "skip" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Skipping a step needs a reason.")
        if data.get("action") == "done" and not (data.get("outcome") or "").strip():
            self.add_error("outcome", "Say what the outcome was.")
        return data


class NoteForm(PlainForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, label="Staff note")
    private = forms.BooleanField(required=False, initial=True, label="Private (withheld from the parent's subject access export)")


class CloseForm(PlainForm):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Outcome",
                              error_messages={"required": "Closing a case needs an outcome."})


class LetterForm(forms.ModelForm):
    deadline = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    clauses = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Clauses to quote")
    evidence = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Evidence to include")
    restriction_kind = forms.ChoiceField(required=False, choices=[("", "—"), ("hold", "Hold every comment for review"), ("no_comment", "No comments at all")])

    platform = forms.ChoiceField(required=False, label="Where the content is", help_text="The letter names the site and how it takes reports.")
    delivery = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="How is the letter sent?",
                                 help_text="E-mail sends it when you press “Send letter” on the next page; otherwise you are recorded as the person who posted it or handed it over.")

    class Meta:
        model = Letter
        fields = ["recipient", "recipient_address", "recipient_email", "salutation", "subject", "body", "deadline", "restriction_kind"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "recipient_address": forms.Textarea(attrs={"rows": 4})}
        labels = {"recipient_address": "Postal address", "recipient_email": "E-mail address", "salutation": "Greeting"}
        help_texts = {"salutation": "For example “Dear Mrs Bennett”. No comma: the letter adds it."}

    def __init__(self, *args, clause_choices=(), evidence_choices=(), sending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        self.fields["clauses"].choices = list(clause_choices)
        self.fields["evidence"].choices = list(evidence_choices)
        kind = self.instance.kind
        deliveries = [(v, label) for v, label in Letter.Delivery.choices if v != Letter.Delivery.ONLINE or kind == Letter.Kind.HOST_REPORT]
        self.fields["delivery"].choices = deliveries
        if kind == Letter.Kind.HOST_REPORT:
            self.fields["platform"].choices = platform_choices()
            self.initial.setdefault("platform", (self.instance.context or {}).get("platform", {}).get("key", "other"))
        else:
            del self.fields["platform"]
        self.fields["deadline"].label = {
            Letter.Kind.MEETING_INVITATION: "Meeting date and time",
            Letter.Kind.RESTRICTION_NOTICE: "Restriction ends on",
        }.get(kind, "Remove the content by")
        if kind != Letter.Kind.RESTRICTION_NOTICE:
            del self.fields["restriction_kind"]
        if kind in {Letter.Kind.HOST_REPORT, Letter.Kind.POLICE_REFERRAL}:
            self.fields["deadline"].widget = forms.HiddenInput()
        plain_required(self)

    def clean(self):
        data = super().clean()
        kind = self.instance.kind
        deadline = data.get("deadline")
        if kind in {Letter.Kind.MEETING_INVITATION, Letter.Kind.RESTRICTION_NOTICE, Letter.Kind.WARNING} and deadline is None:
            self.add_error("deadline", "This letter needs a date.")
        if deadline is not None and deadline < timezone.now():
            self.add_error("deadline", "The date must be in the future.")
        if kind == Letter.Kind.RESTRICTION_NOTICE and not data.get("restriction_kind"):
            self.add_error("restriction_kind", "Choose the restriction.")
        if kind == Letter.Kind.WARNING and not data.get("clauses"):
            self.add_error("clauses", "A warning letter quotes at least one clause of the policy.")
        if self.sending:
            delivery = data.get("delivery")
            if not delivery:
                self.add_error("delivery", "Choose how the letter is sent.")
            elif delivery == Letter.Delivery.EMAIL and not data.get("recipient_email"):
                self.add_error("recipient_email", "Add the e-mail address to send the letter by e-mail, or choose another way.")
            elif delivery == Letter.Delivery.POST and not (data.get("recipient_address") or "").strip():
                self.add_error("recipient_address", "A letter with no postal address cannot be marked as posted. Add the address, or choose another way.")
        return data
