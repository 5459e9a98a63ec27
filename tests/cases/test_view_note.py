"""POST /<school>/cases/<pk>/notes/: staff notes, private unless staff say otherwise."""

from django.urls import reverse

from schoolgate.audit.models import AuditEntry
from schoolgate.cases.closing import close_case
from schoolgate.cases.staffing import add_member


def url(case):
    return reverse("cases:note", args=[case.school.slug, case.pk])


def test_a_private_note(stokes, open_for, login):
    case = open_for(stokes)
    response = login("dsl@stokes-wood.demo").post(url(case), {"text": "  Spoke to Mrs Bennett.  ", "private": "on"})
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/cases/{case.pk}/"
    note = case.notes.get()
    assert note.text == "Spoke to Mrs Bennett." and note.private and note.author_label == "Daniel Okafor"
    assert AuditEntry.objects.get(action="case.note").target_id == str(note.pk)


def test_an_unticked_box_makes_a_shared_note(stokes, open_for, login):
    case = open_for(stokes)
    assert login("head@stokes-wood.demo").post(url(case), {"text": "Parent phoned back"}).status_code == 302
    assert not case.notes.get().private


def test_an_empty_note_is_refused(stokes, open_for, login):
    case = open_for(stokes)
    assert login("head@stokes-wood.demo").post(url(case), {"text": "   "}).status_code == 400
    assert not case.notes.exists()


def test_a_note_after_closing(stokes, open_for, login):
    case = open_for(stokes)
    close_case(case, outcome="Resolved", actor=case.opened_by)
    assert login("head@stokes-wood.demo").post(url(case), {"text": "Parent thanked us"}).status_code == 302
    assert case.notes.count() == 1


def test_added_staff_may_write_others_may_not(stokes, open_for, login, user):
    case = open_for(stokes)
    assert login("hughes@stokes-wood.demo").post(url(case), {"text": "Seen"}).status_code == 404  # cannot see the case
    add_member(case, user=user("hughes@stokes-wood.demo"), actor=case.opened_by)
    assert login("hughes@stokes-wood.demo").post(url(case), {"text": "Seen"}).status_code == 302
    assert login("parent@stokes-wood.demo").post(url(case), {"text": "Mine"}).status_code == 403
    assert login("head@stokes-wood.demo").get(url(case)).status_code == 405
    assert list(case.notes.values_list("author_label", flat=True)) == ["Tom Hughes"]
