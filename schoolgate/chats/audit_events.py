"""Every audit action the chats app writes, by name (the values are what the audit log stores)."""

from enum import StrEnum


class AuditEvent(StrEnum):
    # Upload
    PERMISSION_RECORDED = "chats.permission_recorded"
    UPLOADED = "chats.uploaded"
    # The scan
    SCAN_RESUMED = "chats.scan_resumed"
    SCAN_REQUEUED = "chats.scan_requeued"
    SCAN_FAILED = "chats.scan_failed"
    SCAN_FINISHED = "chats.scan_finished"
    CLI_SCAN = "chats.cli_scan"
    # Retention
    PURGED = "chats.purged"
    # People and follow-ups
    PARTICIPANT_REVEALED = "chats.participant_revealed"
    CASE_OPENED = "chats.case_opened"
    CLOSURE_REQUESTED = "chats.closure_requested"
    # Reads
    REPORT_DOWNLOADED = "chats.report_downloaded"
