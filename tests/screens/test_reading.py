"""Reading rendered phone screenshots: messages, authors, times and boxes (issue 15)."""

from __future__ import annotations

import io
import re
from difflib import SequenceMatcher

import pytest
from PIL import Image

from schoolgate.screens import NotAScreenshot, read_screenshot


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, " ".join(a.split()), " ".join(b.split())).ratio()


def centre_inside(box, truth) -> bool:
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return truth[0] <= cx <= truth[0] + truth[2] and truth[1] <= cy <= truth[1] + truth[3]


def test_dark_mode_chat(rendered, readings):
    scene, _ = rendered["dark-chat"]
    messages = readings("dark-chat").messages
    assert [m.author for m in messages] == [m.author for m in scene.messages]
    assert [m.time for m in messages] == [m.time for m in scene.messages]
    for got, want, box in zip(messages, scene.messages, scene.boxes):
        assert similar(got.text, want.text) >= 0.97, (got.text, want.text)
        assert centre_inside(got.box, box)


def test_a_long_wrapped_message_is_one_message(rendered, readings):
    scene, _ = rendered["long"]
    messages = readings("long").messages
    assert len(messages) == 3
    long = messages[1]
    assert long.author == "Lee Turner" and long.time == "08:03"
    assert similar(long.text, scene.messages[1].text) >= 0.97
    assert len(long.segments) >= 5  # it really did wrap
    # The second message carries on the first's run: WhatsApp does not repeat the name... but Lee's is a new run.
    assert messages[2].author == "Amira Khan"


def test_emoji_do_not_break_a_message(rendered, readings):
    scene, _ = rendered["emoji"]
    messages = readings("emoji").messages
    assert [m.author for m in messages] == ["Sarah Jones", "Dave Patel"]
    assert [m.time for m in messages] == ["18:40", "18:42"]
    # This machine has no colour emoji font: the words around them must still be read, and nothing invented.
    assert "Well done to the choir" in messages[0].text
    assert "see you all at pick up" in messages[1].text
    assert len(re.sub(r"[\W_]", "", messages[1].text)) <= len("seeyouallatpickup") + 4


def test_facebook_post_and_comments(rendered, readings):
    scene, _ = rendered["facebook"]
    messages = readings("facebook").messages
    assert [(m.author, m.time) for m in messages] == [(m.author, m.time) for m in scene.messages]
    for got, want in zip(messages, scene.messages):
        assert similar(got.text, want.text) >= 0.97


def test_flagged_words_are_boxed_where_they_are(rendered, readings):
    scene, _ = rendered["dark-chat"]
    message = readings("dark-chat").messages[1]
    start = message.text.index("liar")
    (box,) = message.boxes_for(start, start + 4)
    truth = scene.boxes[1]
    assert truth[0] <= box[0] and box[0] + box[2] <= truth[0] + truth[2]
    assert truth[1] <= box[1] and box[1] + box[3] <= truth[1] + truth[3]
    assert box[2] < truth[2] / 3  # a word, not the whole line


def test_a_screenshot_with_no_text_has_no_messages():
    buffer = io.BytesIO()
    Image.new("RGB", (780, 1688), (239, 234, 226)).save(buffer, format="PNG")
    reading = read_screenshot(buffer.getvalue())
    assert reading.messages == [] and (reading.width, reading.height) == (780, 1688)


@pytest.mark.parametrize("data", [b"", b"hello, this is a text file", b"%PDF-1.7\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_a_file_that_is_not_a_picture_is_refused(data):
    with pytest.raises(NotAScreenshot) as refused:
        read_screenshot(data)
    assert "screenshot" in str(refused.value).lower() or "picture" in str(refused.value).lower()


def test_a_forwarded_jpeg_reads_the_same(rendered, readings):
    """Messaging apps forward a screenshot smaller and as JPEG: bars, bubbles and names must still be found
    through the noise."""
    scene, path = rendered["dark-chat"]
    image = Image.open(path).convert("RGB")
    buffer = io.BytesIO()
    image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.LANCZOS).save(buffer, format="JPEG", quality=70)
    messages = read_screenshot(buffer.getvalue()).messages
    assert [m.author for m in messages] == [m.author for m in scene.messages]
    for got, want in zip(messages, scene.messages):
        assert similar(got.text, want.text) >= 0.97
