"""Issue 14, part 3: `schoolgate backup` and `schoolgate restore`, run as a school would, in subprocesses.

A fresh data directory (`schoolgate setup`), a case with a file evidence added through the product's own
functions, a backup; restores into new data directories then pass `schoolgate audit verify` and every
evidence file still matches its SHA-256. A restore refuses a data directory that holds data and an archive
that was altered; a backup is taken while another connection holds a write transaction; the daily job keeps
the newest N.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

MAKE_CASE = """
from schoolgate import datadir
datadir.prepare()
import django
django.setup()
import io
from PIL import Image
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from schoolgate.schools.models import School
from schoolgate.schools.demo import build
from schoolgate.cases.opening import open_case
from schoolgate.cases.evidence_changes import add_evidence_file
build()
school = School.objects.get(slug="stokes-wood")
head = get_user_model().objects.get(username="head@stokes-wood.demo")
case = open_case(school, opened_by=head, concern="Posts about staff", parent_name="A Parent")
buf = io.BytesIO()
Image.new("RGB", (40, 30), (200, 40, 90)).save(buf, format="PNG")
item = add_evidence_file(case, upload=SimpleUploadedFile("screenshot.png", buf.getvalue(), content_type="image/png"),
                         label="Screenshot of the post", added_by=head)
