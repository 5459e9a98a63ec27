"""Face detection: CenterFace finds every face of a class photo, at any photo size, boxes in its pixels."""

import threading

import pytest
from PIL import Image

from schoolgate.photos import detect, models
from schoolgate.photos.detect import Face, detect_faces


def _centre_inside(face: Face, square) -> bool:
    x, y, w, h = face.box
    cx, cy = x + w / 2, y + h / 2
    sx, sy, ss, _ = square
    return sx <= cx <= sx + ss and sy <= cy <= sy + ss


def _pairs(faces, squares):
    """Each drawn square with the one detected face whose centre lies in it."""
    return {i: [f for f in faces if _centre_inside(f, sq)] for i, sq in enumerate(squares)}


def test_finds_one_face_with_its_box_and_landmarks(face_photo):
    photo, square = face_photo
    faces = detect_faces(photo)
    assert len(faces) == 1
    face = faces[0]
    assert _centre_inside(face, square) and 0.5 <= face.score <= 1
    x, y, w, h = face.box
    assert 25 <= w <= 60 and 25 <= h <= 60  # the drawn face is 48 px: the box is the face, not the photo
    assert len(face.landmarks) == 5 and all(x <= px <= x + w and y <= py <= y + h for px, py in face.landmarks[:3])


def test_finds_every_face_of_a_class_photo_and_nothing_else(class_photo):
    photo, squares = class_photo
    faces = detect_faces(photo)
    pairs = _pairs(faces, squares)
    assert all(len(found) == 1 for found in pairs.values()), pairs
    assert len(faces) == len(squares) == 15  # no false positives on the background


@pytest.mark.parametrize("size", [(37, 1001), (1001, 37), (5, 5), (1, 1), (33, 65)])
def test_any_photo_size(size):
    assert detect_faces(Image.new("RGB", size, (128, 128, 128))) == []


def test_boxes_come_back_in_the_photo_s_pixels_when_it_is_scaled_down(composed):
    # 3000 px wide: the detector sees it at MAX_SIDE (1920), so the 72-px faces are 46 px to it.
    placed = [(400, 300, 72, 0), (2500, 1500, 72, 1)]
    photo = composed((3000, 2000), placed)
    faces = sorted(detect_faces(photo), key=lambda f: f.box[0])
    assert len(faces) == 2
    for face, (x, y, s, _) in zip(faces, placed, strict=True):
        assert _centre_inside(face, (x, y, s, s))
        assert 0.5 * s <= face.box[2] <= 1.3 * s


def test_grey_and_other_modes_are_accepted(face_photo):
    photo, _ = face_photo
    assert len(detect_faces(photo.convert("RGBA"))) == 1


def test_lower_threshold_finds_at_least_as_much(class_photo):
    photo, _ = class_photo
    assert len(detect_faces(photo, threshold=0.2)) >= len(detect_faces(photo, threshold=0.5))


def test_one_session_shared_by_threads(face_photo):
    photo, _ = face_photo
    results = []
    threads = [threading.Thread(target=lambda: results.append(len(detect_faces(photo)))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1, 1, 1, 1]
    assert detect._load_session() is detect._load_session()


def test_a_missing_model_is_an_error_not_an_empty_result(monkeypatch, face_photo):
    monkeypatch.setattr(detect, "_session", None)
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(models.ModelMissing, match="centerface.onnx"):
        detect_faces(face_photo[0])


def test_the_shape_rewrite_refuses_another_model():
    with pytest.raises(ValueError, match="not the CenterFace model"):
        detect._dynamic_shapes(b"\x08\x07")  # a protobuf with one varint field: ir_version 7, no graph
