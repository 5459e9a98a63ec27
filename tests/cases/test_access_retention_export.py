"""Who sees which case; retention purge; subject access export; closing; chronology."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from schoolgate.audit.models import AuditEntry
from schoolgate.cases.closing import close_case
from schoolgate.cases.errors import CaseError
from schoolgate.cases.jobs import daily, purge_expired
from schoolgate.cases.letters import draft_letter, send_letter
from schoolgate.cases.models import Case, Evidence, Letter
from schoolgate.cases.notes import add_note
from schoolgate.cases.opening import open_case
from schoolgate.cases.staffing import add_member, assign
from schoolgate.channel.restrictions import restrict

SW = "stokes-wood"


def urls(case):
    args = [SW, case.pk]
    return [reverse("cases:detail", args=args), reverse("cases:chronology", args=args), reverse("cases:evidence_pack", args=args)]


@pytest.mark.parametrize("email,sees", [
    ("head@stokes-wood.demo", True), ("dsl@stokes-wood.demo", True), ("office@stokes-wood.demo", False),
    ("hughes@stokes-wood.demo", False), ("governor@stokes-wood.demo", False), ("parent@stokes-wood.demo", False),
    ("head@high-hesket.demo", False),
])
def test_access_matrix(stokes, hesket, open_for, login, email, sees):
    case = open_for(stokes)
    client = login(email)
    for url in urls(case):
        response = client.get(url)
        assert (response.status_code == 200) is sees, (url, response.status_code)
        if not sees:
            assert response.status_code in (403, 404)
    listing = client.get(reverse("cases:list", args=[SW]))
    if listing.status_code == 200:
        assert (case.reference in listing.content.decode()) is sees


@pytest.mark.parametrize("email", ["office@stokes-wood.demo", "hughes@stokes-wood.demo", "governor@stokes-wood.demo"])
def test_assigned_or_added_staff_see_the_case(stokes, open_for, login, user, email):
    case = open_for(stokes)
    if email.startswith("office"):
        assign(case, user=user(email), actor=case.opened_by)
    else:
        add_member(case, user=user(email), actor=case.opened_by)
    client = login(email)
    for url in urls(case):
        assert client.get(url).status_code == 200
    # Added teachers and governors may read and add notes, not take steps or write letters.
    step = client.post(reverse("cases:step", args=[SW, case.pk, "discuss"]), {"action": "done", "outcome": "x"})
    assert step.status_code == (302 if email.startswith("office") else 403)


def test_office_sees_only_assigned_cases(stokes, open_for, login, user):
    mine = open_case(stokes, opened_by=user("office@stokes-wood.demo"), concern="Opened by the office")
    other = open_for(stokes)
    listing = login("office@stokes-wood.demo").get(reverse("cases:list", args=[SW])).content.decode()
    assert mine.reference in listing and other.reference not in listing


def test_every_view_is_audited(stokes, open_for, login, prepare):
    case = open_for(stokes)
    client = login("dsl@stokes-wood.demo")
    before = AuditEntry.objects.count()
    for url in urls(case):
        client.get(url)
    assert prepare(client, reverse("cases:evidence_pack", args=[SW, case.pk])).status_code == 200
    actions = list(AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - before].values_list("action", flat=True))
    assert set(actions) >= {"case.view", "case.view_chronology", "case.view_evidence_pack"}


def test_closing_requires_an_outcome(stokes, open_for, login):
    case = open_for(stokes)
    with pytest.raises(CaseError, match="outcome"):
        close_case(case, outcome="  ", actor=case.opened_by)
    client = login("head@stokes-wood.demo")
    assert client.post(reverse("cases:close", args=[SW, case.pk]), {"outcome": ""}).status_code == 400
    assert Case.objects.get(pk=case.pk).is_open
    assert client.post(reverse("cases:close", args=[SW, case.pk]), {"outcome": "Post removed after the meeting"}).status_code == 302
    case.refresh_from_db()
    assert not case.is_open and case.outcome == "Post removed after the meeting" and case.closed_at


def test_retention_purge(stokes, hesket, open_for, settings, django_capture_on_commit_callbacks):
    old = open_for(stokes)
    send_letter(draft_letter(old, step_id="discuss", actor=old.opened_by), actor=old.opened_by)
    close_case(old, outcome="Resolved", actor=old.opened_by)
    recent = open_for(stokes)
    close_case(recent, outcome="Resolved", actor=recent.opened_by)
    still_open = open_for(stokes)
    Case.objects.filter(pk__in=[old.pk, still_open.pk]).update(closed_at=timezone.now() - dt.timedelta(days=6 * 366 + 2))
    Case.objects.filter(pk=still_open.pk).update(status="open")
    folder = settings.MEDIA_ROOT / "cases" / SW / str(old.pk)
    assert folder.exists()
    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_expired()
    assert [p["reference"] for p in purged] == [old.reference]
    assert not Case.objects.filter(pk=old.pk).exists()
    assert not Evidence.objects.filter(case_id=old.pk).exists() and not Letter.objects.filter(case_id=old.pk).exists()
    assert Case.objects.filter(pk__in=[recent.pk, still_open.pk]).count() == 2
    assert not folder.exists()
    entry = AuditEntry.objects.get(action="case.purge")
    assert old.reference in entry.summary and "1 evidence item" in entry.summary and entry.details["retention_years"] == 6
    # A shorter school setting purges sooner.
    type(stokes).objects.filter(pk=stokes.pk).update(case_retention_years=1)
    Case.objects.filter(pk=recent.pk).update(closed_at=timezone.now() - dt.timedelta(days=367))
    import io as _io
    out = _io.StringIO()
    daily(stdout=out)
    assert f"purged {recent.reference}" in out.getvalue()


def test_subject_access_export(stokes, open_for, login, user, prepare):
    case = open_for(stokes, text="Mr Hughes is a liar.")
    send_letter(draft_letter(case, step_id="discuss", actor=case.opened_by), actor=case.opened_by)
    add_note(case, text="Secret staff view", author=case.opened_by, private=True)
    add_note(case, text="Parent phoned back", author=case.opened_by, private=False)
    other = open_for(stokes, parent_email="shah@stokes-wood.demo", text="Ravi's post")
    client = login("dsl@stokes-wood.demo")
    response = prepare(client, reverse("cases:parent_export", args=[SW, case.parent.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = zf.namelist()
    assert "subject-access.json" in names and "subject-access.pdf" in names
    letter = case.letters.get()
    assert zf.read(f"letters/{case.reference}-{letter.pk}-{letter.kind}.pdf") == letter.pdf_bytes()
    data = json.loads(zf.read("subject-access.json"))
    assert data["subject"] == "Kelly Bennett" and [c["reference"] for c in data["cases"]] == [case.reference]
    record = data["cases"][0]
    assert record["evidence"][0]["text"] == "Mr Hughes is a liar." and record["evidence"][0]["sha256"] == case.evidence.get().sha256
    assert record["letters"][0]["sha256"] == letter.sha256
    assert [n["text"] for n in record["notes"]] == ["Parent phoned back"] and record["private_notes_withheld"] == 1
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(zf.read("subject-access.pdf"))).pages)
    assert "Kelly Bennett" in text and case.reference in text and "Secret staff view" not in text and other.reference not in text
    assert AuditEntry.objects.filter(action="case.subject_access_export").exists()
    # Office staff cannot export.
    office = login("office@stokes-wood.demo")
    assert office.get(reverse("cases:parent_export", args=[SW, case.parent.pk])).status_code == 403
    assert office.post(reverse("cases:parent_export", args=[SW, case.parent.pk])).status_code == 403


def test_chronology_per_case_and_per_parent(stokes, open_for, login, prepare):
    first = open_for(stokes, text="Mr Hughes is a liar.")
    send_letter(draft_letter(first, step_id="discuss", actor=first.opened_by), actor=first.opened_by)
    add_note(first, text="Private thought", author=first.opened_by)
    second = open_for(stokes, text="Another post")
    client = login("head@stokes-wood.demo")
    page = client.get(reverse("cases:chronology", args=[SW, first.pk])).content.decode()
    for words in ("Case opened", "Evidence E", "Finding on", "Letter sent", "Step 1 done", "Private staff note", "Private thought"):
        assert words in page
    restrict(stokes, user=first.parent_user, kind="hold", reason="Comments held while we talk", ends_on=timezone.localdate() + dt.timedelta(days=10), actor=first.opened_by)
    parent = client.get(reverse("cases:parent", args=[SW, first.parent.pk])).content.decode()
    assert first.reference in parent and second.reference in parent
    assert "Channel restriction" in parent and "Comments held while we talk" in parent
    asked = client.get(reverse("cases:parent", args=[SW, first.parent.pk]) + "?format=pdf")
    assert asked.status_code == 302
    pdf = prepare(client, asked["Location"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
