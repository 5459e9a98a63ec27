"""Input checks for the channel: every refusal is a message the person can act on."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from schoolgate.schools.forms import PlainForm
from schoolgate.schools.models import Membership, actor_label

from .concerns import channels_for
from .images import MAX_BYTES, ImageRejected, clean_image
from .models import Audience, Concern, Restriction
from .photo_checks import Answer

MAX_POST = 5000
MAX_COMMENT = 2000
MAX_CONCERN = 5000


def pupil_groups(school) -> list[str]:
    return sorted(set(school.people.filter(kind="pupil").exclude(group="").values_list("group", flat=True)))


class PostForm(PlainForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_POST)
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.SCHOOL, widget=forms.RadioSelect)
    group = forms.ChoiceField(required=False, label="Year group or class", help_text="For a year group or class post.")
    image = forms.FileField(required=False, help_text=f"JPEG, PNG or WebP, up to {MAX_BYTES // 1024 // 1024} MB. Location and camera details are removed.")
    image_alt = forms.CharField(required=False, max_length=300, label="Describe the image", help_text="For parents using a screen reader.")

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—")] + [(g, g) for g in pupil_groups(school)]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The image is {upload.size / 1024 / 1024:.1f} MB; the largest allowed is {MAX_BYTES // 1024 // 1024} MB.")
        try:
            return clean_image(upload.read())
        except ImageRejected as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if data.get("audience") in (Audience.YEAR_GROUP, Audience.CLASS) and not data.get("group"):
            self.add_error("group", "Choose the year group or class this post is for.")
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", "Describe the image in a few words.")
        return data


class CommentForm(PlainForm):
    text = forms.CharField(
        label="Your comment", max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Write a comment. The school reads every comment before it appears."}),
    )


class CheckForm(PlainForm):
    text = forms.CharField(max_length=MAX_COMMENT, required=False)


class DecisionForm(PlainForm):
    action = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject"), ("edit", "Edit and approve"), ("rephrase", "Ask to rephrase")])
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason_clause = forms.ChoiceField(required=False, label="Clause")
    reason_text = forms.CharField(required=False, max_length=2000, label="Reason or message to the author", widget=forms.Textarea(attrs={"rows": 2}))
    edited_text = forms.CharField(required=False, max_length=MAX_POST, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, clauses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_clause"].choices = [("", "— choose a clause —")] + [(c.clause_id, f"{c.clause_id}: {c.text[:90]}") for c in clauses]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "reject" and not (data.get("reason_clause") or (data.get("reason_text") or "").strip()):
            raise forms.ValidationError("Give a reason for rejecting: choose one of the school's clauses or write one.")
        if action == "edit" and not (data.get("edited_text") or "").strip():
            self.add_error("edited_text", "Write the edited text to publish.")
        return data


class ConcernForm(PlainForm):
    to = forms.ChoiceField(label="Who should read your message?", widget=forms.RadioSelect,
                           error_messages={"required": "Choose who should read your message", "invalid_choice": "Choose one of the people listed"})
    child = forms.ChoiceField(required=False, label="Which child is it about?",
                              error_messages={"invalid_choice": "Choose one of your children from the list"})
    subject = forms.CharField(max_length=200, label="Subject", error_messages={"required": "Enter a subject for your message",
                                                                            "max_length": "The subject must be 200 characters or fewer"})
    text = forms.CharField(label="Your message", max_length=MAX_CONCERN, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": "Write your message", "max_length": f"Your message must be {MAX_CONCERN:,} characters or fewer"})
    post = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, school, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = channels_for(school)
        self.children = {str(c.pk): c for c in children}
        self.fields["child"].choices = [("", "Choose a child")] + [(str(c.pk), f"{c.name} ({c.group})") for c in children]
        if Concern.To.CLASS_TEACHER not in dict(self.fields["to"].choices) or not children:
            del self.fields["child"]

    def clean(self):
        data = super().clean()
        if data.get("to") == Concern.To.CLASS_TEACHER and not data.get("child"):
            if not self.children:
                self.add_error("to", "The class teacher is found through your child: choose the Headteacher instead")
            elif len(self.children) == 1:
                data["child"] = next(iter(self.children))
            else:
                self.add_error("child", "Choose which child it is about, so it reaches the right class teacher")
        data["child"] = self.children.get(data.get("child") or "")
        return data


class ResponseForm(PlainForm):
    response = forms.CharField(max_length=MAX_CONCERN, widget=forms.Textarea(attrs={"rows": 4}), label="Reply to the parent/carer")


class RestrictionForm(PlainForm):
    user = forms.ChoiceField(label="Parent/carer", error_messages={"required": "Choose the parent/carer.", "invalid_choice": "Choose a parent/carer of this school."})
    kind = forms.ChoiceField(choices=Restriction.Kind.choices, widget=forms.RadioSelect, initial=Restriction.Kind.HOLD, label="Restriction",
                             error_messages={"required": "Choose the restriction."})
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="The parent will see this.",
                             error_messages={"required": "Give the reason for the restriction; the parent will see it."})
    ends_on = forms.DateField(label="Until (last day)", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": "Enter the last day of the restriction.", "invalid": "Enter the last day as a date."})
    # From a review-queue card on a high-risk item the moderator confirms first (the card's tick box):
    # restricting a parent is a step of the school's procedure, taken from a card among many.
    needs_confirmation = forms.BooleanField(required=False, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, label="I have read the item and want to restrict this parent/carer")

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        self.users = {str(u.pk): u for u in User.objects.filter(memberships__school=school, memberships__role="parent").distinct().order_by("first_name", "last_name")}
        self.fields["user"].choices = [("", "—")] + [(pk, actor_label(u)) for pk, u in self.users.items()]

    def clean_user(self):
        return self.users[self.cleaned_data["user"]]

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < timezone.localdate():
            raise forms.ValidationError("The end date is in the past.")
        return ends_on

    def clean(self):
        data = super().clean()
        if data.get("needs_confirmation") and not data.get("confirmed"):
            self.add_error("confirmed", "Tick the box to confirm the restriction, or leave the page to cancel it.")
        return data


class PosterForm(PlainForm):
    """Grant or remove one member of staff's poster permission (the buttons on the "who can post" page)."""

    CHOOSE = "Choose a member of staff."
    membership = forms.ModelChoiceField(queryset=Membership.objects.none(), error_messages={"required": CHOOSE, "invalid_choice": CHOOSE})
    allowed = forms.TypedChoiceField(choices=[("1", "May post"), ("0", "May not post")], coerce=lambda value: value == "1",
                                     error_messages={"required": "Say whether they may post.", "invalid_choice": "Say whether they may post."})

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = staff


