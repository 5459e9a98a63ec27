"""The audit log's action names for log-ins (recorded from Django's auth signals)."""

from enum import StrEnum


class AuditEvent(StrEnum):
    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    LOGIN_FAILED = "auth.login_failed"
