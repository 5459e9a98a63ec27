"""The staff "check a text" page takes a screenshot too: each message read and checked, nothing stored."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

URL = reverse("judge:try", args=["stokes-wood"])


def test_a_screenshot_is_read_and_each_message_checked(rendered, readings, stokes, login, fake_judge):
    readings("facebook")
    client = login("head@stokes-wood.demo")
    data = rendered["facebook"][1].read_bytes()
    response = client.post(URL, {"text": "", "screenshot": SimpleUploadedFile("fb.png", data, "image/png")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Messages read from the screenshot (3)" in html
    assert "idiot" in html and "Participant 1" in html and "Karen Walsh" not in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_a_file_that_is_not_a_picture_is_a_clear_error(stokes, login, fake_judge):
    client = login("head@stokes-wood.demo")
    response = client.post(URL, {"screenshot": SimpleUploadedFile("notes.png", b"just some notes", "image/png")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "not a picture Schoolgate can read" in html


def test_nothing_given_is_a_clear_error(stokes, login, fake_judge):
    response = login("head@stokes-wood.demo").post(URL, {"text": "  "})
    assert response.status_code == 400 and "Some text or a screenshot is required: paste the text to check, or choose a screenshot." in response.content.decode()


def test_text_is_still_checked(stokes, login, fake_judge):
    response = login("head@stokes-wood.demo").post(URL, {"text": "He is a liar"})
    assert response.status_code == 200 and "liar" in response.content.decode()
