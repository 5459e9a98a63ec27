"""Photo-check numbers for issue 10: detection recall and false positives, speed, blur completeness, matching.

    .venv/bin/python bench/photos.py [--faces ../shared/data/faces]

Reads the MIT-licensed test photos of ageitgey/face_recognition from ../shared (never copied into the
repository) and builds a class photo from them: 48 faces, 30-100 px wide, at different scales.
Prints a table; the targets are the issue's.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

import dlib
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schoolgate.photos.detect import detect_faces  # noqa: E402
from schoolgate.photos.images import load_image  # noqa: E402
from schoolgate.photos.match import default_encoder, distance  # noqa: E402
from schoolgate.photos.redact import enlarged, redact  # noqa: E402

DEFAULT_FACES = ROOT.parent / "shared" / "data" / "faces" / "ageitgey_face_recognition" / "tests" / "test_images"


def inside(point, box) -> bool:
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def centre(box):
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def score(found, truth):
    """(faces found, false positives): a true face is found when a detection's centre lies in its box."""
    hit = sum(1 for t in truth if any(inside(centre(f.box), t) for f in found))
    false = sum(1 for f in found if not any(inside(centre(f.box), t) for t in truth))
    return hit, false


def class_photo(sources, n=48, seed=7):
    """n faces cut from the source photos (head and shoulders around each face), scaled so the faces are
    30-100 px wide, on a 1024-px-wide grey 'hall'. Returns the photo and each face's box."""
    rng = random.Random(seed)
    cols, cell_w, cell_h = 8, 128, 150
    rows = -(-n // cols)
    photo = Image.new("RGB", (cols * cell_w, rows * cell_h), (150, 150, 140))
    widths = np.linspace(30, 100, n)
    rng.shuffle(widths := list(widths))
    truth = []
    for i, width in enumerate(widths):
        image, face = sources[i % len(sources)]
        scale = width / face.box[2]
        x, y, w, h = enlarged(face.box, image.size, 0.12)  # a little hair and chin around the face
        crop = image.crop((x, y, x + w, y + h))
        crop = crop.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
        crop = crop.crop((0, 0, min(crop.width, cell_w - 4), min(crop.height, cell_h - 4)))
        cx = (i % cols) * cell_w + rng.randint(0, max(0, cell_w - crop.width - 2))
        cy = (i // cols) * cell_h + rng.randint(0, max(0, cell_h - crop.height - 2))
        photo.paste(crop, (cx, cy))
        fx, fy = cx + (face.box[0] - x) * scale, cy + (face.box[1] - y) * scale
        truth.append((round(fx), round(fy), round(face.box[2] * scale), round(face.box[3] * scale)))
    return photo, truth


def pixelate16(image, boxes):
    out = image.copy()
    for box in boxes:
        x, y, w, h = enlarged(box, image.size)
        region = out.crop((x, y, x + w, y + h))
        small = region.resize((max(1, w // 16), max(1, h // 16)), Image.Resampling.BOX)
        out.paste(small.resize((w, h), Image.Resampling.NEAREST), (x, y))
    return out


def refound(image, regions, hog):
    """Faces found again inside the blurred regions: by CenterFace at 0.2, and by dlib's HOG detector."""
    centre_hits = [f for f in detect_faces(image, threshold=0.2) if any(inside(centre(f.box), r) for r in regions)]
    rects = hog(np.asarray(image), 1)
    hog_hits = [r for r in rects if any(inside(((r.left() + r.right()) / 2, (r.top() + r.bottom()) / 2), g) for g in regions)]
    return len(centre_hits), len(hog_hits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES)
    args = parser.parse_args()
    paths = sorted(p for p in args.faces.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    images = {p.name: load_image(p.read_bytes()) for p in paths}
    rows = []

    # Detection on the fixture photos: one face each.
    found = {name: detect_faces(image) for name, image in images.items()}
    hits = sum(1 for faces in found.values() if faces)
    false = sum(max(0, len(faces) - 1) for faces in found.values())
    rows.append(("detection recall, ../shared/data/faces", f"{hits}/{len(images)}", "100%"))
    rows.append(("false positives, ../shared/data/faces", str(false), "<= 2"))

    sources = [(image, found[name][0]) for name, image in images.items() if found[name]]
    photo, truth = class_photo(sources)
    faces = detect_faces(photo)
    hit, false = score(faces, truth)
    widths = [t[2] for t in truth]
    rows.append((f"detection recall, class photo {photo.width}x{photo.height}, {len(truth)} faces {min(widths)}-{max(widths)} px",
                 f"{hit}/{len(truth)}", "100%"))
    rows.append(("false positives, class photo", str(false), "<= 2"))

    # Speed: the class photo at 1024 px on its long side, and a fixture photo scaled to 1024.
    timings = []
    for image in (photo, images.get("obama.jpg", photo)):
        scaled = image.resize((1024, round(1024 * image.height / image.width)))
        detect_faces(scaled)
        for _ in range(5):
            start = time.perf_counter()
            detect_faces(scaled)
            timings.append(time.perf_counter() - start)
    rows.append(("ms per 1024-px photo (median of 10, CenterFace, 2 threads)", f"{statistics.median(timings) * 1000:.0f}", "<= 500"))

    # Blur completeness, and the fixed 16-px pixelation it replaced.
    hog = dlib.get_frontal_face_detector()
    for label, blur in (("scaled blur (product)", redact), ("fixed 16-px pixelation (rejected)", pixelate16)):
        totals = [0, 0, 0]
        for image, boxes in [(photo, [f.box for f in faces])] + [(images[n], [f.box for f in found[n]]) for n in images]:
            regions = [enlarged(b, image.size) for b in boxes]
            cf, hg = refound(blur(image, boxes), regions, hog)
            totals[0] += len(boxes)
            totals[1] += cf
            totals[2] += hg
        target = "0 / 0" if blur is redact else "(comparison)"
        rows.append((f"{label}: {totals[0]} faces blurred, re-found by CenterFace@0.2 / dlib HOG", f"{totals[1]} / {totals[2]}", target))

    # Matching on the fixture faces: Obama's photos against each other, and against Biden.
    encoder = default_encoder()
    descriptors = {name: encoder.descriptor(images[name], found[name][0]) for name in images if found[name]}
    same = [distance(descriptors[a], descriptors[b]) for a, b in itertools.combinations(descriptors, 2)
            if "biden" not in a and "biden" not in b]
    different = [distance(descriptors["biden.jpg"], descriptors[n]) for n in descriptors if n != "biden.jpg"]
    rows.append((f"same person (Obama, {len(same)} pairs): max distance", f"{max(same):.3f}", "< 0.5"))
    rows.append((f"different people (Biden vs Obama, {len(different)} pairs): min distance", f"{min(different):.3f}", "> 0.7"))
    start = time.perf_counter()
    count = 0
    for name in itertools.islice(itertools.cycle(descriptors), 30):
        encoder.descriptor(images[name], found[name][0])
        count += 1
    rows.append(("faces per second (5-point landmarks + ResNet descriptor)", f"{count / (time.perf_counter() - start):.1f}", ">= 10"))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':>10}  target")
    print(f"{'-' * width}  {'-' * 10}  ------")
    for measure, result, target in rows:
        print(f"{measure:<{width}}  {result:>10}  {target}")


if __name__ == "__main__":
    main()
