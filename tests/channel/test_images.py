"""Images on posts: type from content, size cap, decompression bombs refused, EXIF/GPS stripped, access."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from schoolgate.channel.images import MAX_BYTES, ImageRejected, clean_image
from schoolgate.channel.models import Post

NEW = "/stokes-wood/channel/posts/new/"


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0132] = "2025:07:04 13:30:00"  # DateTime
    gps = {1: "N", 2: (52.0, 37.0, 10.5), 3: "W", 4: (1.0, 10.0, 30.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(size=(32, 32), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_gps_and_camera_details_are_removed(stokes, login):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture really carries GPS
    client = login("office@stokes-wood.demo")
    response = client.post(NEW, {"text": "Sports day photos of the field.", "audience": "school", "image": upload(original), "image_alt": "The school field"})
    assert response.status_code == 302
    post = Post.objects.get(school=stokes)
    # Both the original kept for staff and the published copy (after the photo check) are free of metadata.
    assert client.post(f"/stokes-wood/channel/posts/{post.pk}/photo-check/confirm/", {"blurred": ""}).status_code == 302
    post.refresh_from_db()
    for field in (post.original_image, post.image):
        stored = field.read()
        assert b"PhoneMaker" not in stored and b"Exif" not in stored
        img = Image.open(io.BytesIO(stored))
        assert img.format == "JPEG" and img.size == (64, 48)
        assert not img.getexif() and "exif" not in img.info
        assert "photo" not in field.name  # the uploaded file name is not kept


def test_clean_image_strips_png_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 12 Acacia Avenue")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG", pnginfo=info)
    data, ext = clean_image(out.getvalue())
    assert ext == "png" and b"Acacia" not in data


def test_not_an_image_is_refused_by_its_content(stokes, login):
    client = login("office@stokes-wood.demo")
    response = client.post(NEW, {"text": "Newsletter", "audience": "school", "image": upload(b"%PDF-1.4 not a photo" * 10, "photo.jpg"), "image_alt": "x"})
    assert response.status_code == 400
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    assert not Post.objects.exists()


def test_text_file_pretending_to_be_png_is_refused(stokes, login):
    response = login("office@stokes-wood.demo").post(NEW, {"text": "Hi", "audience": "school", "image": upload(b"hello world", "a.png", "image/png"), "image_alt": "x"})
    assert response.status_code == 400 and not Post.objects.exists()


def test_too_big_is_refused(stokes, login):
    big = b"\xff\xd8\xff\xe0" + b"0" * (MAX_BYTES + 10)
    response = login("office@stokes-wood.demo").post(NEW, {"text": "Hi", "audience": "school", "image": upload(big), "image_alt": "x"})
    assert response.status_code == 400
    assert "the largest allowed is 5 MB" in response.content.decode()
    assert not Post.objects.exists()


@pytest.mark.parametrize("size", [(9000, 9000), (12000, 12000)])  # 81 MP (bomb warning) and 144 MP (bomb error)
def test_decompression_bomb_is_refused_with_a_clear_message(stokes, login, size):
    bomb = png_bytes(size, mode="1")  # a few KB on disk, tens of millions of pixels once decoded
    assert len(bomb) < MAX_BYTES
    response = login("office@stokes-wood.demo").post(NEW, {"text": "Hi", "audience": "school", "image": upload(bomb, "bomb.png", "image/png"), "image_alt": "x"})
    assert response.status_code == 400
    assert "too large to open safely" in response.content.decode()
    assert not Post.objects.exists()


def test_damaged_image_is_refused():
    data = jpeg_with_gps()
    with pytest.raises(ImageRejected):
        clean_image(data[:200])


def test_image_needs_a_description(stokes, login):
    response = login("office@stokes-wood.demo").post(NEW, {"text": "Hi", "audience": "school", "image": upload(png_bytes(), "a.png", "image/png")})
    assert response.status_code == 400 and "Describe the image" in response.content.decode()


def test_image_is_served_only_to_those_who_see_the_post(stokes, login):
    client = login("office@stokes-wood.demo")
    client.post(NEW, {"text": "Year 4 art display.", "audience": "year_group", "group": "Year 4", "image": upload(png_bytes(), "a.png", "image/png"), "image_alt": "Paintings"})
    post = Post.objects.get(school=stokes)
    client.post(f"/stokes-wood/channel/posts/{post.pk}/photo-check/confirm/", {"blurred": ""})
    url = f"/stokes-wood/channel/posts/{post.pk}/image/"
    response = login("parent@stokes-wood.demo").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"  # the published copy is re-encoded
    assert login("shah@stokes-wood.demo").get(url).status_code == 404
    assert login("parent@high-hesket.demo").get(url).status_code == 404
