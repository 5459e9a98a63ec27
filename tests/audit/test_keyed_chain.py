"""Issue 13 item 7: the audit chain cannot be rewritten by someone with the database but not the key, every
column is hashed, a missing head or a deleted log fails, and the anchor outside the database catches a chain
recomputed from scratch (even with the key)."""

import hashlib
import io
import json
import stat
from importlib import import_module

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from schoolgate.audit.jobs import daily
from schoolgate.audit.models import GENESIS, LEGACY, AuditEntry, AuditHead, entry_hash, record, verify


@pytest.fixture
def anchor(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "schoolgate-audit-anchor"
    return settings.AUDIT_ANCHOR_FILE


@pytest.fixture
def entries(db):
    return [record("test.action", summary=f"entry {i}", n=i) for i in range(5)]


def recompute_with_sha256(relabel_legacy=False):
    """What an attacker with write access to the database (and no key) can do: rewrite every row's hash."""
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id"):
        payload = json.dumps({"school": entry.school_slug, "actor": entry.actor_label, "action": entry.action,
                              "target": [entry.target_type, entry.target_id], "summary": entry.summary,
                              "details": entry.details, "at": entry.created_at.isoformat(), "prev": prev},
                             sort_keys=True, cls=DjangoJSONEncoder)
        new = hashlib.sha256(payload.encode()).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=new, **({"scheme": LEGACY} if relabel_legacy else {}))
        prev = new
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_entries_are_keyed_hmacs(entries, settings):
    assert verify().ok
    settings.AUDIT_KEY = "another key"
    result = verify()
    assert not result.ok and len([p for p in result.problems if "edited" in p]) == 5


def test_an_edit_and_recomputed_sha256_chain_is_caught(entries):
    AuditEntry.objects.filter(pk=entries[2].pk).update(summary="nothing happened here")
    recompute_with_sha256()
    result = verify()
    assert not result.ok and any(f"entry {entries[2].pk}" in p for p in result.problems)


def test_relabelling_the_chain_as_the_old_unkeyed_scheme_is_caught(entries):
    recompute_with_sha256(relabel_legacy=True)
    result = verify()
    assert not result.ok and any("no keyed cut-over" in p for p in result.problems)


@pytest.mark.parametrize("column, value", [("school_id", None), ("actor_id", None), ("target_id", "999"), ("school_slug", "x"),
                                           ("created_at", "2020-01-01T00:00:00Z"), ("scheme", LEGACY)])
def test_every_column_is_hashed(stokes, user, column, value):
    entry = record("test.action", actor=user("head@stokes-wood.demo"), school=stokes, target=stokes, summary="seen")
    AuditEntry.objects.filter(pk=entry.pk).update(**{column: value})
    assert not verify().ok


def test_a_missing_head_fails(entries):
    AuditHead.objects.all().delete()
    assert "the audit head record is missing" in verify().problems


def test_a_deleted_log_and_head_fail_against_the_anchor(entries, anchor):
    daily(io.StringIO())
    assert stat.S_IMODE(anchor.stat().st_mode) == 0o600
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    assert verify().ok  # the database alone cannot tell: nothing is left to check
    result = verify(anchor=anchor)
    assert not result.ok and any("the anchor recorded 5 entries but the log holds 0" in p for p in result.problems)
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify", "--anchor", str(anchor))


def test_a_chain_recomputed_with_the_key_is_caught_by_the_anchor(entries, anchor, settings):
    daily(io.StringIO())
    record("test.action", summary="after the anchor")
    # Someone with the database and the key rewrites entry 2 and recomputes every hash after it.
    AuditEntry.objects.filter(pk=entries[1].pk).update(summary="rewritten")
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id"):
        entry.prev_hash = prev
        new = entry.compute_hash()
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=new)
        prev = new
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    assert verify().ok  # the key holder's rewrite is consistent in the database…
    result = verify(anchor=anchor)  # …but not with the anchor written before it
    assert not result.ok and any("entry number 5 is not the one the anchor recorded" in p for p in result.problems)


def test_the_cli_checks_the_anchor(entries, anchor, capsys):
    daily(io.StringIO())
    call_command("audit", "verify", "--anchor", str(anchor))
    assert "5 entries verified, matching the anchor" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--anchor", str(anchor.with_name("missing")))


def test_daily_does_not_anchor_a_broken_chain(entries, anchor):
    AuditEntry.objects.filter(pk=entries[2].pk).update(summary="edited")
    out = io.StringIO()
    daily(out)
    assert "does not verify" in out.getvalue() and not anchor.exists()


def test_an_old_installations_log_verifies_after_the_cut_over(db, settings):
    """Entries written under scheme 1 by the first version, then migration 0002's cut-over."""
    cut_over = import_module("schoolgate.audit.migrations.0002_keyed_chain").cut_over
    prev = GENESIS
    for n in range(3):
        row = {"school_slug": "", "actor_label": "", "action": "old.action", "target_type": "", "target_id": "",
               "summary": f"old {n}", "details": {"n": n}, "created_at": timezone.now(), "prev_hash": prev}
        digest = entry_hash(LEGACY, "", row)
        AuditEntry.objects.create(**row, hash=digest, scheme=2)  # the column's default before the migration ran
        prev = digest
    AuditHead.objects.update_or_create(pk=1, defaults={"last_hash": prev, "count": 3})
    cut_over(global_apps, None)
    assert verify().ok and verify().checked == 4
    record("test.action", summary="new")
    assert verify().ok
    # Rewriting an old entry (unkeyed, so recomputable) breaks the keyed cut-over's link.
    first = AuditEntry.objects.order_by("id").first()
    AuditEntry.objects.filter(pk=first.pk).update(summary="rewritten")
    recompute_prefix = AuditEntry.objects.filter(scheme=LEGACY).order_by("id")
    prev = GENESIS
    for entry in recompute_prefix:
        entry.prev_hash = prev
        new = entry.compute_hash()
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=new)
        prev = new
    assert not verify().ok
