"""The automatic backup (`schoolgate daily`): one archive a day in SCHOOLGATE_BACKUP_DIR, keeping the newest
SCHOOLGATE_BACKUP_KEEP (default 7). Unset SCHOOLGATE_BACKUP_DIR (the default): no automatic backup.

The archives are the ones `schoolgate backup FILE` writes (see `schoolgate.backups`), without the keys: keep
a copy of the data directory's audit_key and secret_key somewhere apart. Only files named like this job's own
(`schoolgate-YYYYMMDDTHHMMSSZ.tar.gz`) are ever deleted. Quiet when all is well, like the other daily jobs.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from schoolgate import backups, datadir

from . import background, orphans


def daily(stdout=None) -> None:
    background.daily(stdout)  # jobs whose worker died marked failed; old prepared downloads deleted
    orphans.rescue(stdout)  # tasks left "running" by a worker that died: failed, and queued again
    folder = getattr(settings, "SCHOOLGATE_BACKUP_DIR", None)
    if not folder:
        return
    keep = max(1, int(getattr(settings, "SCHOOLGATE_BACKUP_KEEP", 7)))
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        dest = folder / backups.backup_name()
        if dest.exists():  # twice in the same second: the one there is as fresh
            return
        backups.write_backup(dest, db=backups.Database.from_settings(settings.DATABASES["default"]),
                             media_root=Path(settings.MEDIA_ROOT), data_dir=datadir.data_dir())
    except (backups.BackupError, OSError) as exc:
        if stdout is not None:
            stdout.write(f"backup: the daily backup to {folder} failed: {exc}")
        return
    backups.prune(folder, keep)
