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


def _narrowest_first(spans):
    """Keep the most precise spans: a sentence-wide finding must not swallow the words inside it."""
    picked: list[tuple[int, int, str, bool]] = []
    for span in sorted(spans, key=lambda s: (s[1] - s[0], s[0])):
        if all(span[1] <= p[0] or span[0] >= p[1] for p in picked):
            picked.append(span)
    return sorted(picked)


@register.simple_tag
def highlight(text: str, findings) -> str:
    """The text, HTML-escaped, with the findings' words wrapped in <mark> (narrowest spans win)."""
    text = text or ""
    out, pos = [], 0
    for start, end, category, breach in _narrowest_first(_spans(findings)):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        css = "breach" if breach else "advice"
        out.append(f'<mark class="{css}" title="{escape(category)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))
