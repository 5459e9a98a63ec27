"""POST /<school>/cases/<pk>/staff/: leadership assign a case to an office member or add staff to it."""

import pytest
from django.urls import reverse

from schoolgate.audit.models import AuditEntry
from schoolgate.cases.closing import close_case
from schoolgate.cases.models import Case


def url(case):
    return reverse("cases:staff_access", args=[case.school.slug, case.pk])


def test_assign_to_the_office(stokes, open_for, login, user):
    case = open_for(stokes)
    office = user("office@stokes-wood.demo")
    assert login("office@stokes-wood.demo").get(reverse("cases:detail", args=["stokes-wood", case.pk])).status_code == 404
    response = login("head@stokes-wood.demo").post(url(case), {"user": office.pk, "what": "assign"})
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.assigned_to == office and not case.members.exists()
    assert case.events.get(kind="assigned").text == "Assigned to Janet Lee"
    assert "assigned to Janet Lee" in AuditEntry.objects.get(action="case.assign").summary
    assert login("office@stokes-wood.demo").get(reverse("cases:detail", args=["stokes-wood", case.pk])).status_code == 200


def test_add_a_teacher(stokes, open_for, login, user):
    case = open_for(stokes)
    teacher = user("hughes@stokes-wood.demo")
    assert login("dsl@stokes-wood.demo").post(url(case), {"user": teacher.pk, "what": "add"}).status_code == 302
    assert list(case.members.all()) == [teacher] and Case.objects.get(pk=case.pk).assigned_to is None
    assert case.events.get(kind="member").text == "Tom Hughes added to the case"
    assert AuditEntry.objects.filter(action="case.add_member").exists()


@pytest.mark.parametrize("who", ["parent@stokes-wood.demo", "head@high-hesket.demo"])
def test_only_this_school_staff_can_be_chosen(stokes, open_for, login, user, who):
    case = open_for(stokes)
    response = login("head@stokes-wood.demo").post(url(case), {"user": user(who).pk, "what": "add"})
    assert response.status_code == 400 and "Choose a member of staff" in response.content.decode()
    assert not case.members.exists() and not case.events.filter(kind="member").exists()


def test_a_closed_case_keeps_its_staff(stokes, open_for, login, user):
    case = open_for(stokes)
    close_case(case, outcome="Resolved", actor=case.opened_by)
    response = login("head@stokes-wood.demo").post(url(case), {"user": user("office@stokes-wood.demo").pk, "what": "assign"})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_only_leadership_and_only_post(stokes, open_for, login, user):
    case = open_for(stokes)
    office = user("office@stokes-wood.demo")
    case.assigned_to = office
    case.save(update_fields=["assigned_to"])
    assert login("office@stokes-wood.demo").post(url(case), {"user": user("hughes@stokes-wood.demo").pk, "what": "add"}).status_code == 403
    assert login("head@stokes-wood.demo").get(url(case)).status_code == 405
    assert not case.members.exists()
