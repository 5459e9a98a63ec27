"""Opening a case from an item the review queue rejected (a cases view the queue links to by its hook)."""

import pytest

from schoolgate.cases.models import Case
from schoolgate.channel.models import ReviewItem
from schoolgate.channel.posts import submit_comment, submit_post
from schoolgate.channel.review import Decision, decide

STORY = "Mr Hughes is a useless teacher and everyone knows it"


@pytest.fixture
def comment_item(stokes, user):
    post = submit_post(stokes, author=user("head@stokes-wood.demo"), text="Sports day is on Friday.", audience="school")
    comment = submit_comment(post, author=user("parent@stokes-wood.demo"), text=STORY)
    return ReviewItem.objects.get(comment=comment)


def _reject(item, user):
    decide(item.school, item.pk, actor=user("office@stokes-wood.demo"), version=item.version,
                    decision=Decision(action="reject", reason_clause="sw-conduct-allegations"))


def url(item):
    return f"/stokes-wood/cases/from-review/{item.pk}/"


def test_open_a_case_from_a_rejected_item(comment_item, user, login):
    _reject(comment_item, user)
    assert login("head@stokes-wood.demo").get(url(comment_item)).status_code == 405
    assert login("hughes@stokes-wood.demo").post(url(comment_item)).status_code == 403
    assert login("head@high-hesket.demo").post(url(comment_item)).status_code == 404
    assert not Case.objects.exists()

    response = login("head@stokes-wood.demo").post(url(comment_item))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/cases/{case.pk}/"
    assert case.source == "review_queue" and case.parent_user == user("parent@stokes-wood.demo")
    # On the school's own forum, and the fake judge's "useless" is a complaint (no matching flag).
    assert case.assessments == ["on_school_forum"]
    assert case.evidence.filter(text=STORY).exists()


def test_the_queue_shows_the_button_and_then_the_open_case(comment_item, user, login):
    office = login("office@stokes-wood.demo")
    assert url(comment_item) not in office.get(f"/stokes-wood/queue/{comment_item.pk}/").content.decode()  # pending: no button
    _reject(comment_item, user)
    page = office.get(f"/stokes-wood/queue/{comment_item.pk}/").content.decode()
    assert url(comment_item) in page and "Open a case" in page
    login("head@stokes-wood.demo").post(url(comment_item))
    case = Case.objects.get()
    page = office.get(f"/stokes-wood/queue/{comment_item.pk}/").content.decode()
    assert f"open case {case.reference}" in page and f"/stokes-wood/cases/{case.pk}/" in page


def test_a_pending_item_cannot_become_a_case(comment_item, login):
    response = login("head@stokes-wood.demo").post(url(comment_item))
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/queue/{comment_item.pk}/"
    assert not Case.objects.exists()
