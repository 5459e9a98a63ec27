"""The audit log is append-only and `audit verify` catches edited or deleted entries."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schoolgate.audit.models import AppendOnlyError, AuditEntry, record, verify


@pytest.fixture
def entries(db):
    return [record("test.action", summary=f"entry {i}", n=i) for i in range(5)]


def test_chain_verifies(entries):
    result = verify()
    assert result.ok and result.checked == 5
    assert entries[1].prev_hash == entries[0].hash


def test_model_refuses_changes_and_deletes(entries):
    entries[0].summary = "changed"
    with pytest.raises(AppendOnlyError):
        entries[0].save()
    with pytest.raises(AppendOnlyError):
        entries[0].delete()


def test_edited_row_is_detected(entries):
    AuditEntry.objects.filter(pk=entries[2].pk).update(summary="nothing happened here")
    result = verify()
    assert not result.ok
    assert any(f"entry {entries[2].pk}" in p and "edited" in p for p in result.problems)
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")


def test_deleted_row_is_detected(entries):
    AuditEntry.objects.filter(pk=entries[2].pk).delete()
    result = verify()
    assert not result.ok
    assert any(f"entry {entries[3].pk}" in p and "chain broken" in p for p in result.problems)


def test_removed_tail_is_detected(entries):
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    assert not verify().ok


def test_cli_reports_intact(entries, capsys):
    call_command("audit", "verify")
    assert "5 entries verified" in capsys.readouterr().out


def test_login_and_failed_login_are_audited(demo, client):
    client.post("/accounts/login/", {"username": "head@stokes-wood.demo", "password": "wrong password"})
    assert AuditEntry.objects.filter(action="auth.login_failed").exists()
    assert "wrong password" not in str(list(AuditEntry.objects.values_list("details", "summary")))
    client.post("/accounts/login/", {"username": "head@stokes-wood.demo", "password": "schoolgate-demo"})
    assert AuditEntry.objects.filter(action="auth.login", actor_label="head@stokes-wood.demo").exists()
    assert verify().ok
