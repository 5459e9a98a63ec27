"""The audit log's action names for the policy: loading a seed, the annual review, acknowledgements."""

from enum import StrEnum


class AuditEvent(StrEnum):
    LOAD_SEED = "policy.load_seed"
    DRAFT = "policy.draft"
    EDIT_DRAFT = "policy.edit_draft"
    PUBLISH = "policy.publish"
    ACKNOWLEDGE = "policy.acknowledge"
    REMIND = "policy.remind"
