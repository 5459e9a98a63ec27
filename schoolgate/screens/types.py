"""What a screenshot reading is made of: the lines the OCR found and the messages the layout made of them.

Boxes are `(x, y, w, h)` in the screenshot's own pixels, so they can be drawn on the stored original.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[int, int, int, int]


def union(boxes) -> Box:
    boxes = list(boxes)
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True)
class Line:
    text: str
    box: Box
    score: float = 1.0

    @property
    def x0(self) -> int:
        return self.box[0]

    @property
    def y0(self) -> int:
        return self.box[1]

    @property
    def x1(self) -> int:
        return self.box[0] + self.box[2]

    @property
    def y1(self) -> int:
        return self.box[1] + self.box[3]

    @property
    def cy(self) -> float:
        return self.box[1] + self.box[3] / 2


@dataclass(frozen=True)
class Segment:
    """The characters `start:end` of a message's text, and where on the image they were read."""

    start: int
    end: int
    box: Box


@dataclass
class Message:
    text: str
    box: Box
    author: str | None = None
    time: str | None = None
    segments: list[Segment] = field(default_factory=list)

    def boxes_for(self, start: int, end: int) -> list[Box]:
        """Where the characters `start:end` of the text lie on the image: one box per line they cross.
        Within a line the x position is interpolated by character count (proportional fonts make this
        approximate, to a character or two)."""
        found = []
        for seg in self.segments:
            lo, hi = max(start, seg.start), min(end, seg.end)
            if lo >= hi:
                continue
            n = max(1, seg.end - seg.start)
            x, y, w, h = seg.box
            a = x + round(w * (lo - seg.start) / n)
            b = x + round(w * (hi - seg.start) / n)
            found.append((a, y, max(1, b - a), h))
        return found

    def as_dict(self) -> dict:
        return {
            "author": self.author,
            "time": self.time,
            "text": self.text,
            "box": list(self.box),
            "segments": [[s.start, s.end, list(s.box)] for s in self.segments],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Message:
        return cls(text=data["text"], box=tuple(data["box"]), author=data.get("author"), time=data.get("time"),
                   segments=[Segment(s[0], s[1], tuple(s[2])) for s in data.get("segments", [])])


@dataclass
class Reading:
    """A screenshot read: its size, the messages in reading order, and the engine that read it."""

    width: int
    height: int
    messages: list[Message]
    engine: str
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"width": self.width, "height": self.height, "engine": self.engine, "seconds": round(self.seconds, 3),
                "messages": [m.as_dict() for m in self.messages]}

    @classmethod
    def from_dict(cls, data: dict) -> Reading:
        return cls(width=data["width"], height=data["height"], engine=data.get("engine", ""),
                   seconds=data.get("seconds", 0.0), messages=[Message.from_dict(m) for m in data.get("messages", [])])
