"""The photo check: for one photo and one purpose, which faces may be shown, and the photo to publish.

The rule (issue 10, from Stokes Wood's policy: "Parents/carers must sign a consent form ... before their
child's image can be posted"): a face is kept only when it is a pupil, known by a staff tag or by an
accepted match, whose consent for this purpose is "granted". Staff and other adults, tagged "staff" or
"not_ours", are kept unless tagged "hide". Every other face is blurred: refused, not asked, expired,
never-publish, unknown, untagged, not matched. When in doubt, blur; a blurred face can be unblurred once a
person checks it, a published one cannot be taken back.

A staff tag wins over a match (a match is only a suggestion). Matching is optional: with `gallery=None`
nothing is matched, and staff tag every face (the non-biometric path). Faces are numbered 1..n in reading
order, so "face 3" means the same face to the person tagging and to this code.

What a FaceDecision records for each kind of face (the choice for people who are not pupils: they have no
consent row, and the policy keeps them by default, so their consent reads "granted" with no person):

| the face is                              | person       | consent               | action |
|------------------------------------------|--------------|-----------------------|--------|
| tagged pupil / matched pupil             | the pupil    | consent_of(pupil)     | keep only if "granted" |
| tagged "staff" or "not_ours"             | None         | "granted"             | keep   |
| tagged "hide" ("do not show")            | tag's name   | "never"               | blur   |
| tagged "unknown", a pupil with no name, untagged and not matched | None | "no_match" | blur |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from schoolgate.photos.detect import Face, detect_faces
from schoolgate.photos.match import Match, default_encoder, match_faces
from schoolgate.photos.redact import redact

CONSENT_STATES = ("granted", "refused", "not_asked", "expired", "never")
TAG_KINDS = ("pupil", "staff", "not_ours", "unknown", "hide")


@dataclass(frozen=True)
class Tag:
    """What a member of staff said a face is: a pupil (with their name), staff, someone not from the
    school, unknown, or "hide" (a person who must not be shown, whoever they are)."""

    kind: str
    name: str | None = None

    def __post_init__(self):
        if self.kind not in TAG_KINDS:
            raise ValueError(f"a tag is one of {', '.join(TAG_KINDS)}, not {self.kind!r}")


@dataclass(frozen=True)
class FaceDecision:
    number: int
    box: tuple[int, int, int, int]
    score: float
    person: str | None
    distance: float | None
    consent: str  # one of CONSENT_STATES, or "no_match"
    action: str  # "keep" or "blur"
    tag: str | None = None  # the staff tag's kind, when the face was tagged
    match: Match | None = field(default=None, compare=False)  # the matcher's view, for the tagging page

    def as_json(self) -> dict:
        return {
            "box": list(self.box),
            "score": round(self.score, 4),
            "person": self.person,
            "distance": None if self.distance is None else round(self.distance, 4),
            "consent": self.consent,
            "action": self.action,
        }


@dataclass(frozen=True)
class PhotoCheck:
    faces: list[FaceDecision]
    redacted: Image.Image

    @property
    def people(self) -> list[str]:
        """The pupils shown (kept) in the published photo: what a post remembers."""
        return [f.person for f in self.faces if f.action == "keep" and f.person and f.tag != "staff"]

    def as_json(self) -> dict:
        """The CLI contract: {"faces": [{"box", "score", "person", "distance", "consent", "action"}]}."""
        return {"faces": [f.as_json() for f in self.faces]}


def reading_order(faces: list[Face]) -> list[Face]:
    """Faces top-to-bottom by row, left-to-right within a row. A row is the faces whose centres sit within
    half a face height of the row's first face: people in one row of a class photo are never exactly level."""
    rows: list[list[Face]] = []
    for face in sorted(faces, key=lambda f: f.box[1] + f.box[3] / 2):
        centre = face.box[1] + face.box[3] / 2
        if rows:
            first = rows[-1][0]
            if abs(centre - (first.box[1] + first.box[3] / 2)) <= first.box[3] / 2:
                rows[-1].append(face)
                continue
        rows.append([face])
    return [face for row in rows for face in sorted(row, key=lambda f: f.box[0])]


def decide(faces: list[Face], *, consent_of: Callable[[str], str], matches: list[Match] | None = None,
           tags: dict[int, Tag] | None = None) -> list[FaceDecision]:
    """The rule for each face (numbered 1..n in the order given), with no image: see the table above."""
    tags = tags or {}
    decisions = []
    for number, face in enumerate(faces, start=1):
        match = matches[number - 1] if matches else None
        tag = tags.get(number)
        person, dist, consent = None, None, "no_match"
        if tag is not None:
            if tag.kind in ("staff", "not_ours"):
                consent = "granted"
            elif tag.kind == "hide":
                person, consent = tag.name, "never"
            elif tag.kind == "pupil" and tag.name:
                person, consent = tag.name, _consent(consent_of, tag.name)
        elif match is not None and match.name is not None:
            person, dist, consent = match.name, match.distance, _consent(consent_of, match.name)
        action = "keep" if consent == "granted" and (tag is None or tag.kind != "hide") else "blur"
        decisions.append(FaceDecision(number, face.box, face.score, person, dist, consent, action,
                                      tag.kind if tag else None, match))
    return decisions


def _consent(consent_of: Callable[[str], str], pupil: str) -> str:
    state = consent_of(pupil)
    if state not in CONSENT_STATES:
        # A state this code does not know could be a new kind of refusal: never read it as consent.
        raise ValueError(f"unknown consent state {state!r} for {pupil!r}")
    return state


def check_photo(image: Image.Image, *, consent_of: Callable[[str], str], gallery: dict[str, list[np.ndarray]] | None = None,
                tags: dict[int, Tag] | None = None, threshold: float = 0.5, margin: float = 0.1,
                faces: list[Face] | None = None, encoder=None) -> PhotoCheck:
    """Detect (unless `faces` are given), match against `gallery` (when given), decide, and redact.

    `consent_of(pupil)` is the pupil's state for this check's purpose, one of CONSENT_STATES.
    Descriptors of the photo's faces exist only inside this call (nobody here is enrolled by a check).
    """
    faces = reading_order(detect_faces(image) if faces is None else list(faces))
    matches = None
    if gallery and faces:
        encoder = encoder or default_encoder()
        matches = match_faces([encoder.descriptor(image, f) for f in faces], gallery, threshold, margin)
    decisions = decide(faces, consent_of=consent_of, matches=matches, tags=tags)
    redacted = redact(image, [d.box for d in decisions if d.action == "blur"])
    return PhotoCheck(decisions, redacted)
