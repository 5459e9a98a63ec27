"""Matching: thresholds, the margin over the next pupil, one identity per photo, and dlib's descriptor."""

import numpy as np
import pytest

from schoolgate.photos import match as match_module
from schoolgate.photos import models
from schoolgate.photos.detect import Face, detect_faces
from schoolgate.photos.match import Encoder, Match, best_match, distance, match_faces


def at(d, axis=0):
    """A descriptor `d` away from the origin."""
    v = np.zeros(128)
    v[axis] = d
    return v


GALLERY = {"Amy": [at(0.0), at(5.0)], "Ben": [at(1.0)], "Cal": [at(3.0)]}


@pytest.mark.parametrize("query, expected", [
    (at(0.1), Match("Amy", 0.1, pytest.approx(0.9))),  # near Amy's first photo, far from Ben: a match
    (at(4.9), Match("Amy", pytest.approx(0.1), pytest.approx(1.9))),  # near any of her photos
    (at(0.47), Match(None, 0.47, pytest.approx(0.53))),  # under the threshold, but Ben is nearly as near: no name
    (at(2.0), Match(None, 1.0, 1.0)),  # nobody under the threshold
    (at(0.3, axis=1), Match("Amy", 0.3, pytest.approx(np.hypot(1, 0.3)))),
])
def test_best_match(query, expected):
    got = best_match(query, GALLERY)
    assert (got.name, got.distance, got.runner_up) == (expected.name, pytest.approx(expected.distance), expected.runner_up)


def test_thresholds_are_the_caller_s():
    assert best_match(at(0.45), {"Amy": [at(0.0)]}).name == "Amy"
    assert best_match(at(0.45), {"Amy": [at(0.0)]}, threshold=0.4).name is None
    assert best_match(at(0.3), {"Amy": [at(0.0)], "Ben": [at(0.7)]}, margin=0.5).name is None


def test_empty_gallery_matches_nobody():
    assert best_match(at(0.0), {}) == Match(None, None, None)
    assert best_match(at(0.0), {"Amy": []}) == Match(None, None, None)


def test_one_identity_per_photo():
    matches = match_faces([at(0.05), at(0.1), at(1.0)], {"Amy": [at(0.0)], "Ben": [at(1.0)]}, margin=0.1)
    assert [m.name for m in matches] == [None, None, "Ben"]
    assert matches[0].distance == pytest.approx(0.05)  # the evidence is kept for the tagging page


def test_descriptor_is_128_numbers_and_stable(face_photo):
    photo, _ = face_photo
    [face] = detect_faces(photo)
    encoder = Encoder()
    a, b = encoder.descriptor(photo, face), encoder.descriptor(photo, face)
    assert a.shape == (128,) and a.dtype == np.float64
    assert 0.5 < np.linalg.norm(a) < 1.5 and distance(a, b) < 1e-6


def test_same_drawing_near_a_different_one_far(drawn, composed):
    # The same drawn look at two sizes and places is one "person"; the dark and the fair looks are not.
    encoder = Encoder()

    def descriptor(size, look, where):
        photo = composed((200, 200), [(where, where, size, look)])
        [face] = detect_faces(photo)
        return encoder.descriptor(photo, face)

    fair_a, fair_b, dark = descriptor(52, 2, 40), descriptor(44, 2, 90), descriptor(44, 1, 60)
    assert distance(fair_a, fair_b) < 0.4
    assert distance(fair_a, dark) > distance(fair_a, fair_b) + 0.2


def test_a_missing_model_is_an_error(monkeypatch, face_photo):
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    photo, _ = face_photo
    with pytest.raises(models.ModelMissing, match="face_recognition_models"):
        Encoder().descriptor(photo, Face((56, 56, 48, 48), 0.9))
    assert match_module.SHAPE_MODEL.startswith("shape_predictor_5")  # never the 68-point model
