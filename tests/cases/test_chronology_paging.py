"""A long chronology (a case's, and a parent's across cases) is shown a page at a time; the PDF, which is
what gets printed, keeps every entry; nonsense page numbers show a page, never an error."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from schoolgate.cases import chronology as chron
from schoolgate.cases.notes import add_note
from schoolgate.cases.views import CHRONOLOGY_PER_PAGE

SW = "stokes-wood"
NOTES = 300


@pytest.fixture
def long_case(stokes, open_for):
    case = open_for(stokes)
    for n in range(NOTES):
        add_note(case, text=f"Chronology note {n:03d}.", author=case.opened_by, private=False)
    return case


def rows(html):
    return re.findall(r'<tr class="chron-[a-z_]+">.*?</tr>', html, re.S)


@pytest.mark.parametrize("which", ["case", "parent"])
def test_a_300_entry_chronology_shows_one_page_and_page_links(long_case, login, which):
    case = long_case
    client = login("head@stokes-wood.demo")
    if which == "case":
        url = reverse("cases:chronology", args=[SW, case.pk])
        entries = chron.for_case(case, include_private=True)
    else:
        url = reverse("cases:parent", args=[SW, case.parent.pk])
        entries = chron.for_cases([case], include_private=True, school=case.school, user=case.parent.user)
    total = len(entries)
    assert total > NOTES
    texts = [e["text"] for e in entries]

    first = client.get(url)
    html = first.content.decode()
    assert first.status_code == 200 and len(rows(html)) == CHRONOLOGY_PER_PAGE
    assert f"Page 1 of {-(-total // CHRONOLOGY_PER_PAGE)} (1–{CHRONOLOGY_PER_PAGE} of {total})" in html
    assert 'href="?page=2" rel="next"' in html and 'rel="prev"' not in html
    assert texts[CHRONOLOGY_PER_PAGE - 1] in html and texts[CHRONOLOGY_PER_PAGE] not in html
    # The page says the PDF is the whole chronology (for printing); printing this page would miss entries.
    assert "?format=pdf" in html and "data-print" not in html
    assert "style=" not in html.split("<main", 1)[-1] and "onclick" not in html

    second = client.get(url + "?page=2").content.decode()
    assert len(rows(second)) == min(CHRONOLOGY_PER_PAGE, total - CHRONOLOGY_PER_PAGE)
    assert texts[CHRONOLOGY_PER_PAGE] in second and texts[CHRONOLOGY_PER_PAGE - 1] not in second
    assert 'href="?page=1" rel="prev"' in second and 'href="?page=3" rel="next"' in second


def test_bad_page_numbers_answer_a_page(long_case, login):
    case = long_case
    client = login("head@stokes-wood.demo")
    url = reverse("cases:chronology", args=[SW, case.pk])
    total = len(chron.for_case(case, include_private=True))
    last = -(-total // CHRONOLOGY_PER_PAGE)
    for bad, shown in (("abc", 1), ("", 1), ("1.5", 1), ("999", last), ("-1", 1), ("0", 1)):
        response = client.get(url, {"page": bad})
        assert response.status_code == 200, bad
        assert f"Page {shown} of {last}" in response.content.decode(), bad


def test_the_pdf_chronology_keeps_every_entry(long_case, login, prepare):
    case = long_case
    client = login("head@stokes-wood.demo")
    response = prepare(client, reverse("cases:case_export", args=[SW, case.pk, "chronology-pdf"]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content)
                                                                          if response.streaming else response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert all(f"Chronology note {n:03d}." in text for n in range(NOTES))


def test_a_short_chronology_has_no_page_links_and_can_be_printed(stokes, open_for, login):
    case = open_for(stokes)
    html = login("head@stokes-wood.demo").get(reverse("cases:chronology", args=[SW, case.pk])).content.decode()
    assert "govuk-pagination" not in html and "data-print" in html
