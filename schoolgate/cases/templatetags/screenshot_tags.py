"""`{% screenshot_for item as shot %}` in the evidence pack: the screenshot with its flagged words boxed
(a PNG drawn on a copy, as a data: URL, since the PDF renderer fetches nothing) and its messages as read,
with names of people not on the roster as "Participant N"."""

from __future__ import annotations

import base64

from django import template

from schoolgate.cases import screenshots as shots

register = template.Library()


@register.simple_tag
def screenshot_for(item) -> dict | None:
    if not shots.is_screenshot(item):
        return None
    reading = shots.current_reading(item)
    if reading is None:
        return None
    try:
        png = shots.boxed_copy(item, reading)
    except OSError:
        png = b""
    return {
        "image": "data:image/png;base64," + base64.b64encode(png).decode() if png else "",
        "messages": shots.shown_messages(reading, revealed=False),
        "corrected": reading.corrects_id is not None,
        "engine": reading.engine,
    }
