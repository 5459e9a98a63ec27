"""Redaction: every blurred face is gone for the detector even at a low threshold (0.2), and the blur
covers more than the detector's tight box."""

import pytest
from PIL import Image, ImageChops

from schoolgate.photos.detect import detect_faces
from schoolgate.photos.redact import enlarged, redact


def _overlaps(box, region) -> bool:
    x, y, w, h = box
    rx, ry, rw, rh = region
    return x < rx + rw and rx < x + w and y < ry + rh and ry < y + h


def test_no_face_is_found_again_in_any_blurred_region(class_photo, output_dir):
    photo, _ = class_photo
    faces = detect_faces(photo)
    assert len(faces) == 15
    out = redact(photo, [f.box for f in faces])
    out.save(output_dir / "photos-redacted-class.png")
    regions = [enlarged(f.box, photo.size) for f in faces]
    again = detect_faces(out, threshold=0.2)
    assert [f for f in again if any(_overlaps(f.box, r) for r in regions)] == []
    assert again == []


def test_only_the_chosen_faces_are_blurred(class_photo):
    photo, _ = class_photo
    faces = detect_faces(photo)
    hidden, shown = faces[:7], faces[7:]
    out = redact(photo, [f.box for f in hidden])
    again = detect_faces(out, threshold=0.5)
    assert len(again) == len(shown)
    # Outside the enlarged boxes not a pixel changed.
    mask = Image.new("L", photo.size, 255)
    for f in hidden:
        x, y, w, h = enlarged(f.box, photo.size)
        mask.paste(0, (x, y, x + w, y + h))
    diff = ImageChops.difference(photo, out).convert("L")
    assert ImageChops.multiply(diff, mask).getbbox() is None


def test_boxes_grow_by_a_quarter_on_every_side_and_stay_inside_the_photo():
    assert enlarged((100, 100, 40, 80), (1000, 1000)) == (90, 80, 60, 120)  # 1.5 × as wide and as tall
    assert enlarged((0, 0, 40, 40), (1000, 1000)) == (0, 0, 50, 50)  # clipped at the top-left
    assert enlarged((980, 970, 40, 40), (1000, 1000)) == (970, 960, 30, 40)  # and at the bottom-right


def test_the_blur_scales_with_the_face(drawn, composed):
    # A big face (a close-up) is blurred as thoroughly as a small one: nothing is left of its features.
    small = composed((100, 100), [(26, 26, 48, 0)])
    big = drawn(48, 0).resize((480, 480), Image.Resampling.BICUBIC)
    for photo, box in ((small, (30, 30, 40, 40)), (big, (60, 60, 360, 360))):
        out = redact(photo, [box])
        x, y, w, h = box
        core = out.crop((x, y, x + w, y + h)).convert("L")
        lo, hi = core.getextrema()
        # The eyes (near black) and sclera (near white) are gone: a narrow range of tones remains.
        assert hi - lo < 110, (photo.size, lo, hi)


def test_out_of_photo_and_empty_boxes_are_harmless():
    photo = Image.new("RGB", (50, 50), "white")
    assert redact(photo, [(60, 60, 10, 10), (10, 10, 0, 0)]).tobytes() == photo.tobytes()


def test_less_than_a_quarter_larger_is_refused():
    with pytest.raises(ValueError, match="at least 25%"):
        redact(Image.new("RGB", (10, 10)), [(1, 1, 5, 5)], enlarge=0.1)
