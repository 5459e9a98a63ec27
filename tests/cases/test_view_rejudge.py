"""POST /<school>/cases/<pk>/evidence-item/<eid>/judge/: judging evidence the judge could not check when it came in."""

from django.urls import reverse

from schoolgate.audit.models import AuditEntry
from schoolgate.cases.models import Evidence

TEXT = "Mr Hughes is a liar and stole the trip money."


def url(case, item):
    return reverse("cases:rejudge", args=[case.school.slug, case.pk, item.pk])


def test_held_evidence_is_judged_once(stokes, open_for, login, settings, fake_judge, broken_judge):
    case = open_for(stokes, text=TEXT)  # the judge's model files are missing
    item = case.evidence.get()
    assert item.verdict["unavailable"] and item.verdict["decision"] == "review" and not item.is_judged
    assert item.judge_note
    client = login("head@stokes-wood.demo")
    page = client.get(reverse("cases:detail", args=["stokes-wood", case.pk])).content.decode()
    assert item.judge_note in page and url(case, item) in page and "Run the judge" in page
    assert client.get(url(case, item)).status_code == 405

    settings.SCHOOLGATE_JUDGE = fake_judge  # the model files are back
    response = client.post(url(case, item))
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/cases/{case.pk}/"
    item = Evidence.objects.get(pk=item.pk)
    assert item.is_judged and item.judge_note == ""
    assert {f["category"] for f in item.verdict["findings"]} == {"allegation"}
    assert all(f["clause"] and f["clause_text"] for f in item.verdict["findings"])
    assert AuditEntry.objects.filter(action="case.evidence_judged", target_id=str(item.pk)).count() == 1
    page = client.get(reverse("cases:detail", args=["stokes-wood", case.pk])).content.decode()
    assert "Run the judge" not in page

    # A verdict, once there, stays.
    calls = len(fake_judge.calls)
    response = client.post(url(case, item), follow=True)
    assert response.status_code == 200 and "already has the judge" in response.content.decode()
    assert len(fake_judge.calls) == calls
    assert Evidence.objects.get(pk=item.pk).verdict == item.verdict
    assert AuditEntry.objects.filter(action="case.evidence_judged").count() == 1


def test_a_judged_item_is_never_rejudged(stokes, open_for, login):
    case = open_for(stokes, text=TEXT)
    item = case.evidence.get()
    before = item.verdict
    assert login("dsl@stokes-wood.demo").post(url(case, item)).status_code == 302
    assert Evidence.objects.get(pk=item.pk).verdict == before
    assert not AuditEntry.objects.filter(action="case.evidence_judged").exists()


def test_another_case_item_is_not_found(stokes, open_for, login):
    case, other = open_for(stokes, text=TEXT), open_for(stokes, text=TEXT)
    response = login("head@stokes-wood.demo").post(reverse("cases:rejudge", args=["stokes-wood", case.pk, other.evidence.get().pk]))
    assert response.status_code == 404
