"""`schoolgate user add`: the first log-in from the command line, with clear errors that change nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from schoolgate.audit.models import AuditEntry
from schoolgate.schools.models import Membership


def add(*args, **kwargs):
    out = io.StringIO()
    call_command("user", "add", *args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text("correct horse battery staple 42\n")
    return str(path)


def test_adds_a_headteacher_who_can_log_in(seeded, password_file, client):
    out = add("Ann.Head@School.example", name="Ann  Head", school="stokes-wood", role="headteacher", password_file=password_file)
    assert "ann.head@school.example can now log in as Headteacher at Stokes Wood" in out
    user = get_user_model().objects.get(username="ann.head@school.example")
    assert (user.first_name, user.last_name) == ("Ann", "Head")
    assert Membership.objects.get(user=user).role == "headteacher"
    assert client.login(username="ann.head@school.example", password="correct horse battery staple 42")
    assert AuditEntry.objects.filter(action="membership.add", summary__contains="ann.head@school.example").exists()


def test_password_from_standard_input(seeded, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("another long pass phrase 7\n"))
    add("office@school.example", name="Olu Office", school="high-hesket", role="office", password_file="-")
    assert get_user_model().objects.get(username="office@school.example").check_password("another long pass phrase 7")


def test_an_existing_account_gets_the_role_and_keeps_its_password(seeded, password_file):
    add("ann@school.example", name="Ann Head", school="stokes-wood", role="headteacher", password_file=password_file)
    out = add("ann@school.example", name="Ann Head", school="high-hesket", role="governor")
    assert "password unchanged" in out
    assert get_user_model().objects.get(username="ann@school.example").check_password("correct horse battery staple 42")


@pytest.mark.parametrize("args, kwargs, message", [
    (["not-an-email"], {"school": "stokes-wood", "role": "headteacher"}, "is not a valid e-mail address"),
    (["a@b.example"], {"school": "nowhere", "role": "headteacher"}, "No school 'nowhere'. Known: high-hesket, stokes-wood."),
    (["a@b.example"], {"school": "stokes-wood", "role": "king"}, "No role 'king'. Choose one of: headteacher, dsl"),
    (["a@b.example"], {"school": "stokes-wood", "role": "headteacher", "name": "   "}, "Give the person's full name"),
    (["a@b.example"], {"school": "stokes-wood", "role": "headteacher", "password_file": "/nonexistent/pw"}, "Cannot read the password file"),
])
def test_clear_errors_change_nothing(seeded, args, kwargs, message):
    kwargs.setdefault("name", "Ann Head")
    with pytest.raises(CommandError, match=message):
        add(*args, **kwargs)
    assert not get_user_model().objects.exists()


def test_a_weak_password_is_refused(seeded, tmp_path):
    weak = tmp_path / "pw"
    weak.write_text("password\n")
    with pytest.raises(CommandError, match="The password was refused"):
        add("a@b.example", name="Ann Head", school="stokes-wood", role="headteacher", password_file=str(weak))
    assert not get_user_model().objects.exists()


def test_without_a_terminal_it_asks_for_a_file(seeded, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="No terminal to ask for a password"):
        add("a@b.example", name="Ann Head", school="stokes-wood", role="headteacher")


def test_email_link_sets_no_password(seeded, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = add("dsl@school.example", name="Dee Lead", school="stokes-wood", role="dsl", email_link=True)
    assert "from the link e-mailed to them" in out
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["dsl@school.example"]


def test_reset_two_factor_for_a_head_who_lost_phone_and_codes(seeded, password_file):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    add("head@school.example", name="Ann Head", school="stokes-wood", role="headteacher", password_file=password_file)
    head = get_user_model().objects.get(username="head@school.example")
    TOTPDevice.objects.create(user=head, name="phone", confirmed=True)
    StaticDevice.objects.create(user=head, name="recovery", confirmed=True)
    out = io.StringIO()
    call_command("user", "reset-two-factor", "Head@School.example", school="stokes-wood", stdout=out)
    assert "reset for head@school.example at Stokes Wood" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=head).exists() and not StaticDevice.objects.filter(user=head).exists()
    entry = AuditEntry.objects.filter(summary__contains="reset two-factor log-in for Ann Head").get()
    assert entry.summary.startswith("The server administrator (command line)")


def test_reset_two_factor_for_someone_not_at_that_school_changes_nothing(seeded, password_file):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    add("head@school.example", name="Ann Head", school="stokes-wood", role="headteacher", password_file=password_file)
    head = get_user_model().objects.get(username="head@school.example")
    TOTPDevice.objects.create(user=head, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="no log-in at High Hesket"):
        call_command("user", "reset-two-factor", "head@school.example", school="high-hesket")
    assert TOTPDevice.objects.filter(user=head).exists()


def test_add_without_a_role_says_so(seeded, password_file):
    with pytest.raises(CommandError, match="--role"):
        add("x@school.example", name="X Y", school="stokes-wood", password_file=password_file)
    assert not get_user_model().objects.filter(username="x@school.example").exists()