print(item.sha256)
"""

CHECK_EVIDENCE = """
from schoolgate import datadir
datadir.prepare()
import django
django.setup()
import hashlib
from pathlib import Path
from django.conf import settings
from django.core.files.storage import default_storage
from schoolgate.cases.models import Evidence
files = list(Evidence.objects.filter(kind=Evidence.Kind.FILE))
assert files, "no file evidence"
for item in files:
    path = Path(default_storage.path(str(item.file)))
    assert path.is_relative_to(settings.MEDIA_ROOT) and path.is_file()
    with open(path, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == item.sha256, item.pk
    assert item.verify()
print(len(files), ",".join(e.sha256 for e in files))
"""


def _env(data: Path, **extra) -> dict:
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(data), "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "schoolgate.settings", **extra}
    for name in ("SECRET_KEY", "AUDIT_KEY", "DEBUG", "ALLOWED_HOSTS"):
        env.pop(name, None)
    return env


def _run(data: Path, *args, check=True, env=None, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "schoolgate", *args], env=env or _env(data), cwd=ROOT,
                          capture_output=True, text=True, timeout=300, **kw)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def _python(data: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=_env(data), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A set-up data directory with a case holding a file evidence, and a backup of it."""
    base = tmp_path_factory.mktemp("backup")
    data = base / "old"
    _run(data, "setup")
    sha = _python(data, MAKE_CASE).splitlines()[-1]
    archive = base / "backup.tar.gz"
    out = _run(data, "backup", str(archive)).stdout
    assert "Backup written" in out and "audit_key" in out
    return {"base": base, "data": data, "archive": archive, "sha": sha}


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def test_the_archive_is_private_and_holds_the_database_uploads_and_a_manifest_but_no_keys(installation):
    archive = installation["archive"]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == 1 and manifest["database"]["engine"] == "sqlite" and manifest["created_at"]
    assert manifest["keys_included"] is False and not any(name.startswith("keys/") for name in members)
    assert "database/schoolgate.sqlite3" in members
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(members) - {"manifest.json"}
    evidence = [name for name in listed if name.startswith("media/") and name.endswith(".png")]
    assert len(evidence) == 1 and listed[evidence[0]] == installation["sha"]


def test_restore_without_the_key_says_what_to_do_and_passes_once_the_key_is_copied(installation):
    new = installation["base"] / "no-key"
    done = _run(new, "restore", str(installation["archive"]), check=False)
    assert done.returncode != 0
    assert "does not carry the keys" in done.stderr and f"Copy the old installation's audit_key file over {new / 'audit_key'}" in done.stderr
    assert _run(new, "audit", "verify", check=False).returncode != 0
    shutil.copy(installation["data"] / "audit_key", new / "audit_key")
    assert "Audit log intact" in _run(new, "audit", "verify").stdout
    count, hashes = _python(new, CHECK_EVIDENCE).split()
    assert count == "1" and hashes == installation["sha"]


def test_restore_with_the_key_copied_first_verifies_the_audit_log_and_every_evidence_hash(installation):
    new = installation["base"] / "key-first"
    new.mkdir(mode=0o700)
    shutil.copy(installation["data"] / "audit_key", new / "audit_key")
    out = _run(new, "restore", str(installation["archive"])).stdout
    assert "Restored the sqlite database and" in out and "Audit log intact" in out
    assert "Audit log intact" in _run(new, "audit", "verify").stdout
    assert _python(new, CHECK_EVIDENCE).split()[1] == installation["sha"]
    # And a data directory that now holds data is refused, with nothing changed.
    before = (new / "schoolgate.sqlite3").stat().st_mtime_ns
    done = _run(new, "restore", str(installation["archive"]), check=False)
    assert done.returncode != 0 and "Refusing to restore" in done.stderr and "not empty" in done.stderr
    assert (new / "schoolgate.sqlite3").stat().st_mtime_ns == before


def test_a_backup_with_its_keys_restores_anywhere(installation):
    archive = installation["base"] / "with-keys.tar.gz"
    _run(installation["data"], "backup", "--include-keys", str(archive))
    assert {"keys/audit_key", "keys/secret_key"} <= set(_members(archive))
    new = installation["base"] / "with-keys"
    out = _run(new, "restore", str(archive)).stdout
    assert "audit_key" in out and "Audit log intact" in out
    assert (new / "audit_key").read_bytes() == (installation["data"] / "audit_key").read_bytes()
    assert stat.S_IMODE((new / "audit_key").stat().st_mode) == 0o600
    assert "Audit log intact" in _run(new, "audit", "verify").stdout
    assert _python(new, CHECK_EVIDENCE).split()[1] == installation["sha"]


def test_an_altered_archive_is_refused_before_anything_is_written(installation):
    members = _members(installation["archive"])
    evidence = next(name for name in members if name.endswith(".png"))
    members[evidence] = members[evidence][:-1] + bytes([members[evidence][-1] ^ 1])
    altered = installation["base"] / "altered.tar.gz"
    with tarfile.open(altered, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    new = installation["base"] / "altered"
    done = _run(new, "restore", str(altered), check=False)
    assert done.returncode != 0 and "altered or damaged" in done.stderr and evidence in done.stderr
    assert not (new / "schoolgate.sqlite3").exists() and not (new / "media").exists()
    # A file that is not a backup at all is refused too.
    junk = installation["base"] / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    done = _run(new, "restore", str(junk), check=False)
    assert done.returncode != 0 and "Nothing was restored" in done.stderr


def test_backup_while_another_connection_holds_a_write_transaction(installation):
    db = installation["data"] / "schoolgate.sqlite3"
    writer = sqlite3.connect(db, isolation_level=None, timeout=20)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE schools_school SET name = 'Uncommitted' WHERE slug = 'stokes-wood'")
        archive = installation["base"] / "during-write.tar.gz"
        started = time.monotonic()
        _run(installation["data"], "backup", str(archive))
        assert time.monotonic() - started < 60
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = installation["base"] / "during-write.sqlite3"
    copy.write_bytes(_members(archive)["database/schoolgate.sqlite3"])
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = {row[0] for row in check.execute("SELECT name FROM schools_school")}
    assert "Uncommitted" not in names and names  # the last committed state, not the open transaction's


def test_the_daily_job_keeps_the_newest_backups(installation, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"schoolgate-2020010{day}T000000Z.tar.gz" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"old")
    (folder / "keep-me.txt").write_text("not a backup")
    settings_dir = tmp_path / "conf"
    settings_dir.mkdir()
    (settings_dir / "backup_settings.py").write_text(
        f"from schoolgate.settings import *  # noqa\nSCHOOLGATE_BACKUP_DIR = {str(folder)!r}\nSCHOOLGATE_BACKUP_KEEP = 2\n")
    env = _env(installation["data"], DJANGO_SETTINGS_MODULE="backup_settings", PYTHONPATH=os.pathsep.join([str(settings_dir), str(ROOT)]))
    _run(installation["data"], "daily", env=env)
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 3 and "keep-me.txt" in left and old[2].name in left
    new = [folder / name for name in left if name not in {"keep-me.txt", old[2].name}]
    assert len(new) == 1 and stat.S_IMODE(new[0].stat().st_mode) == 0o600
    assert json.loads(_members(new[0])["manifest.json"])["keys_included"] is False


@pytest.mark.django_db  # the schools' daily job also sweeps background jobs left by a dead worker
def test_no_backup_dir_no_automatic_backup(settings, tmp_path):
    from schoolgate.schools import jobs

    settings.SCHOOLGATE_BACKUP_DIR = None
    out = io.StringIO()
    jobs.daily(stdout=out)
    assert out.getvalue() == ""


def test_postgresql_without_pg_dump_says_to_install_the_client(tmp_path, monkeypatch):
    from schoolgate import backups

    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    db = backups.Database("postgresql", "schoolgate", "u", "p", "localhost", "5432")
    with pytest.raises(backups.BackupError, match="postgresql-client"):
        backups.write_backup(tmp_path / "b.tar.gz", db=db, media_root=tmp_path / "media", data_dir=tmp_path)
    assert not (tmp_path / "b.tar.gz").exists()
