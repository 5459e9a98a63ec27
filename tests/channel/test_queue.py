"""The review queue: who may use it, order, highlights, each action, concurrent decisions, notices."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.channel.models import Comment, Notification, ReviewItem
from schoolgate.channel.posts import submit_comment
from schoolgate.channel.queries import suggests_case
from schoolgate.channel.review import AlreadyDecided, Decision, decide

from .conftest import STORY

QUEUE = "/stokes-wood/queue/"


def decide_url(item):
    return f"/stokes-wood/queue/{item.pk}/decide/"


@pytest.mark.parametrize("email, status", [
    ("office@stokes-wood.demo", 200), ("head@stokes-wood.demo", 200), ("dsl@stokes-wood.demo", 200),
    ("hughes@stokes-wood.demo", 403), ("governor@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403),
    ("head@high-hesket.demo", 404),
])
def test_queue_is_for_moderators_of_the_school(comment_item, login, email, status):
    assert login(email).get(QUEUE).status_code == status
    assert login(email).get(f"/stokes-wood/queue/{comment_item.pk}/").status_code == status


@pytest.mark.parametrize("email, status", [("hughes@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403), ("head@high-hesket.demo", 404)])
def test_only_moderators_decide(comment_item, login, email, status):
    assert login(email).post(decide_url(comment_item), {"action": "approve", "version": comment_item.version}).status_code == status
    comment_item.refresh_from_db()
    assert comment_item.status == "pending" and comment_item.comment.status == "pending"


def test_decide_get_is_refused(comment_item, login):
    assert login("office@stokes-wood.demo").get(decide_url(comment_item)).status_code == 405


def test_highest_risk_first_then_newest(post, comment_item, user, login):
    clean = submit_comment(post, author=user("shah@stokes-wood.demo"), text="Will there be a cake stall this year?")
    body = login("office@stokes-wood.demo").get(QUEUE).content.decode()
    assert body.index(f'id="item-{comment_item.pk}"') < body.index(f'id="item-{clean.review_items.get().pk}"')
    newest = login("office@stokes-wood.demo").get(QUEUE + "?sort=newest").content.decode()
    assert newest.index(f'id="item-{clean.review_items.get().pk}"') < newest.index(f'id="item-{comment_item.pk}"')


def test_item_shows_highlights_clause_and_history(comment_item, login):
    body = login("office@stokes-wood.demo").get(QUEUE).content.decode()
    assert "Hughes</mark>" in body and "useless</mark>" in body
    assert "sw-conduct-defamatory" in body or "sw-messaging-abuse-about" in body
    assert "Author history" in body and "nothing earlier" in body


def test_reject_needs_a_reason_and_changes_nothing_without_one(comment_item, login):
    response = login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "reject", "version": comment_item.version})
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    comment_item.refresh_from_db()
    assert comment_item.status == "pending" and not Notification.objects.exists()


def test_reject_with_a_clause_tells_the_author_what_to_do_instead(comment_item, login, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "reject", "version": comment_item.version, "reason_clause": "sw-conduct-allegations"})
    assert response.status_code == 302
    comment_item.refresh_from_db()
    assert comment_item.status == "rejected" and comment_item.decided_by_label == "Janet Lee" and comment_item.reason_clause == "sw-conduct-allegations"
    assert Comment.objects.get().status == "rejected"
    note = Notification.objects.get(user__username="parent@stokes-wood.demo")
    assert note.clause_id == "sw-conduct-allegations" and note.clause_text.startswith("Posting allegations")
    assert "private message" in note.instead and note.url.startswith("/stokes-wood/concerns/new/?post=")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["parent@stokes-wood.demo"]
    assert "sw-conduct-allegations" not in mail.outbox[0].body and "Posting allegations" in mail.outbox[0].body and "What you can do instead" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="channel.review.reject", actor_label="office@stokes-wood.demo").exists()
    page = login("parent@stokes-wood.demo").get("/stokes-wood/channel/notifications/").content.decode()
    assert "Your comment was not published" in page and "Posting allegations" in page


def test_reject_with_a_written_reason(comment_item, login):
    login("head@stokes-wood.demo").post(decide_url(comment_item), {"action": "reject", "version": comment_item.version, "reason_text": "Please speak to us instead."})
    comment_item.refresh_from_db()
    assert comment_item.status == "rejected" and comment_item.reason_text == "Please speak to us instead."


def test_unknown_clause_is_refused(comment_item, login):
    response = login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "reject", "version": comment_item.version, "reason_clause": "hh-racist"})
    assert response.status_code == 400
    comment_item.refresh_from_db()
    assert comment_item.status == "pending"


def test_approved_comment_appears_under_the_post(post, user, login):
    comment = submit_comment(post, author=user("shah@stokes-wood.demo"), text="Thank you, looking forward to it!")
    item = comment.review_items.get()
    assert login("office@stokes-wood.demo").post(decide_url(item), {"action": "approve", "version": item.version}).status_code == 302
    body = login("parent@stokes-wood.demo").get(f"/stokes-wood/channel/posts/{post.pk}/").content.decode()
    assert "Thank you, looking forward to it!" in body and "Ravi Shah" in body
    assert Notification.objects.get(user__username="shah@stokes-wood.demo").title == "Your comment was approved"


def test_edit_and_approve_keeps_the_original(comment_item, login):
    login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "edit", "version": comment_item.version, "edited_text": "I have concerns about Year 4."})
    comment = Comment.objects.get()
    assert comment.status == "published" and comment.text == "I have concerns about Year 4." and comment.original_text == STORY
    comment_item.refresh_from_db()
    assert comment_item.status == "edited" and comment_item.text == STORY and comment_item.edited_text == "I have concerns about Year 4."
    assert AuditEntry.objects.filter(action="channel.review.edit").get().details["original_kept"] is True


def test_edit_needs_text(comment_item, login):
    assert login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "edit", "version": comment_item.version, "edited_text": " "}).status_code == 400
    assert Comment.objects.get().status == "pending"


def test_two_moderators_at_once_only_one_decision_counts(comment_item, client_for):
    office, head = client_for("office@stokes-wood.demo"), client_for("head@stokes-wood.demo")
    # Both load the item; both forms carry the same version.
    assert office.get(f"/stokes-wood/queue/{comment_item.pk}/").status_code == 200
    assert head.get(f"/stokes-wood/queue/{comment_item.pk}/").status_code == 200
    version = comment_item.version
    assert office.post(decide_url(comment_item), {"action": "reject", "version": version, "reason_clause": "sw-conduct-allegations"}).status_code == 302
    second = head.post(decide_url(comment_item), {"action": "approve", "version": version})
    assert second.status_code == 409
    assert "already decided by Janet Lee" in second.content.decode()
    comment_item.refresh_from_db()
    assert comment_item.status == "rejected" and comment_item.decided_by_label == "Janet Lee"
    assert Comment.objects.get().status == "rejected"
    assert AuditEntry.objects.filter(action__startswith="channel.review.").count() == 1
    assert Notification.objects.count() == 1


def test_stale_version_is_refused(comment_item, login):
    response = login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "approve", "version": comment_item.version + 5})
    assert response.status_code == 400
    comment_item.refresh_from_db()
    assert comment_item.status == "pending"


def test_decide_service_locks_and_refuses_second_decision(comment_item, user):
    decision = Decision(action="approve")
    decide(comment_item.school, comment_item.pk, actor=user("dsl@stokes-wood.demo"), version=1, decision=decision)
    with pytest.raises(AlreadyDecided, match="Daniel Okafor"):
        decide(comment_item.school, comment_item.pk, actor=user("office@stokes-wood.demo"), version=1, decision=decision)


def _reject(item, user, clause="sw-conduct-allegations"):
    decide(item.school, item.pk, actor=user("office@stokes-wood.demo"), version=item.version, decision=Decision(action="reject", reason_clause=clause))


def test_three_rejections_in_30_days_suggest_a_case(post, user, login):
    parent = user("parent@stokes-wood.demo")
    for _ in range(3):
        _reject(submit_comment(post, author=parent, text=STORY).review_items.get(), user)
    assert suggests_case(post.school, parent)
    submit_comment(post, author=parent, text="Another one")
    body = login("office@stokes-wood.demo").get(QUEUE).content.decode()
    assert "3 rejected comments in 30 days" in body
    dashboard = login("office@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert "Consider opening a case: Kelly Bennett" in dashboard


def test_threshold_is_the_schools_setting_and_old_rejections_do_not_count(post, user):
    parent, school = user("parent@stokes-wood.demo"), post.school
    school.rejections_before_case = 2
    school.save()
    first = submit_comment(post, author=parent, text=STORY).review_items.get()
    _reject(first, user)
    ReviewItem.objects.filter(pk=first.pk).update(decided_at=timezone.now() - dt.timedelta(days=31))
    _reject(submit_comment(post, author=parent, text=STORY).review_items.get(), user)
    assert not suggests_case(school, parent)
    _reject(submit_comment(post, author=parent, text=STORY).review_items.get(), user)
    assert suggests_case(school, parent)


def test_decided_tab_lists_decisions(comment_item, user, login):
    _reject(comment_item, user)
    body = login("office@stokes-wood.demo").get(QUEUE + "?state=decided").content.decode()
    assert "Rejected by Janet Lee" in body and "Open a case" in body
