"""The OCR engine: RapidOCR (PaddleOCR's PP-OCRv6 detection and recognition models, shipped inside the
`rapidocr` wheel, run by ONNX Runtime on the CPU). Nothing is downloaded at run time.

The engine is built once per process, on first use (about a second: three ONNX sessions), and shared by
the threads of that process behind a lock (ONNX Runtime sessions are thread-safe, but two screenshots at
once on a 2-core server would only slow each other).

Why RapidOCR and not Debian's Tesseract 5 (`bench/screenshots.py`, the same 40 rendered screenshots through
the same layout): RapidOCR read every message (text similarity 1.000, authors 100%, splits 100%), at about
2.5-2.8 CPU seconds a screenshot. Tesseract (`--psm 3`, no preprocessing) reached 0.916 / 77% / 69%: it
loses text on dark themes (0.74 on WhatsApp iPhone dark) and runs a username into the comment it starts
(Instagram authors 25%), and its own page segmentation splits and merges lines across bubbles.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from .types import Line

ENGINE = "rapidocr PP-OCRv6"

_engine = None
_lock = threading.Lock()

# Detection works on the image shrunk so its longer side is at most this: phone text at 2-3x pixel density
# is 25-45 px high, still well above what the detector needs, and detection is most of the time.
DETECT_SIDE = 1280
# A long (scrolling) screenshot is read in slices of this height, overlapping, so its text is not shrunk
# to nothing by DETECT_SIDE.
SLICE = 1600
OVERLAP = 200


def engine():
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            # RapidOCR logs each model it loads at INFO through its own logger; the reader's callers only
            # want the text.
            for name in ("RapidOCR", "rapidocr"):
                logging.getLogger(name).setLevel(logging.WARNING)
            _engine = RapidOCR(params={
                "Global.log_level": "warning",
                "Global.use_cls": False,  # screenshots are upright; the angle classifier only costs time
                "Det.limit_type": "max",
                "Det.limit_side_len": DETECT_SIDE,
            })
            for name in ("RapidOCR", "rapidocr"):
                logging.getLogger(name).setLevel(logging.WARNING)
        return _engine


def read_lines(rgb: np.ndarray) -> list[Line]:
    """Every text line the OCR finds, with its box, top to bottom."""
    height = rgb.shape[0]
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    if height <= SLICE + OVERLAP:
        return _read(bgr, 0)
    lines: list[Line] = []
    top = 0
    while top < height:
        part = _read(bgr[top: top + SLICE + OVERLAP], top)
        # Keep a line from the slice whose own region (not the overlap below it) holds its middle.
        lines += [ln for ln in part if top <= ln.cy < top + SLICE or (top + SLICE >= height)]
        top += SLICE
    return sorted(lines, key=lambda ln: (ln.y0, ln.x0))


def _read(bgr: np.ndarray, dy: int) -> list[Line]:
    eng = engine()
    with _lock:
        result = eng(bgr)
    if result.txts is None or result.boxes is None:
        return []
    lines = []
    for text, quad, score in zip(result.txts, result.boxes, result.scores):
        text = " ".join(str(text).split())
        if not text:
            continue
        xs, ys = quad[:, 0], quad[:, 1]
        x0, y0 = int(max(0, xs.min())), int(max(0, ys.min()))
        lines.append(Line(text, (x0, y0 + dy, int(xs.max()) - x0, int(ys.max()) - y0), float(score)))
    return sorted(lines, key=lambda ln: (ln.y0, ln.x0))
