"""Issue 13's roster items: NUL bytes and over-long fields refused by line, names with other case or accents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schoolgate.schools.models import Guardianship, Person
from schoolgate.schools.roster import RosterError, import_roster

HEADER = "name,role,group,aliases,title,address,email\n"


def _refused(school, data):
    before = Person.objects.filter(school=school).count()
    with pytest.raises(RosterError) as caught:
        import_roster(school, data)
    assert Person.objects.filter(school=school).count() == before
    return caught.value.errors


def test_nul_bytes_are_refused_with_their_line(seeded):
    school = seeded["stokes-wood"]
    errors = _refused(school, HEADER + "Ann Pupil,pupil,Year 1,,,,\nBad\x00Name,pupil,Year 2,,,,\nOk Pupil,pupil,Year 3,,,,\n")
    assert errors == ["line 3: holds a NUL character (a byte of 0), which is not text; save the file again as CSV"]


def test_nul_bytes_in_bytes_input_are_refused(seeded):
    errors = _refused(seeded["stokes-wood"], (HEADER + "Ann\x00,pupil,Year 1,,,,\n").encode())
    assert errors[0].startswith("line 2: holds a NUL character")


@pytest.mark.parametrize(
    "row, message",
    [
        ("Ann Pupil,pupil," + "Y" * 121 + ",,,,", "line 2: the group is longer than 120 characters"),
        ("Ann Pupil,pupil,Year 1," + "A" * 201 + ",,,", "line 2: the alias 'AAAAAAAAAAAAAAAAAAAA…' is longer than 200 characters"),
        ("Ann Pupil,pupil,Year 1,,,," + "a" * 250 + "@example.org", "line 2: the e-mail address is longer than 254 characters"),
        ("Ann Pupil,pupil,Year 1,,Doctor of Philosophy Dr,,", "line 2: the title is longer than 20 characters"),
    ],
)
def test_fields_longer_than_their_columns_are_refused_by_line(seeded, row, message):
    errors = _refused(seeded["stokes-wood"], HEADER + row + "\n")
    assert any(e.startswith(message) for e in errors), errors


def test_parent_row_naming_a_pupil_with_other_case_and_accents_matches(seeded):
    school = seeded["stokes-wood"]
    Person.objects.create(school=school, kind="pupil", name="Émile Zola", group="Year 3")
    result = import_roster(school, "name,role,group,aliases\nMarie Zola,parent,émile zola,\nJo Zola,parent,EMILE ZOLA,\n")
    assert result.links == 2
    assert set(Guardianship.objects.filter(child__name="Émile Zola").values_list("parent__name", flat=True)) == {"Marie Zola", "Jo Zola"}


def test_pupil_in_the_same_file_with_other_case_matches(seeded):
    school = seeded["stokes-wood"]
    result = import_roster(school, "name,role,group,aliases\nÉlodie Ünal,pupil,Year 1,\nSam Ünal,parent,élodie ünal,\n")
    assert result.links == 1


def test_a_name_that_could_be_two_pupils_is_refused_clearly(seeded):
    school = seeded["stokes-wood"]
    Person.objects.create(school=school, kind="pupil", name="Zoé Martin", group="Year 1")
    Person.objects.create(school=school, kind="pupil", name="Zoe Martin", group="Year 5")
    errors = _refused(school, "name,role,group,aliases\nPat Martin,parent,zoë martin,\n")
    assert errors == ["line 2: child 'zoë martin' of Pat Martin could be Zoe Martin or Zoé Martin; write the name exactly as on the roster"]


@pytest.mark.parametrize("content", [
    "name,role,group,aliases\nMarie Zola,parent,émile zola,\n".encode(),
    b"name,role,group,aliases\nBad\x00,pupil,Year 1,\n",
    ("name,role,group,aliases\nAnn,pupil," + "Y" * 500 + ",\n").encode(),
])
def test_the_upload_page_never_gives_a_500(stokes, login, content):
    Person.objects.get_or_create(school=stokes, kind="pupil", name="Émile Zola", defaults={"group": "Year 3"})
    client = login("office@stokes-wood.demo")
    response = client.post(reverse("schools:roster", args=["stokes-wood"]), {"file": SimpleUploadedFile("r.csv", content, "text/csv")})
    assert response.status_code in (302, 400)
