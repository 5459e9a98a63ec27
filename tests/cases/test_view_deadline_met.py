"""POST /<school>/cases/<pk>/deadlines/<did>/met/: marking a deadline as dealt with."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.cases.deadlines import add_deadline
from schoolgate.cases.models import Deadline
from schoolgate.cases.staffing import add_member


def url(case, deadline):
    return reverse("cases:deadline_met", args=[case.school.slug, case.pk, deadline.pk])


def overdue(case):
    return add_deadline(case, kind=Deadline.Kind.REMOVAL, due_at=timezone.now() - dt.timedelta(days=1), actor=case.opened_by)


def test_dealt_with_once(stokes, open_for, login, user):
    case = open_for(stokes)
    deadline = overdue(case)
    client = login("head@stokes-wood.demo")
    page = client.get(reverse("cases:detail", args=["stokes-wood", case.pk])).content.decode()
    assert url(case, deadline) in page
    response = client.post(url(case, deadline), {"note": "Post taken down"})
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/cases/{case.pk}/"
    deadline.refresh_from_db()
    assert deadline.met_at and deadline.met_by == user("head@stokes-wood.demo") and deadline.met_note == "Post taken down"
    assert not deadline.is_overdue
    assert "Post taken down" in case.events.get(kind="deadline_met").text
    assert AuditEntry.objects.filter(action="case.deadline_met", target_id=str(case.pk)).count() == 1
    # A second time is refused with a message; the first record stands.
    response = client.post(url(case, deadline), {"note": "again"}, follow=True)
    assert "already marked as dealt with" in response.content.decode()
    assert Deadline.objects.get(pk=deadline.pk).met_note == "Post taken down"
    assert AuditEntry.objects.filter(action="case.deadline_met").count() == 1


def test_get_teachers_and_other_cases_are_refused(stokes, open_for, login, user):
    case, other = open_for(stokes), open_for(stokes)
    deadline = overdue(case)
    add_member(case, user=user("hughes@stokes-wood.demo"), actor=case.opened_by)
    assert login("head@stokes-wood.demo").get(url(case, deadline)).status_code == 405
    assert login("hughes@stokes-wood.demo").post(url(case, deadline)).status_code == 403
    wrong_case = reverse("cases:deadline_met", args=["stokes-wood", other.pk, deadline.pk])
    assert login("head@stokes-wood.demo").post(wrong_case).status_code == 404
    assert Deadline.objects.get(pk=deadline.pk).met_at is None
