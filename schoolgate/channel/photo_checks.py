"""A post's photo checked before it is published (issue 10, part 2; Stokes Wood: "Parents/carers must sign
a consent form ... before their child's image can be posted").

When a post with a photo is submitted, the photo's faces are found and numbered (`start`); staff say who
each face is (a roster pupil, staff, not from our school, do not show, unknown) and confirm what will be
blurred (`evaluate`, then `complete`). Each face is kept only if it is a pupil whose consent for the channel
is current ("granted") and who has no never-publish flag, or staff/an adult not marked "do not show";
every other face is blurred. The decision rule and the blur belong to the pure `schoolgate.photos` library;
this module stores what was decided: the original (staff only), the redacted copy parents see, a
`PhotoCheck` and one `Appearance` per face.

Face matching (when the school switched it on and pupils are enrolled) only ever suggests a name: the
decision is made from what staff confirmed, never from a match alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.consent.biometrics import gallery
from schoolgate.consent.queries import consent_state
from schoolgate.photos import images as photo_images
from schoolgate.photos.check import Tag, check_photo, reading_order
from schoolgate.photos.detect import Face, detect_faces
from schoolgate.photos.models import ModelMissing
from schoolgate.schools.models import Person, actor_label

from .audit_events import AuditEvent
from .errors import ChannelError
from .models import Appearance, PhotoCheck, Post

PURPOSE = "channel"

# Why a face is blurred, in plain English, by the consent state the photo library decided on.
BLUR_REASONS = {
    "refused": "consent refused",
    "not_asked": "consent not asked",
    "expired": "consent expired",
    "never": "must never be published",
    "no_match": "not identified",
}


class PhotoCheckUnavailable(ChannelError):
    """The face detector cannot run (its model file is missing): no photo is published unchecked."""


@dataclass(frozen=True)
class Answer:
    """What staff said face N is."""

    kind: str  # one of Appearance.Kind
    pupil: Person | None = None
    identified_by: str = ""  # "tag", "match" or ""

    def as_json(self) -> dict:
        return {"kind": self.kind, "pupil": self.pupil.pk if self.pupil else None, "identified_by": self.identified_by}


@dataclass(frozen=True)
class FaceOutcome:
    """One face as the "check your answers" page and the stored `Appearance` describe it."""

    number: int
    box: tuple[int, int, int, int]
    score: float
    answer: Answer
    consent: str
    action: str

    @property
    def label(self) -> str:
        kind = self.answer.kind
        if kind == "pupil" and self.answer.pupil is not None:
            return self.answer.pupil.name
        return dict(Appearance.Kind.choices)[kind]

    @property
    def reason(self) -> str:
        if self.action == "keep":
            return "consent granted" if self.answer.kind == "pupil" else "staff or adult, shown"
        if self.answer.kind == "hide":
            return "marked “do not show”"
        return BLUR_REASONS.get(self.consent, "not identified")


def _face_json(face: Face, number: int, suggestion: tuple[str | None, float | None] = (None, None)) -> dict:
    return {"number": number, "box": list(face.box), "score": round(float(face.score), 4),
            "landmarks": [list(p) for p in face.landmarks], "suggestion": suggestion[0],
            "distance": None if suggestion[1] is None else round(float(suggestion[1]), 4)}


def faces_of(check: PhotoCheck) -> list[Face]:
    return [Face(box=tuple(f["box"]), score=f["score"], landmarks=tuple(tuple(p) for p in f.get("landmarks", ()))) for f in check.faces]


def load_original(post: Post):
    """The original photo as an image; ChannelError when the file is gone or unreadable."""
    if not post.original_image:
        raise ChannelError("This post's original photo is no longer stored.")
    try:
        with post.original_image.open("rb") as handle:
            data = handle.read()
    except OSError:
        raise ChannelError("This post's original photo is no longer stored.") from None
    try:
        return photo_images.load_image(data)
    except photo_images.PhotoRejected as exc:
        raise ChannelError(str(exc)) from None


def find_faces(school, image) -> list[dict]:
    """The photo's faces in reading order, each with a face-matching suggestion when the school uses it."""
    try:
        faces = reading_order(detect_faces(image))
        suggestions = [(None, None)] * len(faces)
        known = gallery(school) if faces else {}
        if known:
            # consent is not asked here: only the names the matcher suggests are wanted.
            found = check_photo(image, consent_of=lambda name: "not_asked", gallery=known, faces=faces)
            suggestions = [(d.match.name, d.match.distance) if d.match is not None and d.match.name else (None, None) for d in found.faces]
    except ModelMissing as exc:
        raise PhotoCheckUnavailable(
            "Photos cannot be checked at the moment (the face detector is not installed), so this post was not saved. "
            "Please tell the school's IT support."
        ) from exc
    return [_face_json(face, n, s) for n, (face, s) in enumerate(zip(faces, suggestions), start=1)]


def faces_in(school, data: bytes) -> list[dict]:
    """The faces on an uploaded photo, found before any write transaction (detection is CPU work)."""
    try:
        image = photo_images.load_image(data)
    except photo_images.PhotoRejected as exc:
        raise ChannelError(str(exc)) from None
    return find_faces(school, image)


