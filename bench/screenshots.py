"""Screenshot-reading numbers for issue 15: text, authors, splitting and speed, RapidOCR against Tesseract.

    .venv/bin/python bench/screenshots.py [--engines rapidocr,tesseract] [--limit N] [--keep DIR]

Renders its own set (bench/screenshot_scenes.py: 40 screenshots, five app layouts, light and dark, four
fonts; 390 CSS px at 2x in Debian's Chromium), reads each, and compares with the known messages:

- text similarity: difflib's ratio between each true message and the message matched to it (0 if none);
- author right: the matched message's author is the true one (None for the phone owner's own bubbles);
- split right: the true message has exactly one message read for it (same text at >= 0.9, its box's centre
  inside the true box), counted over the true messages plus any extra messages read;
- seconds per screenshot: wall clock, and CPU seconds (wall clock depends on what else runs on the machine).

Tesseract (Debian's `tesseract-ocr`, called as a program: `apt-get install tesseract-ocr`) is measured
on the same screenshots through the same layout, when it is installed; it is not a dependency.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import screenshot_scenes as scenes  # noqa: E402

from schoolgate.screens import images  # noqa: E402
from schoolgate.screens.layout import lay_out  # noqa: E402
from schoolgate.screens.types import Line  # noqa: E402

TARGETS = {"text": 0.97, "author": 0.95, "split": 0.95, "seconds": 3.0}


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, " ".join(a.split()), " ".join(b.split())).ratio()


def inside(box, truth) -> bool:
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return truth[0] <= cx <= truth[0] + truth[2] and truth[1] <= cy <= truth[1] + truth[3]


def score(scene, messages) -> dict:
    """Greedy one-to-one matching of read messages to true ones by text similarity."""
    pairs = sorted(((similar(t.text, m.text), i, j) for i, t in enumerate(scene.messages) for j, m in enumerate(messages)), reverse=True)
    matched, used = {}, set()
    for sim, i, j in pairs:
        if i not in matched and j not in used:
            matched[i] = (sim, j)
            used.add(j)
    sims, authors, splits = [], [], 0
    for i, truth in enumerate(scene.messages):
        sim, j = matched.get(i, (0.0, None))
        sims.append(sim)
        got = messages[j] if j is not None else None
        authors.append(got is not None and got.author == truth.author)
        splits += got is not None and sim >= 0.9 and inside(got.box, scene.boxes[i])
    extra = len(messages) - len(used)
    return {"sims": sims, "authors": authors, "split": splits, "split_of": len(scene.messages) + extra}


def rapidocr_lines(rgb):
    from schoolgate.screens.ocr import read_lines

    return read_lines(rgb)


def tesseract_lines(rgb):
    """Tesseract's words, joined into its own lines (block, paragraph, line), as the layout's Lines."""
    from PIL import Image

    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        Image.fromarray(rgb).save(f.name)
        out = subprocess.run(["tesseract", f.name, "stdout", "-l", "eng", "--psm", "3", "tsv"],
                             capture_output=True, text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "2"}).stdout
    lines: dict[tuple, list] = {}
    for row in csv.DictReader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] == "5" and row["text"].strip() and float(row["conf"]) >= 0:
            key = (row["block_num"], row["par_num"], row["line_num"])
            lines.setdefault(key, []).append(row)
    found = []
    for words in lines.values():
        x0 = min(int(w["left"]) for w in words)
        y0 = min(int(w["top"]) for w in words)
        x1 = max(int(w["left"]) + int(w["width"]) for w in words)
        y1 = max(int(w["top"]) + int(w["height"]) for w in words)
        found.append(Line(" ".join(w["text"] for w in words), (x0, y0, x1 - x0, y1 - y0),
                          statistics.mean(float(w["conf"]) for w in words) / 100))
    return sorted(found, key=lambda ln: (ln.y0, ln.x0))


ENGINES = {"rapidocr": rapidocr_lines, "tesseract": tesseract_lines}


def as_forwarded_jpeg(png: bytes) -> bytes:
    """The screenshot as a messaging app forwards it: scaled to 3/4 and saved as JPEG at quality 70."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.LANCZOS).save(out, format="JPEG", quality=70)
    return out.getvalue()


