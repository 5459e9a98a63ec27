"""Enrolment from reference photos (issue 10 part 3): the office uploads one or more photos of a pupil whose
parent gave written biometric consent; each photo becomes one 128-number face template, and nothing else.

- The photo itself is never stored: it is read in memory, its faces found, the largest face's descriptor
  computed, and the pixels dropped. Only `biometrics.enrol` writes, and it writes descriptors.
- A photo with no face is refused; with several faces the largest one is taken (a reference photo is a
  portrait, so the others are people behind) and the office is told. The other faces' descriptors are never
  computed, so nothing about them exists even in memory beyond the detector's boxes.
- Who may be enrolled is checked before any face is looked at (matching on, DPIA recorded, current consent),
  and checked again under lock by `enrol`.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolgate.photos.detect import detect_faces
from schoolgate.photos.images import PhotoRejected, load_image
from schoolgate.photos.match import default_encoder
from schoolgate.photos.models import ModelMissing

from .biometrics import biometric_eligible, enrol
from .errors import ConsentError
from .models import ConsentSettings, FaceTemplate

MAX_PHOTOS = 10


@dataclass(frozen=True)
class ReferencePhoto:
    """One uploaded photo: its file name (for messages) and its bytes (held in memory only)."""

    name: str
    data: bytes


class EnrolmentError(ConsentError):
    """A refusal; `problems` are one sentence per photo that could not be used."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


def why_not_enrol(school, pupil) -> str | None:
    """Why this pupil cannot be enrolled now, in a sentence; None when they can."""
    settings = ConsentSettings.for_school(school)
    if not settings.dpia_recorded:
        return "The school has not recorded its DPIA for face matching, so no face can be enrolled."
    if not settings.matching_enabled:
        return "Face matching is switched off at this school, so no face can be enrolled."
    if not biometric_eligible(school, pupil):
        return (f"{pupil.name} has no current written biometric consent from a parent/carer (or a later objection or refusal "
                "stands), so their face cannot be stored. Their photos are tagged by hand.")
    return None


def templates_this_year(school, pupil) -> int:
    year = ConsentSettings.for_school(school).academic_year()
    return FaceTemplate.objects.filter(school=school, pupil=pupil, academic_year=year).count()


def _largest_face_descriptor(photo: ReferencePhoto, encoder, pupil_name: str) -> tuple[object | None, str | None, str | None]:
    """(descriptor, a note for the office, a problem) for one photo."""
    try:
        image = load_image(photo.data)
    except PhotoRejected as exc:
        return None, None, f"{photo.name}: {exc}"
    faces = detect_faces(image)
    if not faces:
        return None, None, (f"{photo.name}: no face was found in this photo. Use a clear photo of {pupil_name}'s face, "
                            "looking at the camera, in good light.")
    largest = max(faces, key=lambda f: f.area)
    note = None
    if len(faces) > 1:
        note = (f"{photo.name}: {len(faces)} faces were found; only the largest was used. "
                "Nothing about the other faces was kept.")
    descriptor = encoder.descriptor(image, largest)
    return descriptor, note, None


def enrol_from_photos(pupil, photos: list[ReferencePhoto], *, actor, encoder=None) -> tuple[list[FaceTemplate], list[str]]:
    """Enrol `pupil` from reference photos: one template per photo (this year's, replacing earlier ones).
    All or nothing: if any photo cannot be used, nothing is stored and every problem is reported."""
    school = pupil.school
    reason = why_not_enrol(school, pupil)
    if reason:
        raise EnrolmentError(reason)
    if not photos:
        raise EnrolmentError("Choose at least one reference photo.")
    if len(photos) > MAX_PHOTOS:
        raise EnrolmentError(f"Choose at most {MAX_PHOTOS} reference photos at once.")
    encoder = encoder or default_encoder()
    descriptors, notes, problems = [], [], []
    try:
        for photo in photos:
            descriptor, note, problem = _largest_face_descriptor(photo, encoder, pupil.name)
            if problem:
                problems.append(problem)
            else:
                descriptors.append(descriptor)
                if note:
                    notes.append(note)
    except ModelMissing as exc:
        raise EnrolmentError(f"Face matching cannot run on this server: {exc}") from exc
    if problems:
        raise EnrolmentError(problems[0], problems)
    return enrol(pupil, descriptors, actor=actor), notes
