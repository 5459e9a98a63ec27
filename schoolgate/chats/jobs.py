"""Daily job: data minimisation for chat scans, and resuming scans whose worker died."""

from __future__ import annotations

from .retention import purge_due
from .tasks import resume_stalled


def daily(stdout=None):
    resume_stalled(stdout=stdout)
    purge_due(stdout=stdout)
