"""Daily job: data minimisation for chat scans, and resuming scans whose worker died."""

from __future__ import annotations


def daily(stdout=None):
    from .services import purge_due, resume_stalled

    resume_stalled(stdout=stdout)
    purge_due(stdout=stdout)
