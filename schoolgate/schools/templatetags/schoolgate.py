"""Template helpers shared by every page that shows judged text."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _spans(findings) -> list[tuple[int, int, str, bool]]:
    spans = []
    for f in findings or ():
        get = f.get if isinstance(f, dict) else lambda k, d=None, f=f: getattr(f, k, d)
        start, end = get("start"), get("end")
        if start is None or end is None or end <= start:
            continue
        spans.append((int(start), int(end), str(get("category", "")), bool(get("breach", True)) and get("clause") is not None))
    return sorted(spans)


@register.simple_tag
def highlight(text: str, findings) -> str:
    """The text, HTML-escaped, with each finding's span wrapped in <mark> (overlaps merged)."""
    text = text or ""
    out, pos = [], 0
    for start, end, category, breach in _spans(findings):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        css = "breach" if breach else "advice"
        out.append(f'<mark class="{css}" title="{escape(category)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))