def jpeg_scene(scene):
    """The scene's truth for its forwarded JPEG: the boxes scaled to 3/4."""
    return scenes.Scene(scene.name + ".jpg", scene.app, scene.theme, scene.font, scene.messages, scene.title,
                        [tuple(round(v * 3 / 4) for v in box) for box in scene.boxes])


def _cpu() -> float:
    """CPU seconds used by this process and the programs it ran (Tesseract runs as one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--limit", type=int, default=0, help="only the first N screenshots")
    parser.add_argument("--keep", type=Path, help="keep the screenshots in this folder")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each message that is not right")
    parser.add_argument("--jpeg", action="store_true", help="also read each screenshot as forwarded: 3/4 size, JPEG quality 70")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    chosen = scenes.default_scenes()[: args.limit or None]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="screens-"))
    with sync_playwright() as p:
        browser = scenes.launch(p)
        try:
            paths = scenes.render(browser, chosen, folder)
        finally:
            browser.close()
    print(f"{len(chosen)} screenshots ({', '.join(scenes.APPS)}; light and dark; {len(scenes.FONTS)} fonts), "
          f"{sum(len(s.messages) for s in chosen)} messages; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}\n")

    rows = []
    for name in args.engines.split(","):
        if name == "tesseract" and not shutil.which("tesseract"):
            print("tesseract: not installed (apt-get install tesseract-ocr); skipped\n")
            continue
        read = ENGINES[name]
        read(images.pixels(images.load(paths[0].read_bytes())))  # the engine's start-up is not per screenshot
        by_app: dict[str, list] = {}
        walls, cpus = [], []
        for scene, path in [(s, p) for s, p in zip(chosen, paths)] + ([(jpeg_scene(s), p) for s, p in zip(chosen, paths)] if args.jpeg else []):
            data = path.read_bytes() if not scene.name.endswith(".jpg") else as_forwarded_jpeg(path.read_bytes())
            wall, cpu = time.perf_counter(), _cpu()
            rgb = images.pixels(images.load(data))
            messages = lay_out(rgb, read(rgb))
            walls.append(time.perf_counter() - wall)
            cpus.append(_cpu() - cpu)
            result = score(scene, messages)
            kind = " JPEG" if scene.name.endswith(".jpg") else ""
            by_app.setdefault(f"{scene.app} {scene.theme}{kind}", []).append(result)
            if args.verbose:
                for truth, sim, ok in zip(scene.messages, result["sims"], result["authors"]):
                    if sim < 0.97 or not ok:
                        print(f"  {scene.name}: {sim:.3f} author {'ok' if ok else 'WRONG'}: {truth.author}: {truth.text[:60]}")
                if result["split"] != result["split_of"]:
                    print(f"  {scene.name}: split {result['split']}/{result['split_of']}: {[m.text[:30] for m in messages]}")
        rows.append((name, by_app, walls, cpus))

    header = f"{'engine':10} {'layout':24} {'text sim':>9} {'author':>8} {'split':>8}"
    for name, by_app, walls, cpus in rows:
        print(header)
        every = [r for results in by_app.values() for r in results]
        for label, results in [*sorted(by_app.items()), ("all", every)]:
            sims = [s for r in results for s in r["sims"]]
            authors = [a for r in results for a in r["authors"]]
            split = sum(r["split"] for r in results) / max(1, sum(r["split_of"] for r in results))
            print(f"{name:10} {label:24} {statistics.mean(sims):9.3f} {sum(authors) / len(authors):8.1%} {split:8.1%}")
        print(f"{name:10} seconds per screenshot: wall {statistics.mean(walls):.2f} (max {max(walls):.2f}), "
              f"CPU {statistics.mean(cpus):.2f}   targets: text >= {TARGETS['text']}, author >= {TARGETS['author']:.0%}, "
              f"split >= {TARGETS['split']:.0%}, <= {TARGETS['seconds']} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
