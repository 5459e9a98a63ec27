"""Private concerns: routed by the parent's choice among the policy's channels, seen by those staff only."""

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.channel.models import Concern, Notification
from schoolgate.schools.models import Person

NEW = "/stokes-wood/concerns/new/"


def send(client, **data):
    return client.post(NEW, {"subject": "Reading book", "text": "Olly's reading book has not been changed.", **data})


def test_class_teacher_concern_reaches_the_childs_teacher_only(stokes, login, user):
    olly = Person.objects.get(school=stokes, name="Oliver Bennett")
    response = send(login("parent@stokes-wood.demo"), to="class_teacher", child=olly.pk)
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert list(concern.recipients.all()) == [user("hughes@stokes-wood.demo")] and "Year 4" in concern.routing_note
    assert AuditEntry.objects.filter(action="channel.concern.send").exists()
    assert Notification.objects.filter(user=user("hughes@stokes-wood.demo")).exists()
    url = f"/stokes-wood/concerns/{concern.pk}/"
    assert login("hughes@stokes-wood.demo").get(url).status_code == 200
    assert login("parent@stokes-wood.demo").get(url).status_code == 200
    for email in ("head@stokes-wood.demo", "dsl@stokes-wood.demo", "office@stokes-wood.demo", "desai@stokes-wood.demo", "shah@stokes-wood.demo"):
        assert login(email).get(url).status_code == 404, email
    assert "Reading book" not in login("shah@stokes-wood.demo").get("/stokes-wood/concerns/").content.decode()


def test_a_single_child_is_chosen_for_the_parent(stokes, login, user):
    send(login("parent@stokes-wood.demo"), to="class_teacher")
    assert list(Concern.objects.get().recipients.all()) == [user("hughes@stokes-wood.demo")]


def test_no_class_teacher_on_record_goes_to_the_headteacher(stokes, login, user):
    will = Person.objects.get(school=stokes, name="William Shah")  # Year 2: no Year 2 teacher has an account
    send(login("shah@stokes-wood.demo"), to="class_teacher", child=will.pk)
    concern = Concern.objects.get()
    assert list(concern.recipients.all()) == [user("head@stokes-wood.demo")] and "Headteacher" in concern.routing_note


@pytest.mark.parametrize("to, email", [("headteacher", "head@stokes-wood.demo"), ("chair_of_governors", "governor@stokes-wood.demo")])
def test_headteacher_and_chair(stokes, login, user, to, email):
    send(login("parent@stokes-wood.demo"), to=to)
    assert list(Concern.objects.get().recipients.all()) == [user(email)]


def test_other_childs_id_is_not_accepted(stokes, login):
    will = Person.objects.get(school=stokes, name="William Shah")
    response = send(login("parent@stokes-wood.demo"), to="class_teacher", child=will.pk)
    assert response.status_code == 400 and not Concern.objects.exists()


def test_high_hesket_offers_its_own_channels(hesket, login, user):
    client = login("parent@high-hesket.demo")
    body = client.get("/high-hesket/concerns/new/").content.decode()
    assert "a member of the Governing Body" in body and "formal complaints procedure" in body and "the class teacher" not in body
    refused = client.post("/high-hesket/concerns/new/", {"to": "class_teacher", "subject": "x", "text": "y"})
    assert refused.status_code == 400 and not Concern.objects.exists()
    client.post("/high-hesket/concerns/new/", {"to": "governing_body", "subject": "Trip", "text": "A private word please."})
    assert list(Concern.objects.get().recipients.all()) == [user("governor@high-hesket.demo")]


def test_draft_from_the_comment_form_is_carried_over_unsaved(stokes, login):
    response = login("parent@stokes-wood.demo").post(NEW, {"carry": "1", "text": "Mr Hughes is a useless teacher"})
    assert response.status_code == 200 and "Mr Hughes is a useless teacher" in response.content.decode()
    assert not Concern.objects.exists()


def test_only_a_recipient_replies(stokes, login, user):
    send(login("parent@stokes-wood.demo"), to="headteacher")
    concern = Concern.objects.get()
    url = f"/stokes-wood/concerns/{concern.pk}/"
    login("parent@stokes-wood.demo").post(url, {"response": "I reply to myself"})
    concern.refresh_from_db()
    assert not concern.response
    assert login("office@stokes-wood.demo").post(url, {"response": "x"}).status_code == 404
    assert login("head@stokes-wood.demo").post(url, {"response": "Thank you, I will call you tomorrow."}).status_code == 302
    concern.refresh_from_db()
    assert concern.responded_by_label == "Sarah Patel"
    assert Notification.objects.filter(user=user("parent@stokes-wood.demo"), title="The school replied to your concern").exists()
    assert "I will call you tomorrow" in login("parent@stokes-wood.demo").get(url).content.decode()


def test_xss_in_a_concern_renders_as_text(stokes, login):
    send(login("parent@stokes-wood.demo"), to="headteacher", subject="<b>hi</b>", text="<script>alert(1)</script>")
    concern = Concern.objects.get()
    body = login("head@stokes-wood.demo").get(f"/stokes-wood/concerns/{concern.pk}/").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body and "<b>hi</b>" not in body


def test_member_without_children_cannot_pick_a_class_teacher(stokes, login):
    response = login("governor@stokes-wood.demo").post(NEW, {"to": "class_teacher", "subject": "x", "text": "y"})
    assert response.status_code == 400 and not Concern.objects.exists()
