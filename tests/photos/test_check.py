"""The photo check's rule, face by face, with no image and no model: stub faces, stub matches."""

import numpy as np
import pytest
from PIL import Image

from schoolgate.photos.check import Tag, check_photo, decide, reading_order
from schoolgate.photos.detect import Face
from schoolgate.photos.match import Match

CONSENT = {"Amy": "granted", "Ben": "refused", "Cal": "not_asked", "Dee": "expired", "Eve": "never"}


def consent_of(pupil):
    return CONSENT.get(pupil, "not_asked")


def face(x, y=10, w=40, h=40):
    return Face(box=(x, y, w, h), score=0.9)


@pytest.mark.parametrize("tag, match, person, distance, consent, action", [
    # untagged: the matcher decides, and only a consenting pupil is kept
    (None, None, None, None, "no_match", "blur"),
    (None, Match(None, 0.55, None), None, None, "no_match", "blur"),  # nearest pupil too far: no match
    (None, Match("Amy", 0.31, 0.8), "Amy", 0.31, "granted", "keep"),
    (None, Match("Ben", 0.31, 0.8), "Ben", 0.31, "refused", "blur"),
    (None, Match("Cal", 0.31, None), "Cal", 0.31, "not_asked", "blur"),
    (None, Match("Dee", 0.31, None), "Dee", 0.31, "expired", "blur"),
    (None, Match("Eve", 0.31, None), "Eve", 0.31, "never", "blur"),
    (None, Match("Zed", 0.31, None), "Zed", 0.31, "not_asked", "blur"),  # no row for the purpose
    # a staff tag wins over any match
    (Tag("pupil", "Amy"), None, "Amy", None, "granted", "keep"),
    (Tag("pupil", "Amy"), Match("Ben", 0.3, None), "Amy", None, "granted", "keep"),
    (Tag("pupil", "Ben"), Match("Amy", 0.3, None), "Ben", None, "refused", "blur"),
    (Tag("pupil", "Eve"), None, "Eve", None, "never", "blur"),
    (Tag("pupil", None), Match("Amy", 0.3, None), None, None, "no_match", "blur"),  # a pupil, but who?
    (Tag("staff", "Mr Hughes"), None, None, None, "granted", "keep"),
    (Tag("not_ours"), Match("Ben", 0.3, None), None, None, "granted", "keep"),
    (Tag("hide", "Mrs Patel"), None, "Mrs Patel", None, "never", "blur"),
    (Tag("hide"), Match("Amy", 0.3, None), None, None, "never", "blur"),
    (Tag("unknown"), Match("Amy", 0.3, None), None, None, "no_match", "blur"),
])
def test_the_rule(tag, match, person, distance, consent, action):
    [d] = decide([face(0)], consent_of=consent_of, matches=[match] if match else None, tags={1: tag} if tag else None)
    assert (d.number, d.person, d.distance, d.consent, d.action) == (1, person, distance, consent, action)


def test_faces_are_numbered_in_reading_order():
    # Two rows; the second face of the top row stands a little lower than the first.
    faces = [face(200, 112), face(10, 10), face(120, 22), face(20, 110), face(300, 8)]
    ordered = reading_order(faces)
    assert [f.box[:2] for f in ordered] == [(10, 10), (120, 22), (300, 8), (20, 110), (200, 112)]
    decisions = decide(ordered, consent_of=consent_of, tags={4: Tag("pupil", "Amy")})
    assert [d.action for d in decisions] == ["blur", "blur", "blur", "keep", "blur"]


def test_an_unknown_consent_state_is_an_error_not_consent():
    with pytest.raises(ValueError, match="unknown consent state"):
        decide([face(0)], consent_of=lambda _: "yes", tags={1: Tag("pupil", "Amy")})


def test_a_tag_is_one_of_the_kinds():
    with pytest.raises(ValueError):
        Tag("parent")


class StubEncoder:
    """A descriptor per face from its x position: faces at x < 100 look like Amy, others like Ben."""

    def descriptor(self, image, f):
        return np.full(128, 0.0) if f.box[0] < 100 else np.full(128, 1.0)


def test_check_photo_keeps_blurs_and_redacts_only_the_blurred():
    image = Image.new("RGB", (300, 100), (90, 90, 90))
    image.paste((255, 255, 255), (20, 30, 40, 40))  # something bright in each face's box
    image.paste((255, 255, 255), (220, 30, 240, 40))
    faces = [face(200, 20, 60, 60), face(10, 20, 60, 60)]
    gallery = {"Amy": [np.full(128, 0.01)], "Ben": [np.full(128, 1.0)]}
    result = check_photo(image, consent_of=consent_of, gallery=gallery, faces=faces, encoder=StubEncoder())
    amy, ben = result.faces
    assert (amy.number, amy.person, amy.consent, amy.action) == (1, "Amy", "granted", "keep")
    assert (ben.number, ben.person, ben.consent, ben.action) == (2, "Ben", "refused", "blur")
    assert result.redacted.getpixel((30, 35)) == (255, 255, 255)  # Amy untouched
    assert result.redacted.getpixel((230, 35)) != (255, 255, 255)  # Ben blurred
    assert result.people == ["Amy"]
    assert result.as_json() == {"faces": [
        {"box": [10, 20, 60, 60], "score": 0.9, "person": "Amy", "distance": pytest.approx(0.1131, abs=1e-4),
         "consent": "granted", "action": "keep"},
        {"box": [200, 20, 60, 60], "score": 0.9, "person": "Ben", "distance": 0.0, "consent": "refused", "action": "blur"},
    ]}


def test_without_a_gallery_nothing_is_matched_and_nothing_is_kept_untagged():
    image = Image.new("RGB", (300, 100))

    class Refuses:
        def descriptor(self, *_):
            raise AssertionError("the non-biometric path computes no descriptor")

    result = check_photo(image, consent_of=lambda _: "granted", faces=[face(10), face(200)], encoder=Refuses())
    assert [(d.person, d.consent, d.action) for d in result.faces] == [(None, "no_match", "blur")] * 2


def test_the_same_pupil_twice_in_one_photo_is_named_for_neither():
    image = Image.new("RGB", (300, 100))
    gallery = {"Amy": [np.zeros(128)]}
    result = check_photo(image, consent_of=consent_of, gallery=gallery, faces=[face(10), face(50)], encoder=StubEncoder())
    assert [(d.person, d.action) for d in result.faces] == [(None, "blur"), (None, "blur")]
