"""Roster import: good file, bad rows with line numbers, aliases, idempotent re-import, CLI and page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from schoolgate.audit.models import AuditEntry
from schoolgate.schools.models import Guardianship, Person
from schoolgate.schools.roster import RosterError, import_roster

GOOD = """name,role,group,aliases
Oliver Bennett,pupil,Year 4,Olly
Tom Hughes,staff,Year 4 Teacher,Mr Hughes;Tom
Ann Lowe,governor,Chair of Governors,
Kelly Bennett,parent,Oliver Bennett,
"""


def test_good_file_imports_people_aliases_and_links(seeded):
    school = seeded["stokes-wood"]
    result = import_roster(school, GOOD)
    assert (result.created, result.links) == (4, 1)
    hughes = Person.objects.get(school=school, name="Tom Hughes")
    assert hughes.kind == "staff" and hughes.aliases == ["Mr Hughes", "Tom"] and hughes.group == "Year 4 Teacher"
    assert Guardianship.objects.get(parent__name="Kelly Bennett").child.name == "Oliver Bennett"
    roster = school.roster()
    assert any(p.name == "Oliver Bennett" and p.aliases == ("Olly",) for p in roster.people)
    assert AuditEntry.objects.filter(action="roster.import", school=school).count() == 1


def test_reimport_is_idempotent_and_updates(seeded):
    school = seeded["stokes-wood"]
    import_roster(school, GOOD)
    again = import_roster(school, GOOD)
    assert (again.created, again.updated, again.unchanged, again.links) == (0, 0, 4, 0)
    changed = import_roster(school, GOOD.replace("Year 4,Olly", "Year 5,Olly;Ollie"))
    assert (changed.created, changed.updated) == (0, 1)
    assert Person.objects.get(name="Oliver Bennett").aliases == ["Olly", "Ollie"]
    assert Person.objects.filter(school=school).count() == 4


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(seeded):
    school = seeded["stokes-wood"]
    bad = GOOD + "Someone,teacher,,\n,pupil,Year 1,\nOliver Bennett,pupil,Year 4,\nSam Jones,parent,Nobody Known,\n"
    with pytest.raises(RosterError) as caught:
        import_roster(school, bad)
    errors = caught.value.errors
    assert any(e.startswith("line 6:") and "teacher" in e for e in errors)
    assert any(e.startswith("line 7:") and "name is empty" in e for e in errors)
    assert any(e.startswith("line 8:") and "already on line 2" in e for e in errors)
    assert Person.objects.filter(school=school).count() == 0


def test_unknown_child_is_refused_without_partial_import(seeded):
    school = seeded["stokes-wood"]
    with pytest.raises(RosterError) as caught:
        import_roster(school, "name,role,group,aliases\nAnn Pupil,pupil,Year 1,\nSam Jones,parent,Nobody Known,\n")
    assert caught.value.errors == ["line 3: child 'Nobody Known' of Sam Jones is not a pupil on the roster"]
    assert not Person.objects.filter(school=school).exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"first,last\nA,B\n", "header must be name,role,group,aliases"),
        (b"\xff\xfe\x00n\x00a", "not UTF-8"),
    ],
)
def test_unreadable_files_get_a_clear_error(seeded, content, message):
    with pytest.raises(RosterError) as caught:
        import_roster(seeded["stokes-wood"], content)
    assert message in caught.value.errors[0]


def test_cli_import(seeded, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(GOOD)
    call_command("roster", "import", str(path), "--school", "high-hesket")
    assert "4 added" in capsys.readouterr().out
    assert Person.objects.filter(school=seeded["high-hesket"]).count() == 4
    path.write_text("name,role\nX,alien\n")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("roster", "import", str(path), "--school", "high-hesket")
    with pytest.raises(CommandError, match="No school"):
        call_command("roster", "import", str(path), "--school", "nowhere")


def test_upload_page_for_office(stokes, login):
    client = login("office@stokes-wood.demo")
    response = client.post(f"/{stokes.slug}/roster/", {"file": SimpleUploadedFile("r.csv", GOOD.replace("Tom Hughes", "Tom Hughes-Smith").encode())})
    assert response.status_code == 302
    assert Person.objects.filter(school=stokes, name="Tom Hughes-Smith").exists()
    before = Person.objects.count()
    response = client.post(f"/{stokes.slug}/roster/", {"file": SimpleUploadedFile("r.csv", b"name,role,group,aliases\nX,alien,,\n")})
    assert response.status_code == 400
    assert "line 2" in response.content.decode() and Person.objects.count() == before


def test_upload_page_refuses_teachers_parents_and_get_shows_form(stokes, login):
    assert login("hughes@stokes-wood.demo").get(f"/{stokes.slug}/roster/").status_code == 403
    assert login("parent@stokes-wood.demo").post(f"/{stokes.slug}/roster/", {}).status_code == 403
    assert login("office@stokes-wood.demo").get(f"/{stokes.slug}/roster/").status_code == 200