FACE_CHOICES = [
    ("pupil", "A pupil"),
    ("staff", "Staff"),
    ("not_ours", "Not from our school"),
    ("hide", "Do not show"),
    ("unknown", "Unknown"),
]


def roster_pupils(school) -> list:
    return list(school.people.filter(kind="pupil").order_by("group", "name"))


class PhotoCheckForm(PlainForm):
    """Who each numbered face is. Built per photo: `face_N` (what the face is) and `face_N_pupil` (which
    pupil, from the roster by class). A face-matching suggestion adds a "match" choice: a person confirms it."""

    def __init__(self, *args, faces: list[dict], pupils: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.faces = faces
        self.pupils = {str(p.pk): p for p in pupils}
        self.by_name = {p.name: p for p in pupils}
        groups: dict[str, list] = {}
        for p in pupils:
            groups.setdefault(p.group or "No class", []).append((str(p.pk), p.name))
        pupil_choices = [("", "— choose a pupil —")] + list(groups.items())
        for face in faces:
            n = face["number"]
            choices = list(FACE_CHOICES)
            suggestion = face.get("suggestion")
            if suggestion and suggestion in self.by_name:
                choices.insert(0, ("match", f"{suggestion} (suggested by face matching: confirm only if it is them)"))
            self.fields[f"face_{n}"] = forms.ChoiceField(
                choices=choices, initial="unknown", widget=forms.RadioSelect, label=f"Face {n}",
                error_messages={"required": f"Say who face {n} is, or leave it as “Unknown”.", "invalid_choice": f"Choose one of the answers for face {n}."})
            self.fields[f"face_{n}_pupil"] = forms.ChoiceField(
                choices=pupil_choices, required=False, label=f"Which pupil is face {n}",
                error_messages={"invalid_choice": f"Choose a pupil from the list for face {n}."})

    def face_rows(self):
        """Per face: its number, the bound fields, its suggestion, for the template."""
        return [{"face": f, "kind": self[f"face_{f['number']}"], "pupil": self[f"face_{f['number']}_pupil"]} for f in self.faces]

    def clean(self):
        data = super().clean()
        self.answers = {}
        seen: dict[int, int] = {}
        for face in self.faces:
            n = face["number"]
            kind, pupil_id = data.get(f"face_{n}"), data.get(f"face_{n}_pupil") or ""
            if kind is None:
                continue
            if kind == "unknown" and pupil_id:
                kind = "pupil"  # a name chosen from the list means "this pupil", whichever radio was left
            if kind == "match":
                answer = Answer("pupil", self.by_name[face["suggestion"]], "match")
            elif kind == "pupil":
                if not pupil_id:
                    self.add_error(f"face_{n}_pupil", f"Choose which pupil face {n} is, or choose “Unknown”.")
                    continue
                answer = Answer("pupil", self.pupils[pupil_id], "tag")
            else:
                if pupil_id:
                    self.add_error(f"face_{n}", f"Face {n}: you chose “{dict(FACE_CHOICES)[kind]}” and a pupil. Choose one.")
                    continue
                answer = Answer(kind, None, "tag" if kind != "unknown" else "")
            if answer.pupil is not None:
                if answer.pupil.pk in seen:
                    self.add_error(f"face_{n}", f"{answer.pupil.name} is already face {seen[answer.pupil.pk]}: a pupil can only be one face in a photo.")
                    continue
                seen[answer.pupil.pk] = n
            self.answers[n] = answer
        return data

    def hidden_values(self) -> list[tuple[str, str]]:
        """The answers as they were submitted, for the "check your answers" page to carry to the confirmation."""
        out = []
        for face in self.faces:
            n = face["number"]
            out.append((f"face_{n}", self.cleaned_data.get(f"face_{n}") or "unknown"))
            out.append((f"face_{n}_pupil", self.cleaned_data.get(f"face_{n}_pupil") or ""))
        return out
