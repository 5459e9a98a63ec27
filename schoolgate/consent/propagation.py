"""Telling later apps that pupils lost consent: each installed app may define
`consent_hooks.consent_lost(school, pupil_ids, purposes)` (the channel re-redacts its published posts there).
Consent never imports those apps; it only calls what they registered. Run from `tasks.announce_loss`,
after the loss is committed, so an app's failure never undoes the withdrawal itself.
"""

from __future__ import annotations

import logging

from schoolgate.plugins import hooks
from schoolgate.schools.models import School

log = logging.getLogger(__name__)


def announce_loss(school_id: int, pupil_ids: list[int], purposes: list[str]) -> int:
    """Call every app's `consent_lost` hook; returns how many ran without error."""
    school = School.objects.filter(pk=school_id).first()
    if school is None or not pupil_ids or not purposes:
        return 0
    ran = 0
    for hook in hooks("consent_hooks", "consent_lost"):
        try:
            hook(school, list(pupil_ids), list(purposes))
        except Exception:  # noqa: BLE001 - one app's failure must not stop the others; the daily job retries nothing, so log it loudly
            log.exception("consent_lost hook %s failed for %s pupils %s purposes %s", hook, school.slug, pupil_ids, purposes)
        else:
            ran += 1
    return ran
