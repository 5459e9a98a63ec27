"""The audit log's daily job (`schoolgate daily`): check the chain, then anchor it outside the database.

The head's hash and count are appended to `AUDIT_ANCHOR_FILE` (outside the data directory; back it up
apart from the database), so `schoolgate audit verify --anchor FILE` can later tell a log that was deleted
or recomputed from scratch. A chain that no longer verifies is reported and not anchored: the anchor only
ever records a chain that was intact. Quiet when all is well, like the other daily jobs.
"""

from __future__ import annotations

from django.conf import settings

from .models import verify, write_anchor


def daily(stdout=None) -> None:
    result = verify()
    if not result.ok:
        if stdout is not None:
            stdout.write(f"audit: the audit log does not verify ({len(result.problems)} problem(s)); not anchored. "
                         "Run `schoolgate audit verify` for the details.")
        return
    write_anchor(settings.AUDIT_ANCHOR_FILE)
