"""OCR lines -> messages: which lines make one message, who wrote it and when.

The reader does not ask which app a screenshot comes from. It uses what every chat and feed layout shows:

- **Bars**: the status bar, the app's title bar and the input bar are bands across the whole width, in a
  colour of their own (WhatsApp) or cut off from the content by a full-width rule (Facebook, Instagram,
  X). Lines in them are not messages.
- **Bubbles**: a message drawn on a background of its own (WhatsApp's bubbles, Facebook's comment
  bubbles) is one connected region of that colour; every line inside it belongs to that one message,
  however many lines it wraps over.
- **Free text** (a post, an Instagram comment, an X reply) is split where a rule crosses, where the gap
  between lines is wider than a line, where a "Name @handle · 2h" header begins a reply, and after a
  "2h Like Reply" line, which closes a comment and gives its time.
- **Authors**: a name drawn in colour above the text (WhatsApp groups), the first, short line in a comment
  bubble with no time of its own (Facebook), the words before "@handle" (X), the first word before the text
  (Instagram), or a name above a time line (a post). A WhatsApp bubble with no name continues the run of
  the bubble above it on the same side; a bubble on the right is the phone owner's, who is not named.
- **Times**: "08:20", "8.20 pm" at the end of a bubble; "2h", "3d", "Yesterday" on a comment's action line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from .types import Box, Line, Message, Segment, union

CLOCK = r"\d{1,2}[:.]\d{2}(?:\s?[AaPp]\.?\s?[Mm]\.?)?"
RELATIVE = r"(?:\d{1,3}\s?(?:s|m|min|mins|h|hr|hrs|d|w|y|yr|wk)|just now|now|yesterday|\d{1,2}\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)"
_clock_end = re.compile(rf"\s*({CLOCK})(?:\s*[^\w\s]{{0,3}}|\s*[vVwW√✓]{{1,2}})?$")
_clock_only = re.compile(rf"^(?:edited\s*)?({CLOCK})(?:\s*[^\w\s]{{0,3}}|\s*[vVwW√✓]{{1,2}})?$", re.I)
_ACTIONS = r"(?:like|reply|replies|share|comment|see translation|edited|author|top fan|\d+\s?likes?|\d+\s?reactions?|send|·|•)"
_meta = re.compile(rf"^(?P<time>{RELATIVE}|{CLOCK})(?:\s*[·•.]?\s*{_ACTIONS})*\s*$", re.I)
_action_only = re.compile(rf"^(?:{_ACTIONS}\s*)+$", re.I)
_counter = re.compile(r"^(?:\d[\d,.]*[kKmM]?\s*(?:comments?|likes?|shares?|reposts?|views?|replies)|view (?:all |\d+ )?(?:more )?(?:comments?|repl(?:y|ies))|most relevant|all comments|top comments|newest)\b.*$", re.I)
_post_time = re.compile(rf"^(?P<time>{RELATIVE}|{CLOCK}|\d{{1,2}}\s\w+\sat\s{CLOCK})(?:\s*[·•.].*)?$", re.I)
_x_header = re.compile(rf"^(?P<name>.*?)\s*@(?P<handle>[\w.]+)\s*(?:[·•.-]\s*(?P<time>{RELATIVE}|{CLOCK}))?\s*$", re.I)
_date_chip = re.compile(r"^(?:today|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}\s\w+(?:\s\d{4})?|\w+\s\d{1,2},?(?:\s\d{4})?)$", re.I)


def _q(colour) -> tuple[int, int, int]:
    """A colour with its low bits dropped: JPEG noise and anti-aliasing aside, one flat colour."""
    return tuple(int(c) >> 3 for c in colour)


def _close(a, b, tol: int = 14) -> bool:
    return max(abs(int(x) - int(y)) for x, y in zip(a, b)) <= tol


def _mode_colour(pixels: np.ndarray) -> tuple[int, int, int]:
    flat = pixels.reshape(-1, 3)
    if len(flat) == 0:
        return (255, 255, 255)
    keys = (flat[:, 0].astype(np.int32) >> 3) << 10 | (flat[:, 1].astype(np.int32) >> 3) << 5 | (flat[:, 2].astype(np.int32) >> 3)
    top = np.bincount(keys).argmax()
    chosen = flat[keys == top]
    return tuple(int(v) for v in np.median(chosen, axis=0))


@dataclass
class _Block:
    lines: list[Line]
    box: Box
    bubble: bool
    colour: tuple[int, int, int] | None = None
    author: str | None = None
    time: str | None = None
    side: str = "left"
    texts: list[Line] = field(default_factory=list)


class Page:
    """The screenshot's geometry: its background colour, its bars and its rules."""

    def __init__(self, rgb: np.ndarray):
        self.rgb = rgb
        self.height, self.width = rgb.shape[:2]
        step = max(1, self.width // 200)
        sample = rgb[:, ::step]
        self.background = _mode_colour(sample[:: max(1, self.height // 400)])
        bg = np.array(self.background, dtype=np.int16)
        diff = np.abs(sample.astype(np.int16) - bg).max(axis=2)
        self.row_off = (diff > 14).mean(axis=1)  # share of each row that is not the page's background
        # A rule: a row where one colour other than the page (however faint: Facebook's and X's rules are a
        # few levels off white) spans almost the whole width.
        faint = (diff > 5).mean(axis=1)
        uniform = np.array([self._row_uniform(sample[y]) for y in range(self.height)])
        self.rules = [y for y in range(self.height) if uniform[y] and faint[y] > 0.9]
        self.top, self.bottom = self._bars()

    @staticmethod
    def _row_uniform(row: np.ndarray) -> bool:
        spread = row.astype(np.int16).max(axis=0) - row.astype(np.int16).min(axis=0)
        return bool(spread.max() <= 24)  # JPEG ringing blurs a 1-pixel rule by a few levels

    def _bars(self) -> tuple[int, int]:
        """(first content row, last content row + 1)."""
        h = self.height
        # A row with (almost) no page background: a bar, or a rule. Smoothed over a few rows, since JPEG
        # artefacts around a bar's text come close to a dark page's colour.
        window = max(3, h // 240) | 1
        smooth = np.convolve(self.row_off, np.ones(window) / window, mode="same")
        barred = np.maximum(self.row_off, smooth) > 0.95
        top = 0
        y = 0
        while y < h * 0.3 and barred[y]:
            y += 1
        if y >= max(4, h * 0.02):
            top = y
        rules_top = [r for r in self.rules if r < h * 0.25 and r >= top]
        if rules_top:
            top = max(top, rules_top[0] + 1)
        bottom = h
        y = h - 1
        while y > h * 0.7 and barred[y]:
            y -= 1
        if h - 1 - y >= max(4, h * 0.02):
            bottom = y + 1
        # The input bar's own rule is the first one near the foot (the bar's pill may be "rules" below it).
        rules_bottom = [r for r in self.rules if r > h * 0.88 and r < bottom]
        if rules_bottom:
            bottom = min(bottom, rules_bottom[0])
        return top, bottom

    def local_colour(self, box: Box, pad: int = 4) -> tuple[int, int, int]:
        x, y, w, h = box
        region = self.rgb[max(0, y - pad): y + h + pad, max(0, x - pad): x + w + pad]
        return _mode_colour(region)

    def ink(self, box: Box, colour) -> tuple[int, int, int]:
        """The colour the text in `box` is written in: its pixels furthest from the background `colour`."""
        x, y, w, h = box
        region = self.rgb[y: y + h, x: x + w].reshape(-1, 3).astype(np.int16)
        if not len(region):
            return colour
        dist = np.abs(region - np.array(colour, dtype=np.int16)).sum(axis=1)
        far = region[dist >= np.percentile(dist, 92)]
        return tuple(int(v) for v in np.median(far, axis=0))

    def rule_between(self, y0: float, y1: float) -> bool:
        return any(y0 < r < y1 for r in self.rules)


def _chroma(colour) -> int:
    return max(colour) - min(colour)


def lay_out(rgb: np.ndarray, lines: list[Line]) -> list[Message]:
    page = Page(rgb)
    content = [ln for ln in lines if page.top <= ln.cy < page.bottom]
    if not content:
        return []
    blocks = _bubbles(page, content)
    in_bubbles = {id(ln) for b in blocks for ln in b.lines}
    # A chip centred between the bubbles ("Today", "Dave added you") is not a message.
    blocks = [b for b in blocks if not _centred(page, b.box)]
    free = [ln for ln in content if id(ln) not in in_bubbles and not (_centred(page, ln.box) and _date_chip.match(ln.text))]
    blocks += _free_blocks(page, free)
    blocks.sort(key=lambda b: (b.box[1], b.box[0]))
    _attach_meta(blocks)
    messages = []
    previous: _Block | None = None
    for block in blocks:
        if not block.lines or not _read_block(page, block, previous):
            continue
        messages.append(_message(block))
        previous = block
    return messages


def _centred(page: Page, box: Box) -> bool:
    centre = box[0] + box[2] / 2
    return abs(centre - page.width / 2) < page.width * 0.03 and box[0] > page.width * 0.1 and box[2] < page.width * 0.5


def _bubbles(page: Page, lines: list[Line]) -> list[_Block]:
    """Lines on a background of their own colour, grouped by the connected region of that colour."""
    by_colour: dict[tuple, list[Line]] = {}
    for ln in lines:
        colour = page.local_colour(ln.box)
        if _close(colour, page.background, 10):
            continue
        # JPEG shifts a flat colour by a few levels around text: one bubble colour within 16 levels.
        key = next((k for k in by_colour if _close(k, colour, 16)), colour)
        by_colour.setdefault(key, []).append(ln)
    blocks = []
    # The bubbles' colour is found on a median-filtered copy: JPEG noise and the colour a name's letters
    # bleed into the bubble around them (chroma subsampling) would otherwise cut a bubble in two.
    flat = cv2.medianBlur(page.rgb, 5).astype(np.int16) if by_colour else None
    for colour, members in by_colour.items():
        mask = (np.abs(flat - np.array(colour, dtype=np.int16)).max(axis=2) <= 12).astype(np.uint8)
        mask[: page.top] = 0
        mask[page.bottom:] = 0
        for ln in members:  # the text itself is not the bubble's colour: fill it in so it does not cut the bubble
            x, y, w, h = ln.box
            mask[y: y + h, x: x + w] = 1
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
        groups: dict[int, list[Line]] = {}
        for ln in members:
            x, y, w, h = ln.box
            patch = labels[y: y + h, x: x + w].ravel()
            patch = patch[patch > 0]
            if len(patch):
                groups.setdefault(int(np.bincount(patch).argmax()), []).append(ln)
        for label, group in groups.items():
            x, y, w, h, area = (int(v) for v in stats[label])
            if w * h > 0.5 * page.width * (page.bottom - page.top) or w > 0.98 * page.width:
                continue  # a panel or a band, not a bubble: its lines are read as free text
            left_gap, right_gap = x, page.width - (x + w)
            side = "right" if right_gap < left_gap * 0.6 else "left"
            blocks.append(_Block(sorted(group, key=lambda ln: (ln.y0, ln.x0)), (x, y, w, h), True, colour, side=side))
    return blocks


def _free_blocks(page: Page, lines: list[Line]) -> list[_Block]:
    """Text not in a bubble, split into posts, comments and replies."""
    lines = sorted(lines, key=lambda ln: (ln.y0, ln.x0))
    rows: list[list[Line]] = []
    for ln in lines:  # lines side by side on one row ("2h", "Like", "Reply") are one row
        if rows and ln.cy < rows[-1][0].y1 and ln.cy > rows[-1][0].y0:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    merged = [Line(" ".join(x.text for x in sorted(r, key=lambda a: a.x0)), union(x.box for x in r), min(x.score for x in r)) for r in rows]
    if not merged:
        return []
    height = float(np.median([ln.box[3] for ln in merged]))
    blocks: list[list[Line]] = []
    for ln in merged:
        start = not blocks
        if blocks:
            prev = blocks[-1][-1]
            gap = ln.y0 - prev.y1
            start = (gap > height * 0.9 or page.rule_between(prev.cy, ln.cy) or bool(_x_header.match(ln.text))
                     or bool(_counter.match(ln.text))
                     or (bool(_meta.match(prev.text)) or bool(_meta.match(ln.text))) and not _is_post_header([*blocks[-1], ln][-2:])
                     or abs(ln.x0 - blocks[-1][0].x0) > height * 1.5 and not _post_time.match(ln.text))
        if start:
            blocks.append([ln])
        else:
            blocks[-1].append(ln)
    # A post's header ("Karen Walsh" over "3h") stands apart from its text: it heads the block below it.
    joined: list[list[Line]] = []
    for b in blocks:
        if joined and _is_post_header(joined[-1]) and not page.rule_between(joined[-1][-1].cy, b[0].cy):
            joined[-1] = joined[-1] + b
        else:
            joined.append(b)
    return [_Block(b, union(x.box for x in b), False) for b in joined]


def _is_post_header(lines: list[Line]) -> bool:
    return len(lines) == 2 and _name_like(lines[0].text) and bool(_post_time.match(lines[1].text))


def _attach_meta(blocks: list[_Block]) -> None:
    """A "2h Like Reply" line gives its time to the message just above it and is not a message itself."""
    for i, block in enumerate(blocks):
        if block.bubble or len(block.lines) != 1:
            continue
        text = block.lines[0].text
        meta = _meta.match(text)
        if meta or _action_only.match(text) or _counter.match(text):
            block.lines = []
            if meta and i > 0:
                above = next((b for b in reversed(blocks[:i]) if b.lines or b.texts), None)
                if above is not None and above.time is None:
                    above.time = meta.group("time")


def _read_block(page: Page, block: _Block, previous: _Block | None) -> bool:
    """Sort a block's lines into author, time and text. False when nothing of a message is left."""
    lines = list(block.lines)
    if block.bubble:
        # The time sits at the end of the bubble, on a line of its own or after the last words.
        inner_time = None
        last_row = [ln for ln in lines if ln.cy > lines[-1].y0]
        for ln in sorted(last_row, key=lambda a: -a.x1):
            m = _clock_only.match(ln.text)
            if m:
                inner_time = m.group(1)
                lines.remove(ln)
                break
        else:
            m = _clock_end.search(lines[-1].text)
            if m and m.start() > 0:
                inner_time = m.group(1)
                lines[-1] = _cut(lines[-1], m.start())
        block.time = inner_time or block.time
        if not lines:
            return False
        first = lines[0]
        body_ink = [page.ink(ln.box, block.colour) for ln in lines[1:]]
        first_ink = page.ink(first.box, block.colour)
        coloured_name = (len(lines) > 1 and _chroma(first_ink) > 60 and all(_chroma(c) < 60 for c in body_ink)
                         and _name_like(first.text))
        # A comment bubble (no clock inside; its time is on the action line below) starts with the name.
        comment_name = inner_time is None and len(lines) > 1 and _name_like(first.text) and first.cy < lines[1].y0
        if block.side == "left" and (coloured_name or comment_name):
            block.author = _clean_name(first.text)
            lines = lines[1:]
        elif (block.side == "left" and previous is not None and previous.bubble and previous.side == "left"
              and previous.author and inner_time is not None and block.box[1] - (previous.box[1] + previous.box[3]) < first.box[3] * 1.2):
            block.author = previous.author  # the next bubble in a run: WhatsApp names the sender once
    else:
        first = lines[0]
        header = _x_header.match(first.text)
        if header and header.group("name"):
            block.author = _clean_name(header.group("name"))
            block.time = block.time or header.group("time")
            lines = lines[1:]
        elif len(lines) > 1 and _post_time.match(lines[1].text) and _name_like(first.text):
            block.author = _clean_name(first.text)
            block.time = block.time or _post_time.match(lines[1].text).group("time")
            lines = lines[2:]
        elif block.time is not None and " " in first.text:
            # An Instagram-style comment: the username, then the comment on the same line.
            user, rest = first.text.split(" ", 1)
            if re.fullmatch(r"[\w.]{2,30}", user):
                block.author = user
                width = len(first.text)
                lines[0] = _cut(first, len(user) + 1, from_start=True, total=width)
    block.texts = [ln for ln in lines if ln.text.strip()]
    return bool(block.texts)


def _cut(line: Line, at: int, *, from_start: bool = False, total: int | None = None) -> Line:
    """The line with its text cut at character `at` (keeping the start, or with from_start the rest), its
    box shrunk in proportion."""
    n = max(1, total or len(line.text))
    x, y, w, h = line.box
    if from_start:
        dx = round(w * at / n)
        return Line(line.text[at:].strip(), (x + dx, y, max(1, w - dx), h), line.score)
    return Line(line.text[:at].rstrip(), (x, y, max(1, round(w * at / n)), h), line.score)


def _name_like(text: str) -> bool:
    text = _clean_name(text)
    if not text or len(text) > 40 or text[-1] in ".?!,;:":
        return False
    if re.fullmatch(r"\+?[\d ()-]{7,}", text):
        return True  # a phone number: WhatsApp's name for someone not in the phone's contacts
    words = text.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def _clean_name(text: str) -> str:
    return text.strip().lstrip("~").strip().rstrip(":").strip()


def _message(block: _Block) -> Message:
    text, segments = "", []
    for ln in block.texts:
        if text:
            text += " "
        start = len(text)
        text += ln.text
        segments.append(Segment(start, len(text), ln.box))
    box = block.box if block.bubble else union([ln.box for ln in block.texts] + [ln.box for ln in block.lines])
    return Message(text=text, box=tuple(int(v) for v in box), author=block.author, time=block.time, segments=segments)
