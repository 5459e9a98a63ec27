"""Photo fixtures for the channel's photo-check tests: images built here, at test time.

`scene_jpeg()` paints people whose faces the real detector finds (`schoolgate.channel.demo_photo`: computed
pixels, nobody real). `FixedFacesDetector` is a fake for flow tests only, where what is tested is the
pages and the records, not the detection: it returns fixed boxes for any image.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from schoolgate.channel.demo_photo import scene_jpeg
from schoolgate.photos.detect import Face

NEW = "/stokes-wood/channel/posts/new/"


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def plain_jpeg(size=(320, 240), colour=(120, 160, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def post_photo(client, data: bytes | None = None, text="Sports day on the field.", **extra):
    """Write a post with a photo as `client`; returns the response (a redirect to the photo check)."""
    form = {"text": text, "audience": "school", "image": upload(data if data is not None else scene_jpeg()), "image_alt": "Children on the field"}
    form.update(extra)
    return client.post(NEW, form)


def check_url(post, step=""):
    return f"/{post.school.slug}/channel/posts/{post.pk}/photo-check/{step}"


class FixedFacesDetector:
    """A fake detector for flow tests: the same boxes for any photo (three faces in a row)."""

    BOXES = ((20, 40, 60, 70), (130, 40, 60, 70), (240, 40, 60, 70))

    def __init__(self, boxes=BOXES):
        self.boxes = boxes
        self.calls = 0

    def __call__(self, image, threshold=0.5):
        self.calls += 1
        return [Face(box=b, score=0.9, landmarks=()) for b in self.boxes]
