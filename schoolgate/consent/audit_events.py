"""Every action the consent register writes to the audit log, by name (the stored strings never change:
old entries and the hash chain depend on them)."""

from __future__ import annotations

from enum import StrEnum


class AuditEvent(StrEnum):
    ANSWER = "consent.answer"
    IMPORT = "consent.import"
    NEVER_PUBLISH_SET = "consent.never_publish.set"
    NEVER_PUBLISH_LIFT = "consent.never_publish.lift"
    LOST = "consent.lost"
    EXPIRED = "consent.expired"
    RENEWAL_SENT = "consent.renewal.sent"
    EXTERNAL_USE = "consent.external_use"
    TAKE_DOWN_DONE = "consent.take_down.done"
    BIOMETRIC = "consent.biometric"
    TEMPLATES_DELETED = "consent.biometric.templates_deleted"
    ENROL = "consent.biometric.enrol"
    DPIA = "consent.dpia"
    MATCHING_ON = "consent.matching.on"
    MATCHING_OFF = "consent.matching.off"
    YEAR_END = "consent.year_end"
