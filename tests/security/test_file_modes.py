"""Issue 13 item 10: the data directory's files are the server account's alone: 0600 files in 0700 folders."""

import os
import stat
import subprocess
import sys

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_keys_and_folders_are_private(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "SCHOOLGATE_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "schoolgate.settings"}
    env.pop("SECRET_KEY", None)
    env.pop("AUDIT_KEY", None)
    env.pop("DATABASE_URL", None)  # the SQLite database file's own mode is what is checked (CI also runs on PostgreSQL)
    # Run as a loose umask would (the usual 022): prepare() must tighten it for the whole process.
    code = "import os; os.umask(0o022); import sys; sys.argv = ['schoolgate', 'migrate', '-v0']; from schoolgate.cli import main; main()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, timeout=180)
    assert mode(data) == 0o700 and mode(data / "static") == 0o700
    for name in ("schoolgate.sqlite3", "secret_key", "audit_key"):
        assert mode(data / name) == 0o600, name
    for extra in data.glob("schoolgate.sqlite3-*"):
        assert mode(extra) == 0o600, extra.name


def test_an_older_installations_database_is_tightened(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "schoolgate.sqlite3").write_bytes(b"")
    os.chmod(data / "schoolgate.sqlite3", 0o644)
    code = "from schoolgate import datadir; datadir.prepare()"
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "SCHOOLGATE_DATA_DIR": str(data)}, check=True, timeout=60)
    assert mode(data) == 0o700 and mode(data / "schoolgate.sqlite3") == 0o600


def test_uploads_are_private(db, settings, tmp_path):
    old = os.umask(0o022)  # the test process has not run prepare(): the upload settings alone must hold
    try:
        name = default_storage.save("chats/1/202401/original.txt", ContentFile(b"a chat"))
    finally:
        os.umask(old)
    path = settings.MEDIA_ROOT / name
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
