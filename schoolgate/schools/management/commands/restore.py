import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from schoolgate import backups, datadir
from schoolgate.audit.models import verify


class Command(BaseCommand):
    help = ("Restore a `schoolgate backup` archive into an EMPTY data directory (SQLite) or an empty PostgreSQL database "
            "(pg_restore); refuses one that holds data. Every file's SHA-256 is checked against the manifest before anything "
            "is written. Put the old audit_key in the new data directory first (unless the backup was made with --include-keys), "
            "so that `schoolgate audit verify` passes.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="an archive written by `schoolgate backup`")

    def handle(self, *args, file, **options):
        archive = Path(file)
        folder = datadir.data_dir()
        media_root = Path(settings.MEDIA_ROOT)
        try:
            db = backups.Database.from_settings(settings.DATABASES["default"])
            manifest = backups.read_manifest(archive)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        found = backups.leftovers(folder, db, media_root)
        if db.engine == "postgresql" and manifest["database"]["engine"] == "postgresql":
            tables = connection.introspection.table_names()
            connection.close()
            if tables:
                found.append(f"the PostgreSQL database {db.name} ({len(tables)} tables)")
        if found:
            raise CommandError(
                f"Refusing to restore: the data directory {folder}" + (" or the database" if db.engine == "postgresql" else "") + f" is not empty ({', '.join(found[:5])}{', ...' if len(found) > 5 else ''}). "
                "A restore never overwrites data: point SCHOOLGATE_DATA_DIR (and DATABASE_URL) at a new, empty place, or move this data away first.")
        try:
            keys = backups.restore(archive, db=db, media_root=media_root, data_dir=folder, manifest=manifest)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        uploads = sum(1 for f in manifest["files"] if f["path"].startswith("media/"))
        self.stdout.write(self.style.SUCCESS(
            f"Restored the {db.engine} database and {uploads} uploaded file(s) from {archive} (made {manifest['created_at']}, "
            f"Schoolgate {manifest.get('schoolgate_version') or 'unknown version'})."))
        if keys:
            self.stdout.write(f"Restored the key file(s) {', '.join(keys)} from the backup into {folder}.")
            if "audit_key" in keys and os.environ.get("AUDIT_KEY"):
                self.stdout.write("Note: AUDIT_KEY is set in the environment and is used instead of the restored audit_key file.")
            settings.AUDIT_KEY = os.environ.get("AUDIT_KEY") or datadir.read_audit_key() or settings.AUDIT_KEY
        result = verify()
        connection.close()
        if result.ok:
            self.stdout.write(f"Audit log intact: {result.checked} entries verified. Run `schoolgate setup` to bring the database up to this version.")
            return
        where = "the AUDIT_KEY environment variable" if os.environ.get("AUDIT_KEY") else str(datadir.audit_key_file())
        raise CommandError(
            f"The data is restored, but the audit log does not verify with the audit key in {where} "
            f"({len(result.problems)} problem(s) in {result.checked} entries): "
            + ("the key is not the one this installation used. " if keys else "this backup does not carry the keys (they are kept apart on purpose). ")
            + f"Copy the old installation's audit_key file over {datadir.audit_key_file()} (and its secret_key beside it, so log-ins and "
            "password-reset links stay valid), or set AUDIT_KEY to its value; then run `schoolgate audit verify`.")
