"""Chat scans: a parent's permission, the uploaded export, its messages, the judge's findings, and what follows.

Order of things, and why:
- `ChatPermission` first: the policy lets the Headteacher view group messages only "with the permission of
  the parent", so a scan cannot exist without one (PROTECT: the record outlives the scan).
- `ChatScan` holds the original file until `purge_due`; the daily job then deletes it and every message
  that is neither flagged nor the message before/after a flagged one (data minimisation).
- A scan is split into `ScanBatch` rows (message ranges) when it starts; any number of workers ("lanes")
  claim pending batches one at a time and save each batch's messages, findings, participants and its own
  "done" mark in one transaction. `batches_done`/`messages_done` are the count and the sum of done batches.
  `ChatFinding` is unique on (scan, message_index, category, start) and a batch is marked done only once,
  so a worker that dies mid-scan loses nothing (its batch becomes claimable again) and duplicates nothing.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChatPermission(models.Model):
    class Relation(models.TextChoices):
        MEMBER = "member", "Member of the group"
        ADMIN = "admin", "Administrator of the group"
        FORMER = "former", "Former member of the group"
        OTHER = "other", "Other (see scope)"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="chat_permissions")
    parent_name = models.CharField("parent/carer's name", max_length=200)
    parent_person = models.ForeignKey(
        "schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_permissions"
    )
    relation = models.CharField("their relation to the group", max_length=20, choices=Relation.choices)
    given_on = models.DateField("date permission was given")
    scope = models.TextField(help_text="What the parent agreed to share, e.g. 'the Year 4 Parents group, March to May 2024'.")
    purpose = models.TextField(help_text="Why the school needs to see the messages.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.parent_name} ({self.get_relation_display()}), {self.given_on:%-d %b %Y}"


def upload_path(instance, filename):
    # Never the uploader's file name on disk: it may carry a group's or a child's name.
    suffix = os.path.splitext(instance.original_name or "")[1].lower()
    suffix = suffix if suffix in (".txt", ".zip", ".json") else ".upload"
    return f"chats/{instance.school_id}/{timezone.now():%Y%m}/{instance.token}{suffix}"


class ChatScan(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Scanning"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="chat_scans")
    permission = models.ForeignKey(ChatPermission, on_delete=models.PROTECT, related_name="scans")
    token = models.CharField(max_length=32, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to=upload_path, max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    day_first = models.BooleanField(null=True, blank=True, help_text="None: inferred from the file.")
    platform = models.CharField(max_length=20, blank=True)
    title = models.CharField("group name", max_length=300, blank=True)
    administrator = models.CharField("group administrator", max_length=200, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    participant_count = models.PositiveIntegerField(default=0)
    date_order_note = models.TextField(blank=True)
    # {"2024-03-12": [messages, breaches]}: the timeline chart's data, counts only, so it survives the purge.
    daily_counts = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    messages_total = models.PositiveIntegerField(default=0)
    messages_done = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    batch_size = models.PositiveIntegerField(default=200)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    purge_due = models.DateField()
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title or self.original_name

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.messages_total:
            return 0
        return min(99, int(100 * self.messages_done / self.messages_total))

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    STALL_AFTER = timedelta(minutes=5)

    @property
    def is_stalled(self) -> bool:
        """Running, but no batch committed for a while: the worker probably died. Safe to resume."""
        if self.status != self.Status.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.uploaded_at
        return timezone.now() - last > self.STALL_AFTER


class ScanBatch(models.Model):
    """One batch of a scan: messages [first_index, first_index + messages) of the file, claimed by one worker.

    pending -> claimed (a worker took it: `claimed_at` is its heartbeat) -> done (saved with its findings).
    A claim older than `ChatScan.STALL_AFTER` belongs to a dead worker and can be claimed again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        CLAIMED = "claimed", "Being scanned"
        DONE = "done", "Saved"

    scan = models.ForeignKey(ChatScan, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    first_index = models.PositiveIntegerField()
    messages = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claims = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scan", "number"]
        constraints = [models.UniqueConstraint(fields=["scan", "number"], name="unique_scan_batch_number")]
        indexes = [models.Index(fields=["scan", "status", "number"], name="chats_batch_claim_idx")]

    def __str__(self):
        return f"batch {self.number} of scan {self.scan_id} ({self.status})"


class ChatMessage(models.Model):
    scan = models.ForeignKey(ChatScan, on_delete=models.CASCADE, related_name="messages")
    index = models.PositiveIntegerField()
    timestamp = models.DateTimeField()
    author = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    kind = models.CharField(max_length=10, default="text")
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["scan", "index"]
        constraints = [models.UniqueConstraint(fields=["scan", "index"], name="unique_chat_message_index")]


class ChatFinding(models.Model):
    scan = models.ForeignKey(ChatScan, on_delete=models.CASCADE, related_name="findings")
    message_index = models.PositiveIntegerField()
    category = models.CharField(max_length=40)
    clause = models.CharField(max_length=80)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    score = models.FloatField(default=0)
    quote = models.TextField(blank=True)
    # Copied from the message so a finding reads on its own (the message row may be purged only if
    # unflagged, but the report should never depend on that).
    author = models.CharField(max_length=200, blank=True)
    timestamp = models.DateTimeField()
    # The case opened from this finding (cases.Case pk; a plain integer so this app does not depend on
    # the cases app's migrations).
    case_pk = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["scan", "message_index", "start"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "message_index", "category", "start"], name="unique_chat_finding")
        ]

    def as_span(self) -> dict:
        return {"start": self.start, "end": self.end, "category": self.category, "clause": self.clause, "breach": True}


class Participant(models.Model):
    """An author in the chat. Not a parent of the school: shown as 'Participant N' unless staff reveal."""

    scan = models.ForeignKey(ChatScan, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=200)
    # 1, 2, ... in order of first message, only for people who are not parents of the school (None for parents).
    number = models.PositiveIntegerField(null=True, blank=True)
    messages = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey("schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revealed_at = models.DateTimeField(null=True, blank=True)
    # Index of their first message: batches are saved in any order by several workers, so `number` is given
    # when the scan finishes, in order of first message (None on rows saved before this field existed).
    first_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["scan", "first_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "name"], name="unique_participant_name"),
            models.UniqueConstraint(fields=["scan", "number"], name="unique_participant_number"),
        ]

    @property
    def is_parent(self) -> bool:
        return self.person_id is not None

    @property
    def shown_name(self) -> str:
        if self.is_parent or self.revealed_at:
            return self.name
        return f"Participant {self.number}"


class ClosureRequest(models.Model):
    """A letter asking the group's administrator to close the group chat (the policy's last resort)."""

    scan = models.ForeignKey(ChatScan, on_delete=models.CASCADE, related_name="closure_requests")
    finding = models.ForeignKey(ChatFinding, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    administrator_name = models.CharField(max_length=200)
    administrator_email = models.EmailField(blank=True)
    body = models.TextField()
    pdf = models.BinaryField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at"]