def start(post: Post, data: bytes, ext: str, *, faces: list[dict], actor) -> PhotoCheck:
    """Store the original (never shown to parents) with the faces `faces_in` found; the post waits for the
    check. Called inside `posts.submit_post`'s transaction."""
    post.original_image.save(f"original.{ext}", ContentFile(data), save=False)
    post.status = Post.Status.PHOTO_CHECK
    post.save()
    check = PhotoCheck.objects.create(school=post.school, post=post, purpose=PURPOSE, faces=faces, created_by=actor)
    record(AuditEvent.PHOTO_CHECK_START, actor=actor, school=post.school, target=post,
           summary=f"Photo on post {post.pk}: {len(faces)} face{'s' if len(faces) != 1 else ''} found; waiting for staff to say who is in it",
           faces=len(faces), suggestions=sum(1 for f in faces if f["suggestion"]))
    return check


def evaluate(check: PhotoCheck, answers: dict[int, Answer], *, image=None, today=None) -> tuple[list[FaceOutcome], object]:
    """What would be published: each face's outcome and the redacted image (nothing is saved)."""
    post, school = check.post, check.school
    image = image if image is not None else load_original(post)
    pupils = {a.pupil.name: a.pupil for a in answers.values() if a.pupil is not None}
    tags = {n: Tag(kind=a.kind, name=a.pupil.name if a.pupil is not None else None) for n, a in answers.items()}

    def consent_of(name: str) -> str:
        return consent_state(school, pupils[name], check.purpose, today=today)

    faces = faces_of(check)
    result = check_photo(image, consent_of=consent_of, gallery=None, tags=tags, faces=faces)
    if [tuple(d.box) for d in result.faces] != [tuple(f.box) for f in faces]:
        # The library numbers faces itself; if its order ever differed from the stored one, a tag would land
        # on the wrong face. Refuse rather than publish on a guess.
        raise ChannelError("The faces in this photo could not be matched to their numbers. Please start the photo check again.")
    outcomes = [FaceOutcome(d.number, tuple(d.box), d.score, answers.get(d.number, Answer("unknown")), d.consent, d.action) for d in result.faces]
    return outcomes, result.redacted


def _appearances(check: PhotoCheck, outcomes: list[FaceOutcome]) -> list[Appearance]:
    rows = []
    for o in outcomes:
        suggestion = next((f for f in check.faces if f["number"] == o.number), {})
        rows.append(Appearance(
            school=check.school, photo_check=check, post=check.post, number=o.number, box=list(o.box), score=o.score,
            kind=o.answer.kind, person=o.answer.pupil, person_label=o.answer.pupil.name if o.answer.pupil else "",
            identified_by=o.answer.identified_by, distance=suggestion.get("distance") if o.answer.identified_by == "match" else None,
            consent=o.consent if o.answer.kind == "pupil" else "", action=o.action, reason=o.reason,
        ))
    return Appearance.objects.bulk_create(rows)


def publish_file(post: Post, redacted) -> None:
    """The redacted photo becomes the post's published image; the earlier published copy is deleted (it may
    show a face that may no longer be shown). The original stays, for staff."""
    old = post.image.name if post.image else ""
    post.image.save("published.jpg", ContentFile(photo_images.encode_jpeg(redacted)), save=False)
    if old and old != post.image.name:
        post.image.storage.delete(old)


@transaction.atomic
def complete(post: Post, answers: dict[int, Answer], *, actor, expect_blurred: list[int] | None = None, today=None) -> PhotoCheck:
    """Staff confirmed who is in the photo: store the redacted image as the published one, one `Appearance`
    per face, and mark the check complete. `expect_blurred` is what the "check your answers" page showed:
    if consent changed in between, nothing is saved and the person is asked to look again."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    check = post.current_check()
    if check is None or check.status != PhotoCheck.Status.PENDING:
        raise ChannelError("This post has no photo check waiting.")
    check = PhotoCheck.objects.select_for_update().get(pk=check.pk)
    outcomes, redacted = evaluate(check, answers, today=today)
    blurred = [o.number for o in outcomes if o.action == "blur"]
    if expect_blurred is not None and sorted(expect_blurred) != blurred:
        raise ChannelError("Someone's consent changed while you were checking this photo. Please look at the faces to be blurred again.")
    publish_file(post, redacted)
    post.save(update_fields=["image"])
    _appearances(check, outcomes)
    check.status, check.answers = PhotoCheck.Status.COMPLETE, {str(n): a.as_json() for n, a in answers.items()}
    check.checked_at, check.checked_by, check.checked_by_label = timezone.now(), actor, actor_label(actor)
    check.save()
    record(AuditEvent.PHOTO_CHECK_COMPLETE, actor=actor, school=post.school, target=post,
           summary=f"Photo on post {post.pk} checked: {len(outcomes) - len(blurred)} face{'s' if len(outcomes) - len(blurred) != 1 else ''} shown, "
                   f"{len(blurred)} blurred",
           check=check.pk, shown=[o.number for o in outcomes if o.action == "keep"], blurred=blurred,
           pupils=[o.answer.pupil.pk for o in outcomes if o.answer.pupil is not None])
    return check


def shown_pupil_ids(post: Post) -> list[int]:
    check = post.current_check()
    if check is None or not check.is_complete:
        return []
    return list(check.appearances.filter(action=Appearance.Action.KEEP, person__isnull=False).values_list("person_id", flat=True))
