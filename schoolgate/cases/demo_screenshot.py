"""A WhatsApp-style phone screenshot drawn with Pillow for the demo cases (the demo must not need a browser).

780 x 1688 pixels (a 390-point phone at 2x): a status bar, the group's title bar, a date chip, bubbles with
the sender's name in colour and the time inside, the input bar. The demo reads it back with the same
reader as any screenshot a school is sent.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

W, H, S = 780, 1688, 2
FONT_DIRS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu")
THEMES = {
    "light": dict(page=(239, 234, 226), bar=(0, 128, 105), bar_ink=(255, 255, 255), bubble_in=(255, 255, 255), bubble_out=(217, 253, 211),
                  ink=(17, 27, 33), muted=(102, 119, 129), input=(255, 255, 255)),
    "dark": dict(page=(11, 20, 26), bar=(31, 44, 52), bar_ink=(233, 237, 239), bubble_in=(31, 44, 52), bubble_out=(0, 92, 75),
                 ink=(233, 237, 239), muted=(134, 150, 160), input=(42, 57, 66)),
}
NAME_COLOURS = [(31, 122, 236), (196, 83, 45), (127, 102, 255), (2, 157, 0)]


def _font(bold: bool, size: int):
    names = ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf") if bold else ("LiberationSans-Regular.ttf", "DejaVuSans.ttf")
    for folder in FONT_DIRS:
        for name in names:
            path = Path(folder) / name
            if path.is_file():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def whatsapp_png(title: str, messages: list[tuple[str | None, str, str]], theme: str = "light") -> bytes:
    """messages: (sender or None for the phone's owner, text, time). Returns PNG bytes."""
    c = THEMES[theme]
    image = Image.new("RGB", (W, H), c["page"])
    d = ImageDraw.Draw(image)
    body, name_font, small, bold = _font(False, 31), _font(True, 27), _font(False, 22), _font(True, 34)
    d.rectangle([0, 0, W, 198], fill=c["bar"])
    d.text((50, 40), "9:41", font=_font(True, 30), fill=c["bar_ink"], anchor="lm")
    d.text((W - 50, 40), "5G 87%", font=_font(True, 30), fill=c["bar_ink"], anchor="rm")
    d.ellipse([30, 104, 106, 180], fill=(165, 200, 192))
    d.text((128, 126), title, font=bold, fill=c["bar_ink"], anchor="lm")
    d.text((128, 164), "tap here for group info", font=_font(False, 26), fill=c["bar_ink"], anchor="lm")
    d.rounded_rectangle([W // 2 - 50, 222, W // 2 + 50, 266], radius=14, fill=c["bubble_in"])
    d.text((W // 2, 244), "Today", font=small, fill=c["muted"], anchor="mm")
    y, colours, previous = 290, {}, None
    for sender, text, time in messages:
        outgoing = sender is None
        lines = _wrap(d, text, body, 500)
        show_name = not outgoing and sender != previous
        height = 24 + (40 if show_name else 0) + 42 * len(lines) + 26
        width = max(d.textlength(ln, font=body) for ln in lines) + 130
        if show_name:
            width = max(width, d.textlength(sender, font=name_font) + 40)
        x0 = W - 28 - width if outgoing else 28
        d.rounded_rectangle([x0, y, x0 + width, y + height], radius=16, fill=c["bubble_out" if outgoing else "bubble_in"])
        ty = y + 14
        if show_name:
            colour = colours.setdefault(sender, NAME_COLOURS[len(colours) % len(NAME_COLOURS)])
            d.text((x0 + 18, ty), sender, font=name_font, fill=colour)
            ty += 40
        for ln in lines:
            d.text((x0 + 18, ty), ln, font=body, fill=c["ink"])
            ty += 42
        d.text((x0 + width - 16, y + height - 10), time, font=small, fill=c["muted"], anchor="rd")
        y += height + 14
        previous = None if outgoing else sender
    d.rectangle([0, H - 168, W, H], fill=c["bar"])
    d.rounded_rectangle([24, H - 150, W - 24, H - 70], radius=40, fill=c["input"])
    d.text((60, H - 110), "Message", font=_font(False, 32), fill=c["muted"], anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
