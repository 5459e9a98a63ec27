"""The audit log: who did what, when, to which record; each entry hashes the one before it.

Entries are never updated or deleted through the ORM. `verify()` recomputes the chain, so an edited
row (its hash no longer matches), a deleted row (the next row's `prev_hash` points at nothing) or a
removed tail (the `AuditHead` no longer matches the last row) is detected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

GENESIS = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class AuditEntry(models.Model):
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The slug is kept as text too: an entry must still read right if the school row goes away.
    school_slug = models.CharField(max_length=80, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'system'}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are never deleted.")

    def compute_hash(self) -> str:
        payload = json.dumps(
            {
                "school": self.school_slug,
                "actor": self.actor_label,
                "action": self.action,
                "target": [self.target_type, self.target_id],
                "summary": self.summary,
                "details": self.details,
                "at": self.created_at.isoformat(),
                "prev": self.prev_hash,
            },
            sort_keys=True,
            cls=DjangoJSONEncoder,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


class AuditHead(models.Model):
    """One row: the last entry's hash and the count, so a removed tail is detected too."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.PositiveBigIntegerField(default=0)


def _actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.get_username()


def record(action: str, *, actor=None, school=None, target=None, summary: str = "", **details) -> AuditEntry:
    """Append one entry. Call inside the same transaction as the change it records."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            school=school,
            school_slug=getattr(school, "slug", "") or "",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=_actor_label(actor),
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            summary=summary[:500],
            details=json.loads(json.dumps(details, cls=DjangoJSONEncoder)),
            created_at=timezone.now(),
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        head.save()
        return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]


def verify() -> VerifyResult:
    problems: list[str] = []
    expected_prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.id}: the entry before it was deleted or changed (chain broken)")
        if entry.compute_hash() != entry.hash:
            problems.append(f"entry {entry.id} ({entry.action}): its content was edited after it was written")
        expected_prev = entry.hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None:
        if head.count != checked:
            problems.append(f"the log should hold {head.count} entries but holds {checked}: entries were removed")
        elif head.last_hash != expected_prev:
            problems.append("the last entry does not match the recorded head: the tail was replaced")
    elif checked:
        problems.append("the audit head record is missing")
    return VerifyResult(ok=not problems, checked=checked, problems=problems)
