"""Reading phone screenshots of chats and posts (issue 15): pure Python, no Django.

    reading = read_screenshot(data)        # bytes of a PNG/JPEG/WebP...
    for m in reading.messages:  m.author, m.time, m.text, m.box

`images` turns bytes into pixels (or `NotAScreenshot`), `ocr` finds the text lines, `layout` groups them
into messages with their authors and times, and `overlay` draws boxes on a copy for a PDF.
"""

from __future__ import annotations

import time

from .images import NotAScreenshot, load, pixels
from .types import Box, Line, Message, Reading, Segment

__all__ = ["Box", "Line", "Message", "NotAScreenshot", "Reading", "Segment", "read_image", "read_screenshot"]


def read_screenshot(data: bytes) -> Reading:
    """The messages in the screenshot `data`. Raises NotAScreenshot for a file that is not a picture."""
    return read_image(load(data))


def read_image(image) -> Reading:
    from .layout import lay_out
    from .ocr import ENGINE, read_lines

    started = time.perf_counter()
    rgb = pixels(image)
    messages = lay_out(rgb, read_lines(rgb))
    return Reading(width=rgb.shape[1], height=rgb.shape[0], messages=messages, engine=ENGINE,
                   seconds=time.perf_counter() - started)
