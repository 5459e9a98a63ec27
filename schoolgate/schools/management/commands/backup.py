from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schoolgate import backups, datadir


def schoolgate_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("schoolgate")
    except PackageNotFoundError:
        return ""


class Command(BaseCommand):
    help = ("Write one .tar.gz backup of the database (a consistent copy while the server runs: SQLite's online backup, "
            "or pg_dump for PostgreSQL) and every uploaded file, with a manifest of SHA-256 hashes; the file is made mode 0600. "
            "The audit key and the secret key are left out unless --include-keys: keep keys apart from backups, so that "
            "whoever gets a backup cannot rewrite the audit log undetected or forge log-ins. Restore with `schoolgate restore FILE`.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the archive to write, e.g. schoolgate-2026-11-30.tar.gz")
        parser.add_argument("--include-keys", action="store_true",
                            help="also put the audit_key and secret_key files in the archive (then guard the backup like the keys)")

    def handle(self, *args, file, include_keys=False, **options):
        dest = Path(file)
        if dest.exists():
            raise CommandError(f"{dest} already exists; choose a new file name (a backup never overwrites another).")
        try:
            manifest = backups.write_backup(
                dest, db=backups.Database.from_settings(settings.DATABASES["default"]), media_root=Path(settings.MEDIA_ROOT),
                data_dir=datadir.data_dir(), include_keys=include_keys, version=schoolgate_version())
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        uploads = sum(1 for f in manifest["files"] if f["path"].startswith("media/"))
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {dest}: the {manifest['database']['engine']} database and {uploads} uploaded file(s)."))
        if manifest["keys_included"]:
            self.stdout.write("The keys are in this backup: store it as securely as the keys themselves.")
        else:
            self.stdout.write(f"The keys are not in it: keep a copy of {datadir.audit_key_file()} (and secret_key) apart from your backups; "
                              "a restore needs the audit key for `schoolgate audit verify` to pass.")
