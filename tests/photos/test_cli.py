"""`schoolgate photo check`: the JSON contract, the consent CSV, references only with biometric consent,
the redacted file, and clear errors with a non-zero exit."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from schoolgate.photos.detect import detect_faces

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"box", "score", "person", "distance", "consent", "action"}


def run(*args):
    out = io.StringIO()
    call_command("photo", *[str(a) for a in args], stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def photo(tmp_path, composed):
    """Two children: a fair-looking one on the left (Ada), a dark-looking one on the right (Ben)."""
    path = tmp_path / "trip.jpg"
    composed((260, 130), [(30, 40, 44, 2), (170, 40, 44, 1)]).save(path, quality=95)
    return path


@pytest.fixture
def references(tmp_path, composed):
    """A reference photo for each child, larger than in the trip photo and placed elsewhere."""
    folder = tmp_path / "refs"
    for name, look in (("Ada", 2), ("Ben", 1)):
        (folder / name).mkdir(parents=True)
        composed((160, 160), [(50, 40, 52, look)]).save(folder / name / "school-photo.png")
    (folder / "Ada" / "notes.txt").write_text("not a photo, and not one by its name either")
    return folder


def consent_csv(tmp_path, text):
    path = tmp_path / "consent.csv"
    path.write_text("pupil,purpose,consent,biometric\n" + text)
    return path


def test_contract_with_no_consent_every_face_is_blurred(stokes, photo, tmp_path):
    out = tmp_path / "out.jpg"
    report = run("check", photo, "--school", "stokes-wood", "--purpose", "website", "--out", out)
    assert set(report) == {"faces"} and len(report["faces"]) == 2
    for face in report["faces"]:
        assert set(face) == KEYS
        assert len(face["box"]) == 4 and all(isinstance(v, int) for v in face["box"])
        assert isinstance(face["score"], float)
        assert (face["person"], face["distance"], face["consent"], face["action"]) == (None, None, "no_match", "blur")
    assert report["faces"][0]["box"][0] < report["faces"][1]["box"][0]  # reading order
    redacted = Image.open(out)
    assert redacted.format == "JPEG" and not redacted.getexif()
    assert detect_faces(redacted.convert("RGB"), threshold=0.2) == []


def test_matched_pupil_with_consent_is_kept(stokes, photo, references, tmp_path):
    consent = consent_csv(tmp_path, "Ada,website,granted,yes\nBen,website,granted,no\nAda,press,refused,no\n")
    out = tmp_path / "out.png"
    report = run("check", photo, "--school", "stokes-wood", "--purpose", "website", "--consent", consent,
                 "--references", references, "--out", out)
    ada, ben = report["faces"]
    assert (ada["person"], ada["consent"], ada["action"]) == ("Ada", "granted", "keep") and ada["distance"] < 0.5
    # Ben's parents gave photo consent but not biometric consent: his reference photo is never used.
    assert (ben["person"], ben["distance"], ben["consent"], ben["action"]) == (None, None, "no_match", "blur")
    redacted = Image.open(out)
    assert redacted.format == "PNG"
    again = detect_faces(redacted.convert("RGB"), threshold=0.2)
    assert len(again) == 1 and again[0].box[0] < 100  # Ada is still there, Ben is not


def test_consent_for_another_purpose_or_refused_blurs(stokes, photo, references, tmp_path):
    consent = consent_csv(tmp_path, "Ada,press,granted,yes\nBen,website,refused,yes\n")
    report = run("check", photo, "--school", "stokes-wood", "--purpose", "website", "--consent", consent,
                 "--references", references, "--out", tmp_path / "out.jpg")
    ada, ben = report["faces"]
    # Ada's only row is for the press: for the website she is not asked, and not enrolled either.
    assert (ada["person"], ada["consent"], ada["action"]) == (None, "no_match", "blur")
    assert (ben["person"], ben["consent"], ben["action"]) == ("Ben", "refused", "blur")


def test_matched_pupil_not_asked(stokes, photo, references, tmp_path):
    consent = consent_csv(tmp_path, "Ada,website,granted,yes\n")
    report = run("check", photo, "--school", "stokes-wood", "--purpose", "website", "--consent", consent,
                 "--references", references, "--out", tmp_path / "out.jpg")
    assert [f["action"] for f in report["faces"]] == ["keep", "blur"]


@pytest.mark.parametrize("args, says", [
    (["--school", "nowhere", "--purpose", "website"], "No school 'nowhere'"),
    (["--school", "stokes-wood", "--purpose", "website", "--consent", "{bad_csv}"], "line 2"),
    (["--school", "stokes-wood", "--purpose", "website", "--references", "{missing}"], "must be a folder"),
])
def test_errors(stokes, photo, tmp_path, args, says):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("pupil,purpose,consent,biometric\nAda,website,maybe,yes\n")
    args = [a.format(bad_csv=bad_csv, missing=tmp_path / "none") for a in args]
    with pytest.raises(CommandError, match=says):
        run("check", photo, *args, "--out", tmp_path / "out.jpg")


def test_wrong_purpose_and_output_type(stokes, photo, tmp_path):
    with pytest.raises((CommandError, SystemExit)):
        run("check", photo, "--school", "stokes-wood", "--purpose", "instagram", "--out", tmp_path / "o.jpg")
    with pytest.raises(CommandError, match=".jpg, .jpeg or .png"):
        run("check", photo, "--school", "stokes-wood", "--purpose", "video", "--out", tmp_path / "o.gif")


@pytest.mark.parametrize("content, says", [(b"not an image at all", "not a photo"), (b"\xff\xd8\xff\xe0broken", "damaged")])
def test_bad_image_is_a_clear_error(stokes, tmp_path, content, says):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=says):
        run("check", bad, "--school", "stokes-wood", "--purpose", "channel", "--out", tmp_path / "out.jpg")
    with pytest.raises(CommandError, match="No such file"):
        run("check", tmp_path / "gone.jpg", "--school", "stokes-wood", "--purpose", "channel", "--out", tmp_path / "out.jpg")


def test_subprocess_exit_codes(tmp_path, photo):
    """As the evaluation runs it: `python -m schoolgate photo check ...` on a fresh data directory."""
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "schoolgate.settings"}
    env.pop("DATABASE_URL", None)

    def schoolgate(*args):
        return subprocess.run([sys.executable, "-m", "schoolgate", "photo", "check", *map(str, args)],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)

    ok = schoolgate(photo, "--school", "stokes-wood", "--purpose", "social_media", "--out", tmp_path / "out.jpg")
    assert ok.returncode == 0, ok.stderr[-3000:]
    assert [f["action"] for f in json.loads(ok.stdout)["faces"]] == ["blur", "blur"]  # nothing but JSON on stdout
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnope")
    failed = schoolgate(bad, "--school", "stokes-wood", "--purpose", "website", "--out", tmp_path / "out2.jpg")
    assert failed.returncode != 0 and "damaged" in failed.stderr and failed.stdout == ""
    assert not (tmp_path / "out2.jpg").exists()
