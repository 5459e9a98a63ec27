"""Issue 12: the chat closure letter gets what the case letters got: the administrator's postal address and
"Dear Mrs Bennett" where the roster knows them, the date in words, the policy's headings (never clause ids)
and one page; the closure page's errors in an error summary tied to their fields."""

import io
import re

from pypdf import PdfReader

from schoolgate.chats.models import ClosureRequest
from schoolgate.schools.models import Person

CLAUSE_ID = re.compile(r"\b(sw|hh)-[a-z0-9-]+")
LONG_DATE = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b")


def _on_roster(scanned):
    Person.objects.create(school=scanned.school, kind="parent", name="Dave Smith", title="Mr",
                          address="7 Mill Lane\nBraunstone\nLeicester\nLE3 2AA", email="dave@example.org")


def test_the_suggested_letter_is_addressed_from_the_roster(scanned, login):
    _on_roster(scanned)
    page = login("head@stokes-wood.demo").get(f"/stokes-wood/chats/{scanned.pk}/closure/").content.decode()
    assert "Dear Mr Smith," in page and "Dear Dave Smith," not in page
    assert "7 Mill Lane" in page and 'value="dave@example.org"' in page


def test_the_letter_has_the_address_a_long_date_no_clause_id_and_one_page(scanned, login, output_dir):
    _on_roster(scanned)
    client = login("head@stokes-wood.demo")
    page = client.get(f"/stokes-wood/chats/{scanned.pk}/closure/").content.decode()
    body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    import html

    response = client.post(f"/stokes-wood/chats/{scanned.pk}/closure/", {
        "administrator_name": "Dave Smith", "administrator_email": "", "administrator_address": "7 Mill Lane\nBraunstone\nLeicester\nLE3 2AA",
        "body": html.unescape(body).strip(),
    })
    assert response.status_code == 302
    pdf = bytes(ClosureRequest.objects.get().pdf)
    (output_dir / "chat-closure-letter.pdf").write_bytes(pdf)
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert len(pages) == 1, len(pages)
    assert "Dear Mr Smith," in text and "7 Mill Lane" in text and "LE3 2AA" in text
    assert LONG_DATE.search(text) and not re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}/\d{2}/\d{4}\b", text)
    assert not CLAUSE_ID.search(text)


def test_a_case_from_a_finding_names_the_clause_in_words(scanned, login):
    from schoolgate.cases.models import Case

    finding = scanned.findings.exclude(clause="").exclude(clause__isnull=True).first()
    login("head@stokes-wood.demo").post(f"/stokes-wood/chats/{scanned.pk}/findings/{finding.pk}/case/")
    concern = Case.objects.get().concern
    assert not CLAUSE_ID.search(concern), concern
    assert "_" not in concern, concern


def test_closure_errors_are_summarised_and_tied_to_fields(scanned, login):
    import html

    response = login("head@stokes-wood.demo").post(f"/stokes-wood/chats/{scanned.pk}/closure/", {"administrator_name": "", "body": "", "administrator_email": "nope"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert 'class="error-summary"' in page and 'href="#id_administrator_name"' in page
    assert "Enter the name of the group's administrator." in page and "Enter an e-mail address like name@example.org." in page
    assert 'id="id_administrator_email_error"' in page and "This field is required." not in page
