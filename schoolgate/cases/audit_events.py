"""Every audit action the cases app writes, by name (the values are what the audit log stores)."""

from enum import StrEnum


class AuditEvent(StrEnum):
    # Changes
    OPEN = "case.open"
    EVIDENCE = "case.evidence"
    EVIDENCE_JUDGED = "case.evidence_judged"
    SCREENSHOT_READ = "case.screenshot_read"
    SCREENSHOT_CORRECT = "case.screenshot_correct"
    SCREENSHOT_REVEAL = "case.screenshot_reveal"
    SCREENSHOT_READ_AGAIN = "case.screenshot_read_again"
    ASSESS = "case.assess"
    ASSIGN = "case.assign"
    ADD_MEMBER = "case.add_member"
    NOTE = "case.note"
    CLOSE = "case.close"
    STEP = "case.step"
    STEP_SKIP = "case.step_skip"
    DEADLINE = "case.deadline"
    DEADLINE_DUE = "case.deadline_due"
    DEADLINE_MET = "case.deadline_met"
    LETTER_DRAFT = "case.letter_draft"
    LETTER_EDIT = "case.letter_edit"
    LETTER_SENT = "case.letter_sent"
    PURGE = "case.purge"
    # Reads: every view of a case, download included, is recorded.
    VIEW = "case.view"
    VIEW_LIST = "case.view_list"
    VIEW_EVIDENCE_FILE = "case.view_evidence_file"
    VIEW_EVIDENCE_PACK = "case.view_evidence_pack"
    VIEW_LETTER = "case.view_letter"
    VIEW_LETTER_PDF = "case.view_letter_pdf"
    VIEW_CHRONOLOGY = "case.view_chronology"
    VIEW_CHRONOLOGY_PDF = "case.view_chronology_pdf"
    VIEW_PARENT_CHRONOLOGY = "case.view_parent_chronology"
    SUBJECT_ACCESS_EXPORT = "case.subject_access_export"
