"""Issue 12 fault 2 (roster half): optional title, address and email columns, strictly checked, shown and
editable on the roster page, so letters can be addressed and sent."""

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.schools.models import Person
from schoolgate.schools.roster import RosterError, import_roster

WITH_CONTACTS = '''name,role,group,aliases,title,address,email
Oliver Bennett,pupil,Year 4,Olly,,,
Kelly Bennett,parent,Oliver Bennett,,Mrs,"14 Elm Grove
Leicester
LE3 1AB",kelly@example.org
Ravi Shah,parent,,,,"3 Oak Road; Leicester; LE3 2CD",
'''


def test_optional_columns_import_title_address_and_email(seeded):
    school = seeded["stokes-wood"]
    result = import_roster(school, WITH_CONTACTS)
    assert result.created == 3
    kelly = Person.objects.get(school=school, name="Kelly Bennett")
    assert kelly.title == "Mrs" and kelly.email == "kelly@example.org"
    assert kelly.address == "14 Elm Grove\nLeicester\nLE3 1AB"
    assert Person.objects.get(name="Ravi Shah").address == "3 Oak Road\nLeicester\nLE3 2CD"
    # A later file without the optional columns keeps what is known.
    again = import_roster(school, "name,role,group,aliases\nKelly Bennett,parent,Oliver Bennett,\n")
    assert again.unchanged == 1
    assert Person.objects.get(name="Kelly Bennett").address.startswith("14 Elm Grove")


def test_bad_contact_details_are_refused_by_line_all_or_nothing(seeded):
    school = seeded["stokes-wood"]
    bad = WITH_CONTACTS + "Sam Jones,parent,,,Mrs,1 Road,not-an-email\nAnn Lowe,governor,,,Her Most Excellent Ladyship the Duchess,,\n"
    with pytest.raises(RosterError) as caught:
        import_roster(school, bad)
    errors = caught.value.errors
    assert any(e.startswith("line 7:") and "e-mail" in e for e in errors), errors
    assert any(e.startswith("line 8:") and "title" in e for e in errors), errors
    assert not Person.objects.filter(school=school).exists()


def test_unknown_column_is_refused(seeded):
    with pytest.raises(RosterError, match="line 1"):
        import_roster(seeded["stokes-wood"], "name,role,group,aliases,phone\nA B,pupil,,,\n")


def test_roster_page_shows_and_edits_contact_details(stokes, login):
    office = login("office@stokes-wood.demo")
    page = office.get("/stokes-wood/roster/").content.decode()
    assert "address" in page.lower() and "title" in page.lower()
    ravi = Person.objects.get(school=stokes, name="Ravi Shah")
    response = office.post("/stokes-wood/roster/", {"action": "contact", "person": ravi.pk, "title": "Mr",
                                                    "address": "3 Oak Road\nLeicester\nLE3 2CD", "email": "ravi@example.org"})
    assert response.status_code == 302
    ravi.refresh_from_db()
    assert (ravi.title, ravi.email) == ("Mr", "ravi@example.org") and ravi.address.endswith("LE3 2CD")
    assert AuditEntry.objects.filter(school=stokes, action="roster.contact").exists()
    response = office.post("/stokes-wood/roster/", {"action": "contact", "person": ravi.pk, "email": "nope"})
    assert response.status_code == 400 and "valid email" in response.content.decode().lower()
    ravi.refresh_from_db()
    assert ravi.email == "ravi@example.org"


def test_demo_parents_have_addresses_and_titles(stokes, hesket):
    kelly = Person.objects.get(school=stokes, name="Kelly Bennett")
    assert kelly.title == "Mrs" and kelly.address and kelly.email
    mark = Person.objects.get(school=hesket, name="Mark Robinson")
    assert mark.title == "Mr" and mark.address
