"""A case opened from a chat-scan finding follows the chat report's rule for names: an author who is not a
parent/carer of the school is "Participant N" (frozen into the case's evidence when the case is opened), on
the case page, its chronology and its findings; the words of the messages are quoted as written, as the
report quotes them."""

from django.urls import reverse

from schoolgate.cases.models import Case
from schoolgate.chats import report
from schoolgate.chats.models import ChatFinding


def test_non_parent_authors_stay_participants_on_the_case(scanned, login):
    client = login("head@stokes-wood.demo")
    shown = {p.name: p.shown_name for p in scanned.participants.all()}
    assert shown["Dave Smith"] == "Participant 1" and shown["Kelly Bennett"] == "Kelly Bennett"
    finding = ChatFinding.objects.get(scan=scanned, category="abuse")
    client.post(reverse("chats:open_case", args=["stokes-wood", scanned.pk, finding.pk]))
    case = Case.objects.get()
    evidence = case.evidence.get()
    assert "Participant 1: Mr Hughes is an idiot, honestly" in evidence.text and case.parent_name == "Participant 1"
    assert [f["quote"] for f in evidence.verdict["findings"]] == ["idiot"]
    report_page = client.get(reverse("chats:detail", args=["stokes-wood", scanned.pk])).content.decode()
    for url in (reverse("cases:detail", args=["stokes-wood", case.pk]), reverse("cases:chronology", args=["stokes-wood", case.pk])):
        page = client.get(url).content.decode()
        assert "Dave Smith" not in page and "Participant 1" in page, url
        assert "idiot" in page and "Mr Hughes is an" in page  # the words as written, as in the report
    assert "Dave Smith" not in report_page and "Mr Hughes is an" in report_page
    assert any(line.message.author == "Participant 1" for line in report.for_scan(scanned).flagged)
