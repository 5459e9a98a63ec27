from django import forms

MAX_ROSTER_BYTES = 5 * 1024 * 1024
REQUIRED = forms.Field.default_error_messages["required"]


def plain_required(form) -> None:
    """GOV.UK: an error says what to do ("Enter full name.", "Choose role."), never "This field is required.".
    Fields that set their own message keep it."""
    for name, field in form.fields.items():
        if str(field.error_messages.get("required")) != str(REQUIRED):
            continue
        label = str(field.label or name.replace("_", " ").capitalize()).rstrip(":")
        if len(label) > 1 and not label[1].isupper():
            label = label[0].lower() + label[1:]
        verb = "Choose" if isinstance(field, forms.ChoiceField | forms.FileField | forms.BooleanField) else "Enter"
        field.error_messages = {**field.error_messages, "required": f"{verb} {label}."}


class PlainForm(forms.Form):
    """A form whose "required" errors say what to do (see `plain_required`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_required(self)


class RosterUploadForm(PlainForm):
    file = forms.FileField(label="Roster CSV", help_text="Columns: name,role,group,aliases")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class AccountForm(PlainForm):
    """Give someone a log-in at this school with one role; they set their own password by e-mail."""

    full_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    role = forms.ChoiceField()
    person = forms.ModelChoiceField(queryset=None, required=False, label="Roster entry", help_text="Links a parent to their children and staff to their roster names.")

    def __init__(self, *args, school, allowed_roles, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Role

        self.fields["role"].choices = [(r.value, r.label) for r in Role if r.value in allowed_roles]
        self.fields["person"].queryset = school.people.order_by("kind", "name")

    def clean(self):
        cleaned = super().clean()
        person, role = cleaned.get("person"), cleaned.get("role")
        if person is not None and role == "parent" and person.kind != "parent":
            self.add_error("person", "A parent/carer account must be linked to a parent on the roster.")
        return cleaned


class ContactForm(forms.Form):
    """One roster person's contact details for letters: title, postal address, e-mail."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=20, required=False, help_text="Mr, Mrs, Ms, Miss, Dr… Letters then begin “Dear Mrs Bennett”.")
    address = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Postal address")
    email = forms.EmailField(required=False, label="E-mail address")
