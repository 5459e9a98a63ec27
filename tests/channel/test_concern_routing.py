"""Issue 12, fault 4: a concern naming a member of staff never goes to that person; the next person in the
policy's line reads it and the parent is told why. Nothing is pre-selected, the post's link is kept, and
errors follow the GOV.UK pattern (a summary linking to each field, a specific message under each field)."""

import re

from schoolgate.channel.models import Concern
from schoolgate.schools.models import Person

NEW = "/stokes-wood/concerns/new/"


def test_nobody_is_pre_selected(stokes, login):
    body = login("parent@stokes-wood.demo").get(NEW).content.decode()
    radios = re.findall(r'<input[^>]*name="to"[^>]*>', body)
    assert len(radios) == 3 and not any("checked" in r for r in radios)
    assert "<fieldset" in body and "<legend" in body


def test_a_concern_about_the_class_teacher_goes_to_the_headteacher(stokes, login, user):
    olly = Person.objects.get(school=stokes, name="Oliver Bennett")
    response = login("parent@stokes-wood.demo").post(NEW, {"to": "class_teacher", "child": olly.pk, "subject": "Homework",
                                                          "text": "Mr Hughes shouted at Olly in front of the class."})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert list(concern.recipients.all()) == [user("head@stokes-wood.demo")]
    assert "Mr Hughes" in concern.routing_note and "Headteacher" in concern.routing_note
    page = login("parent@stokes-wood.demo").get(response["Location"]).content.decode()
    assert "Mr Hughes" in page and "not sent to" in page
    assert login("hughes@stokes-wood.demo").get(response["Location"]).status_code == 404


def test_a_concern_about_the_headteacher_goes_to_the_chair(stokes, login, user):
    login("parent@stokes-wood.demo").post(NEW, {"to": "headteacher", "subject": "A complaint", "text": "Mrs Patel did not answer my letters."})
    concern = Concern.objects.get()
    assert list(concern.recipients.all()) == [user("governor@stokes-wood.demo")]
    assert "Chair of Governors" in concern.routing_note


def test_high_hesket_head_named_goes_to_the_chair(hesket, login, user):
    login("parent@high-hesket.demo").post("/high-hesket/concerns/new/", {"to": "headteacher", "subject": "Trip", "text": "Mr Armstrong cancelled the trip."})
    assert list(Concern.objects.get().recipients.all()) == [user("governor@high-hesket.demo")]


def test_the_form_warns_when_the_draft_names_staff(stokes, login):
    body = login("parent@stokes-wood.demo").post(NEW, {"carry": "1", "text": "Mr Hughes is a useless teacher"}).content.decode()
    assert "Mr Hughes" in body and "will not be sent to" in body


def test_the_link_to_the_post_is_kept(post, login):
    client = login("parent@stokes-wood.demo")
    body = client.post(NEW, {"carry": "1", "post": post.pk, "text": "Mr Hughes is a useless teacher"}).content.decode()
    assert f'href="/stokes-wood/channel/posts/{post.pk}/"' in body and f'name="post" value="{post.pk}"' in body
    response = client.post(NEW, {"to": "headteacher", "post": post.pk, "subject": "Sports day", "text": "Can we talk about sports day?"})
    concern = Concern.objects.get()
    assert concern.post == post
    head_page = login("head@stokes-wood.demo").get(f"/stokes-wood/concerns/{concern.pk}/").content.decode()
    assert f'href="/stokes-wood/channel/posts/{post.pk}/"' in head_page and response.status_code == 302


def test_a_post_the_parent_cannot_see_is_not_linked(year4_post, login):
    client = login("shah@stokes-wood.demo")  # Year 2 parent: the Year 4 post is not theirs to see
    response = client.post(NEW, {"to": "headteacher", "post": year4_post.pk, "subject": "x", "text": "y"})
    assert response.status_code == 302 and Concern.objects.get().post is None


def test_errors_are_summarised_and_tied_to_their_fields(stokes, login):
    response = login("parent@stokes-wood.demo").post(NEW, {})
    body = response.content.decode()
    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', body, re.S).group(0)
    for field in ("to", "subject", "text"):
        assert f'href="#id_{field}' in summary, field
    assert "Choose who should read your message" in body
    assert "Enter a subject" in body and "Write your message" in body
    assert "This field is required." not in body
    # Each message sits with its own field.
    form = body[body.index("<h1>Message the school"):]
    assert form.index("Enter a subject") < form.index('id="id_subject"') < form.index("Write your message") < form.index('id="id_text"')
    assert form.index("Choose who should read your message") < form.index('id="id_to_0"')
