"""A case with many items and notes shows them a page at a time; every item can still be corrected."""

import re

from django.urls import reverse

from schoolgate.cases.evidence_changes import add_evidence_text
from schoolgate.cases.notes import add_note

SW = "stokes-wood"


def test_evidence_and_notes_are_paged_and_keep_each_others_page(stokes, open_for, login):
    case = open_for(stokes)
    for n in range(29):
        add_evidence_text(case, text=f"Post number {n}", label=f"Item {n}", added_by=case.opened_by)
    for n in range(27):
        add_note(case, text=f"Note number {n}", author=case.opened_by, private=False)
    items = list(case.evidence.order_by("id").values_list("pk", flat=True))
    client = login("head@stokes-wood.demo")
    url = reverse("cases:detail", args=[SW, case.pk])
    page = client.get(url).content.decode()
    shown = [int(pk) for pk in re.findall(r'id="evidence-(\d+)"', page)]
    assert shown == items[:25]
    assert "Evidence (30)" in page and "Page 1 of 2 (1–25 of 30)" in page
    assert "Note number 26" in page and "Note number 1<" not in page  # newest notes first
    # Every item can be corrected from any page.
    assert all(f'<option value="{pk}">E{pk}</option>' in page for pk in items)
    assert "style=" not in page and "onclick" not in page
    second = client.get(url + "?evidence_page=2&notes_page=2").content.decode()
    assert [int(pk) for pk in re.findall(r'id="evidence-(\d+)"', second)] == items[25:]
    assert "Note number 1<" in second and "Note number 26" not in second
    assert 'href="?evidence_page=1&amp;notes_page=2#evidence"' in second
    # Nonsense page numbers show a page, never an error.
    assert client.get(url + "?evidence_page=abc&notes_page=999").status_code == 200


def test_roster_and_audit_log_are_paged(stokes, login):
    from schoolgate.schools.models import Person

    total = Person.objects.filter(school=stokes).count() + 150
    Person.objects.bulk_create([Person(school=stokes, kind="pupil", name=f"Pupil {n:04d}", group="Year 1") for n in range(150)])
    client = login("head@stokes-wood.demo")
    people = client.get(reverse("schools:roster", args=[SW])).context["people"]
    assert len(people) == 100 and people.paginator.count == total and people.next_url == "?page=2"
    last = client.get(reverse("schools:roster", args=[SW]) + "?page=99").context["people"]
    assert last.number == 2 and len(last) == total - 100 and last.previous_url == "?page=1"
    audit = client.get(reverse("schools:audit", args=[SW]) + "?page=abc")
    assert audit.status_code == 200 and audit.context["entries"].number == 1
