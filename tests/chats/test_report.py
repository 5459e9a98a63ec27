"""The report: breaches by message with clause, spans and context; participants; timeline; PDF; pseudonyms."""

import io

from pypdf import PdfReader

from schoolgate.audit.models import AuditEntry
from schoolgate.chats.models import Participant


def test_report_shows_breaches_with_clause_span_and_context(scanned, login):
    page = login("head@stokes-wood.demo").get(f"/stokes-wood/chats/{scanned.pk}/").content.decode()
    assert "Year 4 Parents" in page and "12 Mar 2024" in page and "16 Mar 2024" in page
    assert '<mark class="breach" title="abuse">idiot</mark>' in page
    assert "sw-consider-2" in page
    assert "make abusive comments about those people" in page  # the clause's own words
    # Context: the message before and after the flagged one.
    assert "Friday I think" in page and "Please keep it civil" in page
    assert "<svg" in page and 'class="timeline"' in page and "<script" not in page.split("<main", 1)[1]
    assert "Download the report (PDF)" in page


def test_non_parents_are_pseudonymised_until_revealed(scanned, login):
    people = {p.name: p for p in Participant.objects.filter(scan=scanned)}
    assert people["Kelly Bennett"].is_parent and people["Ravi Shah"].is_parent
    assert people["Dave Smith"].shown_name == "Participant 1"
    assert people["+44 7700 900555"].shown_name == "Participant 2"
    client = login("head@stokes-wood.demo")
    page = client.get(f"/stokes-wood/chats/{scanned.pk}/").content.decode()
    assert "Dave Smith" not in page and "900555" not in page
    assert "Participant 1" in page and "Kelly Bennett" in page

    # A reason is required; the reveal is audited.
    dave = people["Dave Smith"]
    client.post(f"/stokes-wood/chats/{scanned.pk}/participants/{dave.pk}/reveal/", {"reason": ""})
    assert not AuditEntry.objects.filter(action="chats.participant_revealed").exists()
    response = client.post(f"/stokes-wood/chats/{scanned.pk}/participants/{dave.pk}/reveal/", {"reason": "Meeting with the parent"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="chats.participant_revealed")
    assert entry.details["reason"] == "Meeting with the parent" and entry.actor_label == "head@stokes-wood.demo"
    page = client.get(f"/stokes-wood/chats/{scanned.pk}/").content.decode()
    assert "Dave Smith" in page and "Participant 2" in page


def test_parent_matched_by_phone_alias(stokes, fake_judge, upload, chat_file):
    from schoolgate.chats.models import ChatScan
    from schoolgate.schools.models import Person

    jo = Person.objects.get(school=stokes, name="Joanne Wright")
    jo.aliases = ["Jo Wright", "07700 900555"]
    jo.save()
    upload(chat_file)
    p = Participant.objects.get(scan=ChatScan.objects.get(), name="+44 7700 900555")
    assert p.person == jo and p.shown_name == "+44 7700 900555"


def test_summary_per_participant(scanned):
    from schoolgate.chats.report import for_scan

    report = for_scan(scanned)
    rows = {r.name: r for r in report.summary}
    assert set(rows) == {"Participant 1", "Participant 2", "Kelly Bennett"}
    assert rows["Participant 2"].by_category == [("confidential", 1)]
    assert rows["Kelly Bennett"].first.date().isoformat() == "2024-03-16"
    assert report.breach_count == 3 and len(report.flagged) == 3


def test_report_pdf_renders_with_clause_and_refuses_external_urls(stokes, fake_judge, upload, chat_file, login, output_dir, monkeypatch):
    text = chat_file.read_text() + '17/03/2024, 09:00 - Dave Smith: look <img src="http://example.invalid/x.png"> you idiot\n'
    chat_file.write_text(text)
    upload(chat_file)
    from schoolgate import pdf as pdf_module
    from schoolgate.chats.models import ChatScan

    fetched = []
    real = pdf_module.safe_fetcher

    def spy():
        f = real()
        f.refused = fetched
        return f

    monkeypatch.setattr(pdf_module, "safe_fetcher", spy)
    scan = ChatScan.objects.get()
    response = login("head@stokes-wood.demo").get(f"/stokes-wood/chats/{scan.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (output_dir / "chat-scan-report.pdf").write_bytes(response.content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "sw-consider-2" in text and "sw-conduct-confidential" in text
    assert "Year 4 Parents" in text and "Participant 1" in text and "Dave Smith" not in text
    assert fetched == []  # the chat's <img> was escaped text, so nothing was even asked for
    assert AuditEntry.objects.filter(action="chats.report_downloaded").exists()


def test_pdf_fetcher_refuses_everything_but_inline_data():
    import pytest

    from schoolgate.pdf import safe_fetcher

    f = safe_fetcher()
    for url in ("http://example.com/a.png", "https://example.com/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            f.fetch(url)
    assert f.fetch("data:text/plain,hello") is not None


def test_timeline_svg_buckets():
    from schoolgate.chats.report import timeline_svg

    svg = timeline_svg({"2024-03-01": [5, 0], "2024-03-03": [2, 1]})
    assert svg.startswith("<svg") and svg.count("<rect") == 4  # 3 days (1 empty) + 1 breach bar
    long = timeline_svg({"2023-01-01": [1, 0], "2024-12-01": [1, 1]})
    assert "Jan 2023" in long  # by month over long periods
    assert timeline_svg({}) == ""
