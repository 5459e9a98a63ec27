"""The audit log's action names for schools: roles given and removed, roster imports."""

from enum import StrEnum


class AuditEvent(StrEnum):
    MEMBERSHIP_ADD = "membership.add"
    MEMBERSHIP_REMOVE = "membership.remove"
    ROSTER_IMPORT = "roster.import"
    ROSTER_CONTACT = "roster.contact"
