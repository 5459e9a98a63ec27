"""Where an installation keeps its files (SQLite database, uploads, the generated secret key).

Reading the settings changes nothing on disk; the commands that run Schoolgate (`schoolgate ...` and the
WSGI application) call `prepare()` first, which creates the folder and the secret key once.
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


def read_secret_key() -> str | None:
    try:
        return secret_key_file().read_text().strip() or None
    except FileNotFoundError:
        return None


def prepare() -> Path:
    """Create the data folder (with STATIC_ROOT) and, unless SECRET_KEY is given, the secret key (mode 600) once."""
    folder = data_dir()
    (folder / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns when it is missing
    if not os.environ.get("SECRET_KEY"):
        try:
            # O_EXCL: two processes starting at once must not overwrite each other's key.
            fd = os.open(secret_key_file(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
    return folder
