"""Bring a fresh installation to a working state: database tables, cache table, seed policies.

Used by `schoolgate setup`, `schoolgate run` and by the commands that must work straight after
`make install` (`analyse`, `scan-chat`), which call it quietly so stdout stays pure JSON.
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def needs_migration() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_database(*, verbosity: int = 0) -> None:
    out = io.StringIO()
    if needs_migration():
        call_command("migrate", interactive=False, verbosity=verbosity, stdout=out if not verbosity else None)
    call_command("createcachetable", verbosity=0, stdout=out)
    # By the command's name, not an import: this module sits below every app (see the import contracts).
    call_command("policy", "load-seeds", stdout=out)
