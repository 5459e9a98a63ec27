"""Backups and restores of an installation: one .tar.gz holding the database, the uploads and a manifest.

A shared helper (it imports no app, only the standard library): `schoolgate backup` and `schoolgate restore`
(in `schools/management/commands`) and the daily keep-N job (`schools/jobs.py`) call it with the settings'
values.

Why .tar.gz and not .zip: it is the usual archive on the Linux servers Schoolgate is deployed on (`tar tzf`
lists one, any rescue system opens one), the standard library writes it as one compressed stream without
holding files in memory, and a restore reads each member as a plain file under names it checks itself
(no links, no absolute paths, no `..`), so nothing in an archive can write outside the data directory.

The archive's members:
- `database/schoolgate.sqlite3` (SQLite: `sqlite3.Connection.backup`, the online backup API, a consistent
  copy while the server runs and writes) or `database/schoolgate.pgdump` (PostgreSQL: `pg_dump -Fc`);
- `media/...`: every file under MEDIA_ROOT (evidence, letters, chat exports, photos);
- `keys/audit_key`, `keys/secret_key` only with `--include-keys`: by default the keys stay apart from the
  backups, so a copied or stolen backup cannot be used to rewrite the audit chain undetected (the audit
  key) or to forge sessions and password-reset links (the secret key). Keep the keys in a separate place;
- `manifest.json` (last): the format, Schoolgate's version, the date, the database engine and every other
  member's path, size and SHA-256. A restore checks every hash before it writes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/schoolgate.sqlite3"
PG_MEMBER = "database/schoolgate.pgdump"
KEY_NAMES = ("audit_key", "secret_key")
# What `datadir.prepare()` creates in a data directory before any command runs: a restore accepts these.
PREPARED = {"static", *KEY_NAMES}
SUFFIX = ".tar.gz"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """The one database to back up or restore into, from Django's DATABASES["default"]."""

    engine: str  # "sqlite" or "postgresql"
    name: str  # the SQLite file, or the PostgreSQL database's name
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, conf: dict) -> Database:
        engine = conf["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(conf["NAME"]))
        if "postgresql" in engine:
            return cls("postgresql", str(conf["NAME"]), str(conf.get("USER") or ""), str(conf.get("PASSWORD") or ""),
                       str(conf.get("HOST") or ""), str(conf.get("PORT") or ""))
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")

    def pg_args(self) -> list[str]:
        args = [f"--dbname={self.name}"]
        if self.host:
            args.append(f"--host={self.host}")
        if self.port:
            args.append(f"--port={self.port}")
        if self.user:
            args.append(f"--username={self.user}")
        return args

    def pg_env(self) -> dict:
        env = {**os.environ}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"`{name}` was not found on PATH: backups of a PostgreSQL database need PostgreSQL's client tools. "
                          f"Install them (Debian/Ubuntu: `sudo apt install postgresql-client`, the same major version as the server or newer) and run this again.")
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def dump_database(db: Database, target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns the archive member name for it."""
    if db.engine == "sqlite":
        if not Path(db.name).exists():
            raise BackupError(f"There is no database at {db.name}: nothing to back up. Run `schoolgate setup` first.")
        source = sqlite3.connect(db.name, timeout=60)
        copy = sqlite3.connect(target)
        try:
            # One step copies every page under one read transaction: a consistent snapshot, even while another
            # connection holds a write transaction (WAL lets the read go on); a busy step is retried.
            source.backup(copy, pages=-1, sleep=0.25)
        finally:
            copy.close()
            source.close()
        return SQLITE_MEMBER
    done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", *db.pg_args()],
                          env=db.pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return PG_MEMBER


def media_files(media_root: Path) -> list[tuple[str, Path]]:
    """(member name, path) for every regular file under MEDIA_ROOT, in a stable order; links are not followed."""
    found = []
    if media_root.is_dir():
        for folder, dirs, files in os.walk(media_root):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    found.append(("media/" + path.relative_to(media_root).as_posix(), path))
    return found


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    """Add one file, hashing exactly the bytes written to the archive."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest = hashlib.sha256()

        class Hashing(io.RawIOBase):
            def read(self, n=-1):
                chunk = fh.read(n)
                digest.update(chunk)
                return chunk

        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(path.stat().st_mtime)
        tar.addfile(info, Hashing())
    return {"path": name, "size": size, "sha256": digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def write_backup(dest: Path, *, db: Database, media_root: Path, data_dir: Path, include_keys: bool = False, version: str = "") -> dict:
    """Write the archive to `dest` (mode 0600, written beside it and renamed into place); returns the manifest."""
    dest = Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    if db.engine == "postgresql":
        _tool("pg_dump")  # before any work: say what to install
    keys = []
    if include_keys:
        keys = [(f"keys/{name}", data_dir / name) for name in KEY_NAMES if (data_dir / name).is_file()]
        if not keys:
            raise BackupError(f"--include-keys: there are no key files in {data_dir} (the keys come from the environment: "
                              "keep AUDIT_KEY and SECRET_KEY with your secrets, not in backups).")
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".schoolgate-backup-") as work:
        work = Path(work)
        os.chmod(work, 0o700)
        dump = work / "database"
        member = dump_database(db, dump)
        partial = work / "archive"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        files = []
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            files.append(_add(tar, member, dump))
            for name, path in media_files(media_root):
                files.append(_add(tar, name, path))
            for name, path in keys:
                files.append(_add(tar, name, path))
            manifest = {
                "format": FORMAT,
                "schoolgate_version": version,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "database": {"engine": db.engine, "member": member},
                "keys_included": bool(keys),
                "files": files,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        os.chmod(partial, 0o600)
        os.replace(partial, dest)
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (not path.is_absolute() and ".." not in path.parts and "" not in path.parts and name == path.as_posix()
            and path.parts[0] in {"database", "media", "keys"} and len(path.parts) >= 2)


def read_manifest(archive: Path) -> dict:
    """The archive's manifest, after checking every member against it (hash, size, name); raises BackupError."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no backup at {archive}.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            try:
                manifest = json.loads(tar.extractfile(MANIFEST).read())
            except (KeyError, AttributeError, ValueError) as exc:
                raise BackupError(f"{archive} is not a Schoolgate backup: no readable {MANIFEST}.") from exc
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{archive} is a backup in format {manifest.get('format')!r}; this version reads format {FORMAT}.")
            expected = {f["path"]: f for f in manifest.get("files", [])}
            if manifest.get("database", {}).get("member") not in expected:
                raise BackupError(f"{archive}: the manifest names no database file.")
            seen = set()
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if info.name in seen or info.name not in expected or not info.isfile() or not _safe_name(info.name):
                    raise BackupError(f"{archive} has been altered or damaged: unexpected member {info.name!r}. Nothing was restored.")
                seen.add(info.name)
                digest, size = hashlib.sha256(), 0
                stream = tar.extractfile(info)
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                want = expected[info.name]
                if digest.hexdigest() != want["sha256"] or size != want["size"]:
                    raise BackupError(f"{archive} has been altered or damaged: {info.name} does not match its SHA-256 in the manifest. "
                                      "Nothing was restored.")
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(f"{archive} is incomplete: {len(missing)} file(s) in the manifest are missing ({missing[0]}, ...). Nothing was restored.")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive} cannot be read as a .tar.gz backup ({exc}). Nothing was restored.") from exc
    return manifest


def leftovers(data_dir: Path, db: Database, media_root: Path) -> list[str]:
    """What makes a data directory not empty for a restore (the folders and keys `prepare()` makes do not count)."""
    found = []
    if data_dir.is_dir():
        for entry in sorted(data_dir.iterdir()):
            if entry.name in PREPARED or entry.resolve() == media_root.resolve():
                continue
            found.append(entry.name)
    if media_files(media_root):
        found.append(f"{media_root} (uploaded files)")
    if db.engine == "sqlite" and Path(db.name).exists() and Path(db.name).name not in found:
        found.append(db.name)
    return found


def restore(archive: Path, *, db: Database, media_root: Path, data_dir: Path, manifest: dict) -> list[str]:
    """Write a verified archive's database, uploads and (if present) keys; returns the key files written.

    The caller has checked the target is empty (`leftovers`, and for PostgreSQL a database with no tables) and
    verified the archive (`read_manifest`). Every member is hashed again as it is written."""
    engine = manifest["database"]["engine"]
    if engine != db.engine:
        raise BackupError(f"This backup holds a {engine} database; this installation uses {db.engine}. Set DATABASE_URL to match, then restore.")
    if db.engine == "postgresql":
        _tool("pg_restore")
    expected = {f["path"]: f for f in manifest["files"]}
    written_keys = []
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as work, tarfile.open(archive, mode="r:gz") as tar:
        work = Path(work)
        for info in tar:
            if info.name == MANIFEST:
                continue
            if info.name not in expected or not info.isfile() or not _safe_name(info.name):
                raise BackupError(f"{archive} changed while it was restored: unexpected member {info.name!r}.")
            parts = PurePosixPath(info.name).parts
            if parts[0] == "database":
                target = work / "database"
            elif parts[0] == "media":
                target = media_root.joinpath(*parts[1:])
            else:
                target = work / parts[-1]
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            stream = tar.extractfile(info)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected[info.name]["sha256"]:
                raise BackupError(f"{archive} changed while it was restored: {info.name} no longer matches the manifest.")
        dump = work / "database"
        if db.engine == "sqlite":
            shutil.move(dump, db.name)
        else:
            done = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *db.pg_args(), str(dump)],
                                  env=db.pg_env(), capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        for name in KEY_NAMES:
            if (work / name).exists():
                os.replace(work / name, data_dir / name)  # replaces the fresh key `prepare()` made for an empty folder
                written_keys.append(name)
    return written_keys


def backup_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"schoolgate-{now.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups (named by `backup_name`) in `folder`; returns those deleted."""
    ours = sorted(p for p in Path(folder).glob(f"schoolgate-*{SUFFIX}") if p.is_file())
    doomed = ours[:-keep] if keep > 0 else ours
    for path in doomed:
        path.unlink()
    return doomed
