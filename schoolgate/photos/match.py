"""Face matching (biometric; PoFA 2012 ss.26-28): a face's descriptor, and the pupil it may be.

Only for pupils whose parents gave written biometric consent, and only when the school switched matching
on; the non-biometric path (staff tag every face) never comes here. Descriptors of faces that are not
enrolled are only ever held in memory during a check.

dlib's ResNet descriptor (128 numbers; the same person is usually under 0.5 apart, different people over
0.6) with its 5-point landmark model to align the face; both files come from `face_recognition_models`
(CC0). The 68-point model in that package is not used: its training data forbids commercial use.
The CenterFace box is the dlib rectangle, so a face is found once, by one detector.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from PIL import Image

from schoolgate.photos.detect import Face
from schoolgate.photos.models import ModelMissing, dlib_model_path

SHAPE_MODEL = "shape_predictor_5_face_landmarks.dat"
DESCRIPTOR_MODEL = "dlib_face_recognition_resnet_model_v1.dat"


@dataclass(frozen=True)
class Match:
    """The nearest enrolled pupil for one face. `name` is set only when the match is accepted (under the
    threshold, with the margin); `distance` is the nearest candidate's, `runner_up` the next different
    candidate's (None when there is none)."""

    name: str | None
    distance: float | None
    runner_up: float | None = None


class Encoder:
    """Turns a detected face into a descriptor. The dlib models (~30 MB) load on first use, once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._models = None

    def _load(self):
        if self._models is None:
            with self._lock:
                if self._models is None:
                    import dlib

                    shape, descriptor = dlib_model_path(SHAPE_MODEL), dlib_model_path(DESCRIPTOR_MODEL)
                    try:
                        self._models = (dlib.shape_predictor(str(shape)), dlib.face_recognition_model_v1(str(descriptor)))
                    except RuntimeError as exc:
                        raise ModelMissing(f"The face matching model files cannot be read: {exc}") from exc
        return self._models

    def descriptor(self, image: Image.Image, face: Face) -> np.ndarray:
        """The face's 128-number descriptor (float64, shape (128,))."""
        import dlib

        predictor, recogniser = self._load()
        x, y, w, h = face.box
        # Only the face and a margin around it go to dlib: converting a whole 12 MP photo for each face
        # costs more than the descriptor. The margin leaves room for the aligned 150-px chip's padding.
        left, top = max(0, x - w), max(0, y - h)
        crop = image.crop((left, top, min(image.width, x + 2 * w), min(image.height, y + 2 * h))).convert("RGB")
        pixels = np.asarray(crop, dtype=np.uint8)
        rect = dlib.rectangle(int(x - left), int(y - top), int(x - left + w), int(y - top + h))
        shape = predictor(pixels, rect)
        return np.asarray(recogniser.compute_face_descriptor(pixels, shape), dtype=np.float64)


_encoder: Encoder | None = None
_encoder_lock = threading.Lock()


def default_encoder() -> Encoder:
    """The process's one encoder, so the models load once however many checks run."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = Encoder()
    return _encoder


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def best_match(descriptor: np.ndarray, gallery: dict[str, list[np.ndarray]], threshold: float = 0.5, margin: float = 0.1) -> Match:
    """The pupil `descriptor` belongs to, if the evidence is clear: the nearest enrolled pupil (by their
    nearest reference photo) under `threshold`, and at least `margin` nearer than any other pupil. Two
    close candidates are a question for a person, not a guess, so neither is named."""
    nearest = sorted(
        (min(distance(descriptor, ref) for ref in refs), name) for name, refs in gallery.items() if len(refs)
    )
    if not nearest:
        return Match(None, None, None)
    best, name = nearest[0]
    runner_up = nearest[1][0] if len(nearest) > 1 else None
    accepted = best < threshold and (runner_up is None or runner_up - best >= margin)
    return Match(name if accepted else None, best, runner_up)


def match_faces(descriptors: list[np.ndarray], gallery: dict[str, list[np.ndarray]], threshold: float = 0.5,
                margin: float = 0.1) -> list[Match]:
    """`best_match` for every face of one photo, with one identity per photo: a pupil cannot be in a
    photo twice, so when two faces match the same pupil neither is named (both go to manual tagging)."""
    matches = [best_match(d, gallery, threshold, margin) for d in descriptors]
    named = [m.name for m in matches if m.name is not None]
    twice = {n for n in named if named.count(n) > 1}
    return [Match(None, m.distance, m.runner_up) if m.name in twice else m for m in matches]
