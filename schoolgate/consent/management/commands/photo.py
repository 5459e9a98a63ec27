"""`schoolgate photo check IMAGE --school SLUG --purpose PURPOSE [--consent FILE.csv] [--references DIR] --out OUT`

Checks one photo for one purpose on this machine: finds the faces, decides for each whether it may be
shown, writes the redacted photo to OUT (JPEG or PNG, by OUT's extension; no metadata) and prints JSON:

    {"faces": [{"box": [x, y, w, h], "score", "person": name or null, "distance": float or null,
                "consent": "granted"|"refused"|"not_asked"|"expired"|"never"|"no_match",
                "action": "keep"|"blur"}]}

Consent comes from `--consent` (CSV `pupil,purpose,consent,biometric`: rows for other purposes are
ignored, a pupil with no row for the purpose is "not_asked") or else from the school's stored register.
Faces are only matched with `--references DIR` (one sub-folder of reference photos per pupil), and only to
pupils whose CSV row says biometric=yes (PoFA 2012: no biometric consent, no template). With no person at
the terminal to confirm, a match under the threshold and clear by the margin counts as confirmed. Nothing
is stored: reference descriptors live only while the command runs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolgate.bootstrap import ensure_database
from schoolgate.photos.check import CONSENT_STATES, check_photo
from schoolgate.photos.detect import detect_faces
from schoolgate.photos.images import PhotoRejected, encode_jpeg, encode_png, load_image
from schoolgate.photos.match import default_encoder
from schoolgate.photos.models import ModelMissing
from schoolgate.schools.models import School

PURPOSES = ("channel", "website", "social_media", "newsletter", "press", "video")
OUT_FORMATS = {".jpg": encode_jpeg, ".jpeg": encode_jpeg, ".png": encode_png}
REFERENCE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
CSV_HEADER = ("pupil", "purpose", "consent", "biometric")


class Command(BaseCommand):
    help = "Check a photo before it is published: find the faces, blur every one without consent for the purpose, print JSON."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])
        parser.add_argument("image", metavar="IMAGE")
        parser.add_argument("--school", required=True, metavar="SLUG", help="the school's slug, e.g. stokes-wood")
        parser.add_argument("--purpose", required=True, choices=PURPOSES, help="where the photo is going")
        parser.add_argument("--consent", metavar="FILE.csv", help="consent CSV (pupil,purpose,consent,biometric); default: the school's register")
        parser.add_argument("--references", metavar="DIR", help="one folder of reference photos per pupil, for pupils with biometric=yes")
        parser.add_argument("--out", required=True, metavar="OUT", help="where to write the redacted photo (.jpg or .png)")

    def handle(self, *args, **opts):
        out = Path(opts["out"])
        encode = OUT_FORMATS.get(out.suffix.lower())
        if encode is None:
            raise CommandError(f"--out must end in .jpg, .jpeg or .png, not '{out.name}'.")
        ensure_database()
        school = School.objects.filter(slug=opts["school"]).first()
        if school is None:
            known = ", ".join(School.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No school '{opts['school']}' (known: {known}).")
        image = _load(Path(opts["image"]))
        purpose = opts["purpose"]
        if opts["consent"]:
            states, biometric = read_consent_csv(Path(opts["consent"]), purpose)
        else:
            # Imported here, not at the top: the register's query module belongs to the consent app's own
            # pages and is the one place the stored states are computed.
            from schoolgate.consent.queries import photo_consent_states

            states, biometric = photo_consent_states(school, purpose), set()
        try:
            gallery = self._gallery(Path(opts["references"]), biometric) if opts["references"] else None
            result = check_photo(image, consent_of=lambda pupil: states.get(pupil, "not_asked"), gallery=gallery)
        except ModelMissing as exc:
            raise CommandError(str(exc)) from None
        try:
            out.write_bytes(encode(result.redacted))
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc}") from None
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))

    def _gallery(self, folder: Path, biometric: set[str]) -> dict:
        """Enrolment for this run only: the largest face in each reference photo of each consenting pupil."""
        if not folder.is_dir():
            raise CommandError(f"--references must be a folder: {folder}")
        encoder = default_encoder()
        gallery: dict[str, list] = {}
        for pupil_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            if pupil_dir.name not in biometric:
                continue  # no written biometric consent: this pupil's photos are not even opened
            for photo in sorted(p for p in pupil_dir.iterdir() if p.suffix.lower() in REFERENCE_SUFFIXES):
                try:
                    image = load_image(photo.read_bytes())
                except (OSError, PhotoRejected) as exc:
                    self.stderr.write(f"Skipped reference photo {photo}: {exc}")
                    continue
                faces = detect_faces(image)
                if not faces:
                    self.stderr.write(f"Skipped reference photo {photo}: no face found.")
                    continue
                largest = max(faces, key=lambda f: f.area)
                gallery.setdefault(pupil_dir.name, []).append(encoder.descriptor(image, largest))
        return gallery


def _load(path: Path):
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    try:
        return load_image(data)
    except PhotoRejected as exc:
        raise CommandError(f"{path}: {exc}") from None


def read_consent_csv(path: Path, purpose: str) -> tuple[dict[str, str], set[str]]:
    """(pupil -> consent state for `purpose`, pupils with biometric consent) from the CLI's consent CSV.
    A bad row is an error naming its line: a consent file read half-right would blur or show the wrong child."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read the consent file {path}: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(h.strip().lower() for h in reader.fieldnames or ())
    if not set(CSV_HEADER) <= set(header):
        raise CommandError(f"The consent file {path} must have the header {','.join(CSV_HEADER)}.")
    reader.fieldnames = list(header)
    states: dict[str, str] = {}
    biometric: set[str] = set()
    for line, row in enumerate(reader, start=2):
        pupil = (row.get("pupil") or "").strip()
        if not pupil:
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                raise CommandError(f"{path}, line {line}: the pupil's name is missing.")
            continue
        row_purpose = (row.get("purpose") or "").strip().lower()
        consent = (row.get("consent") or "").strip().lower()
        bio = (row.get("biometric") or "").strip().lower() or "no"
        if row_purpose not in PURPOSES:
            raise CommandError(f"{path}, line {line}: unknown purpose '{row_purpose}' (one of {', '.join(PURPOSES)}).")
        if consent not in CONSENT_STATES:
            raise CommandError(f"{path}, line {line}: consent must be granted or refused, not '{consent}'.")
        if bio not in ("yes", "no"):
            raise CommandError(f"{path}, line {line}: biometric must be yes or no, not '{bio}'.")
        if row_purpose != purpose:
            continue  # every row is still validated: a typo in another purpose's row is a typo here too
        states[pupil] = consent
        # The pupil's row for this purpose says whether they may be matched; a later row for the same pupil
        # replaces it, and a "no" there is an objection that stops matching (PoFA s.27).
        if bio == "yes":
            biometric.add(pupil)
        else:
            biometric.discard(pupil)
    return states, biometric
