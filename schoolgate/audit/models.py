"""The audit log: who did what, when, to which record; each entry hashes the one before it.

Entries are never updated or deleted through the ORM. `verify()` recomputes the chain, so an edited
row (its hash no longer matches), a deleted row (the next row's `prev_hash` points at nothing) or a
removed tail (the `AuditHead` no longer matches the last row) is detected.

The chain is keyed (issue 13 item 7): scheme 2, every entry since, is an HMAC-SHA256 over *every* column
(the school and actor ids included: the audit page filters on them) with `settings.AUDIT_KEY`, a key that
lives outside the database (the data directory's `audit_key`, or the environment). Someone who can write
the database but not read that key cannot recompute the chain after an edit.

Scheme 1, the unkeyed SHA-256 of the first version, is still read for the entries written before the
upgrade, and only for them: migration 0002 marks those rows scheme 1 and appends one keyed `audit.keyed`
entry (the cut-over) whose `prev_hash` is the last old hash and whose details give their count. `verify()`
accepts scheme-1 entries only as that prefix, right before that cut-over; so rewriting the old entries breaks
the keyed cut-over's link, and relabelling keyed entries as scheme 1 leaves a chain with no cut-over.

What stays possible for someone with the database *and* the key, or someone who deletes the whole log and
its head: `schoolgate daily` appends the head and count to `AUDIT_ANCHOR_FILE`, outside the data directory,
and `verify(anchor=...)` (`schoolgate audit verify --anchor FILE`) checks that each anchored entry is
still there with the hash it had.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

GENESIS = "0" * 64
LEGACY, KEYED = 1, 2
CUT_OVER = "audit.keyed"


class AppendOnlyError(RuntimeError):
    pass


class AuditEntry(models.Model):
    # The ids stay as written (no SET NULL, no database constraint): they are hashed, and an entry whose
    # school or actor row goes away must still verify. The labels say who and where.
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    # The slug is kept as text too: an entry must still read right if the school row goes away.
    school_slug = models.CharField(max_length=80, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    scheme = models.PositiveSmallIntegerField(default=KEYED)

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

    def compute_hash(self, key: str | None = None) -> str:
        return entry_hash(self.scheme, key if key is not None else settings.AUDIT_KEY, {
            f: getattr(self, f) for f in ("school_id", "school_slug", "actor_id", "actor_label", "action", "target_type",
                                          "target_id", "summary", "details", "created_at", "prev_hash")})


def entry_hash(scheme: int, key: str, row: dict) -> str:
    """An entry's hash under its scheme, from its columns (a plain function: migration 0002 uses it too)."""
    if scheme == LEGACY:
        payload = {"school": row["school_slug"], "actor": row["actor_label"], "action": row["action"],
                   "target": [row["target_type"], row["target_id"]], "summary": row["summary"], "details": row["details"],
                   "at": row["created_at"].isoformat(), "prev": row["prev_hash"]}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()
    if scheme != KEYED:
        raise ValueError(f"unknown audit hash scheme {scheme}")
    payload = {**row, "created_at": row["created_at"].isoformat(), "scheme": KEYED}
    message = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


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
            scheme=KEYED,
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


def verify(anchor: str | Path | None = None) -> VerifyResult:
    """Recompute the chain; with `anchor` (a file `write_anchor` appended to), also check it against that."""
    problems: list[str] = []
    expected_prev = GENESIS
    checked = 0
    legacy = 0
    cut_over_seen = False
    by_position: dict[int, str] = {}
    wanted = _anchor_positions(anchor, problems) if anchor is not None else {}
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if checked in wanted:
            by_position[checked] = entry.hash
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.id}: the entry before it was deleted or changed (chain broken)")
        if entry.scheme == LEGACY:
            legacy += 1
            if cut_over_seen or legacy != checked:
                problems.append(f"entry {entry.id}: an unkeyed entry after the log was keyed (the chain was rewritten)")
        elif entry.scheme == KEYED and entry.action == CUT_OVER and legacy and not cut_over_seen:
            cut_over_seen = True
            if legacy != checked - 1 or (entry.details or {}).get("legacy_entries") != legacy:
                problems.append(f"entry {entry.id}: the cut-over to the keyed chain does not follow the old entries")
        try:
            edited = not hmac.compare_digest(entry.compute_hash(), entry.hash)
        except ValueError:
            edited = True
        if edited:
            problems.append(f"entry {entry.id} ({entry.action}): its content was edited after it was written")
        expected_prev = entry.hash
    if legacy and not cut_over_seen:
        problems.append("the log has unkeyed entries but no keyed cut-over after them (the chain was rewritten)")
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None:
        if head.count != checked:
            problems.append(f"the log should hold {head.count} entries but holds {checked}: entries were removed")
        elif head.last_hash != expected_prev:
            problems.append("the last entry does not match the recorded head: the tail was replaced")
    elif checked:
        problems.append("the audit head record is missing")
    for position, anchored in sorted(wanted.items()):
        if position > checked:
            problems.append(f"the anchor recorded {position} entries but the log holds {checked}: entries were removed")
        elif by_position[position] != anchored:
            problems.append(f"entry number {position} is not the one the anchor recorded: the log was rewritten")
    return VerifyResult(ok=not problems, checked=checked, problems=problems)


# -- the anchor outside the database ---------------------------------------------------------------------

def write_anchor(path: str | Path) -> tuple[int, str]:
    """Append the head's count and hash to the anchor file (0600): one line a day, never rewritten, so an
    older line still catches a chain rewritten before a later one was written."""
    head = AuditHead.objects.filter(pk=1).first()
    count, last = (head.count, head.last_hash) if head is not None else (0, GENESIS)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": timezone.now().isoformat(timespec="seconds"), "count": count, "head": last})
    with open(path, "a", opener=lambda p, flags: os.open(p, flags, 0o600)) as fh:
        fh.write(line + "\n")
    return count, last


def _anchor_positions(anchor: str | Path, problems: list[str]) -> dict[int, str]:
    """{entry number: hash} from an anchor file; a missing or unreadable anchor is itself a problem."""
    try:
        lines = Path(anchor).read_text().splitlines()
    except OSError as exc:
        problems.append(f"the anchor file {anchor} cannot be read ({exc.strerror or exc})")
        return {}
    positions: dict[int, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            count, last = int(row["count"]), str(row["head"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"the anchor file's line {number} cannot be read")
            continue
        if count:
            if positions.get(count, last) != last:
                problems.append(f"the anchor file gives two different hashes for entry number {count}")
            positions[count] = last
    return positions
