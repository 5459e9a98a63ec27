"""POST /<school>/cases/<pk>/assess/: the staff assessment, which opens conditional steps."""

from django.urls import reverse

from schoolgate.audit.models import AuditEntry
from schoolgate.cases.closing import close_case
from schoolgate.cases.ladder import StepState, step_row
from schoolgate.cases.models import Case
from schoolgate.cases.staffing import add_member


def url(case):
    return reverse("cases:assess", args=[case.school.slug, case.pk])


def test_it_records_the_assessment_and_opens_the_step(stokes, open_for, login):
    case = open_for(stokes, text="Nothing the judge minds.")
    assert step_row(case, "police").state is StepState.CLOSED
    response = login("dsl@stokes-wood.demo").post(url(case), {"assessments": ["harassment"], "reason": "Messages every night"})
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.assessments == ["harassment"]
    event = case.events.get(kind="assessed")
    assert "Harassment" in event.text and "Messages every night" in event.text and event.by_label == "Daniel Okafor"
    assert event.details == {"before": [], "after": ["harassment"]}
    entry = AuditEntry.objects.get(action="case.assess")
    assert entry.target_id == str(case.pk) and entry.details["after"] == ["harassment"]
    assert step_row(case, "police").state is StepState.AVAILABLE


def test_clearing_every_flag_is_an_assessment_too(stokes, open_for, login):
    case = open_for(stokes, text="Nothing.", assessments=["defamatory"])
    assert login("head@stokes-wood.demo").post(url(case), {"reason": "Withdrawn"}).status_code == 302
    assert Case.objects.get(pk=case.pk).assessments == []


def test_an_unknown_flag_is_refused(stokes, open_for, login):
    case = open_for(stokes, text="Nothing.")
    response = login("head@stokes-wood.demo").post(url(case), {"assessments": ["made_up"]})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).assessments == [] and not case.events.filter(kind="assessed").exists()


def test_a_closed_case_is_not_reassessed(stokes, open_for, login):
    case = open_for(stokes, text="Nothing.")
    close_case(case, outcome="Resolved", actor=case.opened_by)
    response = login("head@stokes-wood.demo").post(url(case), {"assessments": ["racial"]})
    assert response.status_code == 400 and "closed" in response.content.decode()
    assert Case.objects.get(pk=case.pk).assessments == []


def test_teachers_and_get_are_refused(stokes, open_for, login, user):
    case = open_for(stokes, text="Nothing.")
    add_member(case, user=user("hughes@stokes-wood.demo"), actor=case.opened_by)
    assert login("hughes@stokes-wood.demo").post(url(case), {"assessments": ["racial"]}).status_code == 403
    assert login("head@stokes-wood.demo").get(url(case)).status_code == 405
    assert Case.objects.get(pk=case.pk).assessments == []
