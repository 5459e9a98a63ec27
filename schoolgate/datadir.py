"""Where an installation keeps its files (SQLite database, uploads, the generated secret key).

Reading the settings changes nothing on disk; the commands that run Schoolgate (`schoolgate ...` and the
WSGI application) call `prepare()` first, which creates the folder, the secret key and the audit log's key
once, and makes everything the process writes afterwards private to the server's account: a process-wide
umask of 077 (files 0600, folders 0700: the SQLite database, its journal, uploads, letters, keys), and the
data folder itself 0700, so files an older version left readable cannot be reached by other accounts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    chosen = os.environ.get("SCHOOLGATE_DATA_DIR")
    if chosen:
        return Path(chosen).resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists():  # a source checkout keeps its data beside the code
        return (checkout / "data").resolve()
    return Path.home() / ".local" / "share" / "schoolgate"


def secret_key_file() -> Path:
    return data_dir() / "secret_key"


def audit_key_file() -> Path:
    return data_dir() / "audit_key"


def read_secret_key() -> str | None:
    return _read(secret_key_file())


def read_audit_key() -> str | None:
    return _read(audit_key_file())


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def _create_key(path: Path) -> None:
    try:
        # O_EXCL: two processes starting at once must not overwrite each other's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(50))


def prepare() -> Path:
    """Make files private from here on (umask 077), create the data folder (0700, with STATIC_ROOT) and,
    unless given in the environment, the secret key and the audit key (mode 0600) once."""
    os.umask(0o077)
    folder = data_dir()
    (folder / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns when it is missing
    os.chmod(folder, 0o700)
    for name in ("schoolgate.sqlite3", "schoolgate.sqlite3-wal", "schoolgate.sqlite3-shm"):
        if (folder / name).exists():  # made by an older version under a looser umask
            os.chmod(folder / name, 0o600)
    if not os.environ.get("SECRET_KEY"):
        _create_key(secret_key_file())
    if not os.environ.get("AUDIT_KEY"):
        _create_key(audit_key_file())
    return folder
