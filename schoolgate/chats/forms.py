"""Forms: permission and upload (one form, permission first), reveal, closure request."""

from __future__ import annotations

import os
import shutil
import tempfile

from django import forms
from django.conf import settings
from django.utils import timezone

from .followups import administrator_contact, closure_body_for
from .models import ChatPermission
from .parsers import NotAChatExport, UnsafeArchive, detect_format, parse

ALLOWED_EXTENSIONS = (".txt", ".zip", ".json")


def max_upload_bytes() -> int:
    return int(getattr(settings, "CHAT_UPLOAD_MAX_BYTES", 100 * 1024 * 1024))


class UploadForm(forms.Form):
    # Permission first: the policy allows viewing group messages only with a parent's permission.
    parent_name = forms.CharField(label="Parent/carer who gave permission", max_length=200)
    relation = forms.ChoiceField(label="Their relation to the group", choices=ChatPermission.Relation.choices)
    given_on = forms.DateField(label="Date permission was given", widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(
        label="Scope of the permission",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Which group and which messages the parent agreed to share, e.g. 'Year 4 Parents group, all messages since September'.",
    )
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Why the school needs to see these messages. Without a purpose the upload is refused.",
    )
    confirm = forms.BooleanField(
        label="I confirm the parent/carer gave this permission and was told how the school will use the messages",
    )
    administrator = forms.CharField(
        label="Group administrator (optional)", max_length=200, required=False,
        help_text="Who runs the group, for a request to close it. Found from the export when it says who created the group.",
    )
    file = forms.FileField(label="Chat export (.txt, .zip or .json)")
    date_order = forms.ChoiceField(
        label="Dates in the file",
        choices=[("", "Work it out from the file"), ("dmy", "Day first (UK: 31/12/2024)"), ("mdy", "Month first (US: 12/31/2024)")],
        required=False,
    )

    def clean_given_on(self):
        given = self.cleaned_data["given_on"]
        if given > timezone.localdate():
            raise forms.ValidationError("The date permission was given cannot be in the future.")
        return given

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if len(purpose) < 10:
            raise forms.ValidationError("Say why the school needs to see these messages (at least a sentence).")
        return purpose

    def clean_scope(self):
        return self.cleaned_data["scope"].strip()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError("Upload the chat export as the app wrote it: a .txt or .zip (WhatsApp) or a .json (Telegram, Messenger, Instagram).")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty (0 bytes). Export the chat again and upload the new file.")
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024**2:.0f} MB; the limit is {limit // 1024**2} MB. Export the chat without media, or a shorter period."
            )
        folder = tempfile.mkdtemp(prefix="schoolgate-upload-")
        path = _copy_to(upload, folder)
        try:
            self.platform = detect_format(path)
            if next(iter(parse(path, day_first=True)), None) is None:
                raise NotAChatExport("The file holds no messages.")
        except (NotAChatExport, UnsafeArchive) as exc:
            raise forms.ValidationError(str(exc)) from None
        except (OSError, ValueError) as exc:
            raise forms.ValidationError(f"The file cannot be read as a chat export ({exc}).") from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            upload.seek(0)
        return upload

    @property
    def day_first(self) -> bool | None:
        return {"dmy": True, "mdy": False}.get(self.cleaned_data.get("date_order") or "")

    def permission(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("parent_name", "relation", "given_on", "scope", "purpose")}


def _copy_to(upload, folder: str) -> str:
    """A copy the parsers can open by path, under the uploader's own base name: the parsers read the group's
    name ("WhatsApp Chat with Year 4 Parents.txt") and Instagram vs Messenger from it."""
    base = os.path.basename((upload.name or "upload").replace("\\", "/")) or "upload"
    # File systems allow 255 bytes a name: a longer upload name (a phone's "WhatsApp Chat with <a long
    # group name>") is shortened before its extension, which the parsers need.
    stem, ext = os.path.splitext(base)
    while len((stem + ext).encode()) > 255 and stem:
        stem = stem[:-1]
    path = os.path.join(folder, (stem + ext) or "upload")
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    upload.seek(0)
    return path


class RevealForm(forms.Form):
    reason = forms.CharField(label="Why do you need to see this person's name?", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ClosureForm(forms.Form):
    administrator_name = forms.CharField(label="Group administrator's name", max_length=200,
                                         error_messages={"required": "Enter the name of the group's administrator."})
    administrator_email = forms.EmailField(label="Their e-mail address", required=False,
                                           help_text="Optional. Without it, print the letter and post it or hand it over.",
                                           error_messages={"invalid": "Enter an e-mail address like name@example.org."})
    administrator_address = forms.CharField(label="Their postal address", required=False, max_length=1000,
                                            widget=forms.Textarea(attrs={"rows": 4}),
                                            help_text="Optional. One line per line. Filled in from the roster when the administrator is on it.")
    body = forms.CharField(label="Letter", widget=forms.Textarea(attrs={"rows": 18}), max_length=10000,
                           error_messages={"required": "Write the letter, or keep the one suggested."})

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        if school is not None:
            self.prefill_from_roster(school)

    def prefill_from_roster(self, school) -> None:
        """The suggested letter greets the administrator as the roster does ("Dear Mrs Bennett") and takes
        their address and e-mail from it, so what is on screen is what is sent. Called from __init__ when
        the view passes `school=`, before any field is shown; a bound form keeps what was posted."""
        if self.is_bound:
            return
        name = self.initial.get("administrator_name") or ""
        contact = administrator_contact(school, name)
        self.initial.setdefault("administrator_address", contact["address"])
        self.initial.setdefault("administrator_email", contact["email"])
        if self.initial.get("body"):
            self.initial["body"] = closure_body_for(school, self.initial["body"], name)
