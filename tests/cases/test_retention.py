"""The retention date rule (one function for the page and the purge) and the purge removing every record of a case."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolgate.audit.models import AuditEntry, verify
from schoolgate.cases.closing import close_case
from schoolgate.cases.deadlines import add_deadline
from schoolgate.cases.evidence_changes import add_evidence_file, add_evidence_text, add_evidence_url
from schoolgate.cases.jobs import purge_expired
from schoolgate.cases.letters import draft_letter, send_letter
from schoolgate.cases.models import Case, CaseEvent, CaseRecordError, Deadline, Evidence, Letter, Note, StepAction
from schoolgate.cases.notes import add_note
from schoolgate.cases.retention import purge_cutoff, purge_due_on, years_on
from schoolgate.cases.staffing import add_member, assign
from schoolgate.cases.steps import skip_step, take_step


@pytest.mark.parametrize("day,years,expected", [
    (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),
    (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),
    (dt.date(2025, 3, 1), -1, dt.date(2024, 3, 1)),
    (dt.date(2028, 2, 29), -6, dt.date(2022, 2, 28)),
    (dt.date(2023, 6, 10), 6, dt.date(2029, 6, 10)),
])
def test_years_on(day, years, expected):
    assert years_on(day, years) == expected


@pytest.mark.parametrize("closed_on,years", [(dt.date(2023, 6, 10), 6), (dt.date(2024, 2, 29), 1), (dt.date(2024, 12, 31), 2)])
def test_the_page_and_the_purge_agree(closed_on, years):
    """A case is kept through the day the page names and purged the day after, 29 February included."""
    closed_at = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(12, 0)))
    last_day = purge_due_on(closed_on, years)
    assert not closed_at < purge_cutoff(years, last_day)
    assert closed_at < purge_cutoff(years, last_day + dt.timedelta(days=1))


def test_a_leap_day_case_is_purged_on_1_march(stokes, open_for):
    case = open_for(stokes, text="Nothing.")
    close_case(case, outcome="Resolved", actor=case.opened_by)
    type(stokes).objects.filter(pk=stokes.pk).update(case_retention_years=1)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.make_aware(dt.datetime(2024, 2, 29, 12, 0)))
    case = Case.objects.select_related("school").get(pk=case.pk)
    assert case.purge_due_on() == dt.date(2025, 2, 28)
    assert purge_expired(today=dt.date(2025, 2, 28)) == []
    assert [p["reference"] for p in purge_expired(today=dt.date(2025, 3, 1))] == [case.reference]


def full_case(stokes, open_for, user):
    """A closed case with a record of every kind: evidence (text, a correction of a correction, web address,
    file), steps taken and skipped, sent and draft letters, deadlines, notes, events and staff."""
    case = open_for(stokes, text="Mr Hughes is a liar.")
    head = case.opened_by
    first = case.evidence.get()
    second = add_evidence_text(case, text="Mr Hughes is a liar!", label="exact", added_by=head, corrects=first)
    add_evidence_text(case, text="Mr Hughes is a liar!!", label="exact again", added_by=head, corrects=second)
    add_evidence_url(case, url="https://example.org/post/1", seen_on=timezone.localdate(), label="", added_by=head)
    add_evidence_file(case, upload=SimpleUploadedFile("note.txt", b"He stole the trip money."), label="", added_by=head)
    send_letter(draft_letter(case, step_id="discuss", actor=head), actor=head)
    skip_step(case, step_id="meeting", actor=head, reason="Parent refused")
    take_step(case, step_id="warning", actor=head, outcome="Given by hand")
    draft_letter(case, step_id="warning", actor=head)
    add_deadline(case, kind=Deadline.Kind.MEETING, due_at=timezone.now() + dt.timedelta(days=3), actor=head)
    add_note(case, text="Private", author=head)
    add_note(case, text="Shared", author=head, private=False)
    assign(case, user=user("office@stokes-wood.demo"), actor=head)
    add_member(case, user=user("hughes@stokes-wood.demo"), actor=head)
    close_case(case, outcome="Resolved", actor=head)
    return case


ROWS = [Evidence, StepAction, Letter, Deadline, Note, CaseEvent]


def test_the_purge_leaves_nothing_of_the_case(stokes, open_for, user, settings, django_capture_on_commit_callbacks):
    case = full_case(stokes, open_for, user)
    kept = full_case(stokes, open_for, user)
    for model in ROWS:
        assert model.objects.filter(case=case).exists(), model
    assert Evidence.objects.filter(case=case, corrects__corrects__isnull=False).exists()
    assert case.members.exists()
    folder = settings.MEDIA_ROOT / "cases" / "stokes-wood" / str(case.pk)
    assert folder.exists()
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=7 * 366))

    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_expired()

    assert [p["reference"] for p in purged] == [case.reference]
    assert not Case.objects.filter(pk=case.pk).exists()
    for model in ROWS:
        assert not model.objects.filter(case_id=case.pk).exists(), model
    assert not Case.members.through.objects.filter(case_id=case.pk).exists()
    assert not folder.exists()
    entry = AuditEntry.objects.get(action="case.purge")
    assert entry.target_id == str(case.pk)
    assert entry.details["evidence"] == 5 and entry.details["letters"] == 2 and entry.details["notes"] == 2
    assert verify().ok
    # The other case is whole.
    for model in ROWS:
        assert model.objects.filter(case=kept).exists(), model
    assert (settings.MEDIA_ROOT / "cases" / "stokes-wood" / str(kept.pk)).exists()


def test_records_refuse_deletion_outside_the_purge(stokes, open_for, user):
    case = full_case(stokes, open_for, user)
    for records in (case.evidence, case.step_actions, case.notes, case.events):
        with pytest.raises(CaseRecordError):
            records.all().delete()
        with pytest.raises(CaseRecordError):
            records.first().delete()
    with pytest.raises(CaseRecordError):
        case.delete()
    assert case.evidence.count() == 5 and Case.objects.filter(pk=case.pk).exists()
