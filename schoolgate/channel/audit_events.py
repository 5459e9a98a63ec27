"""Every action the channel writes to the audit log, by name (the stored strings never change:
old entries and the hash chain depend on them)."""

from __future__ import annotations

from enum import StrEnum


class AuditEvent(StrEnum):
    POST_SUBMIT = "channel.post.submit"
    POST_REPHRASED = "channel.post.rephrased"
    COMMENT_SUBMIT = "channel.comment.submit"
    COMMENT_REPHRASED = "channel.comment.rephrased"
    REVIEW_APPROVE = "channel.review.approve"
    REVIEW_EDIT = "channel.review.edit"
    REVIEW_REJECT = "channel.review.reject"
    REVIEW_REPHRASE = "channel.review.rephrase"
    RESTRICT = "channel.restrict"
    RESTRICTION_LIFT = "channel.restriction.lift"
    POSTER_GRANT = "channel.poster.grant"
    POSTER_REVOKE = "channel.poster.revoke"
    CONCERN_SEND = "channel.concern.send"
    CONCERN_RESPOND = "channel.concern.respond"
    PHOTO_CHECK_START = "channel.photo_check.start"
    PHOTO_CHECK_COMPLETE = "channel.photo_check.complete"
    PHOTO_REREDACTED = "channel.photo.reredacted"
    POST_TAKEN_DOWN = "channel.post.taken_down"
