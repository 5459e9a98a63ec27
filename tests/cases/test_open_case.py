from django.urls import reverse

from schoolgate.audit.models import AuditEntry
from schoolgate.cases.models import Case
from schoolgate.cases.opening import open_case


def test_open_case_judges_evidence_and_is_audited(stokes, open_for):
    case = open_for(stokes, source="review_queue")
    assert case.parent_name == "Kelly Bennett" and case.parent is not None
    item = case.evidence.get()
    assert item.verdict["findings"][0]["category"] == "allegation"
    assert item.verdict["findings"][0]["clause"]
    assert item.verify()
    assert AuditEntry.objects.filter(action="case.open", target_id=str(case.pk)).exists()
    assert AuditEntry.objects.filter(action="case.evidence").exists()


def test_open_case_unknown_parent(stokes, user):
    case = open_case(stokes, opened_by=user("office@stokes-wood.demo"), concern="An anonymous account", source="chat_scan")
    assert case.subject_name == "Unknown parent/carer"
    assert case.assigned_to == user("office@stokes-wood.demo")


def test_detail_page(stokes, open_for, login):
    case = open_for(stokes)
    response = login("head@stokes-wood.demo").get(reverse("cases:detail", args=["stokes-wood", case.pk]))
    assert response.status_code == 200
    assert b"Kelly Bennett" in response.content
    assert AuditEntry.objects.filter(action="case.view", target_id=str(case.pk)).exists()


def test_open_by_hand(stokes, login):
    client = login("dsl@stokes-wood.demo")
    parent = stokes.people.get(name="Ravi Shah")
    response = client.post(reverse("cases:open", args=["stokes-wood"]), {"parent": parent.pk, "concern": "WhatsApp messages", "evidence_text": "You idiot", "assessments": ["harassment"]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.parent == parent and case.assessments == ["harassment"]
    assert client.post(reverse("cases:open", args=["stokes-wood"]), {"concern": ""}).status_code == 400
