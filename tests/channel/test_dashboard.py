"""Channel panels on the dashboard, and the demo data (idempotent, the story waiting first in the queue)."""

from schoolgate.channel.models import Comment, Concern, Notification, Post, Restriction, ReviewItem


def test_moderator_sees_waiting_items(comment_item, login):
    body = login("office@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert "1 item waiting in the review queue" in body


def test_parent_and_teacher_do_not_see_the_queue_panel(comment_item, login):
    for email in ("parent@stokes-wood.demo", "hughes@stokes-wood.demo"):
        assert "waiting in the review queue" not in login(email).get("/stokes-wood/").content.decode()


def test_nav_links(stokes, login):
    assert "/stokes-wood/queue/" in login("office@stokes-wood.demo").get("/stokes-wood/").content.decode()
    parent = login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert "/stokes-wood/channel/" in parent and "/stokes-wood/queue/" not in parent


def test_demo_is_idempotent_and_puts_the_story_first(demo, login):
    from schoolgate.channel.demo import STORY, build

    build()
    counts = (Post.objects.count(), Comment.objects.count(), Concern.objects.count(), Restriction.objects.count(), ReviewItem.objects.count())
    build()
    assert counts == (Post.objects.count(), Comment.objects.count(), Concern.objects.count(), Restriction.objects.count(), ReviewItem.objects.count())
    assert Post.objects.filter(school__slug="high-hesket").exists() and Restriction.objects.filter(school__slug="high-hesket").exists()
    first = ReviewItem.objects.filter(school__slug="stokes-wood", status="pending").order_by("-risk", "-created_at").first()
    assert first.text == STORY
    assert Comment.objects.filter(status="published", school__slug="stokes-wood").exists()


def test_demo_sends_no_mail(demo, django_capture_on_commit_callbacks, mailoutbox):
    from schoolgate.channel.demo import build

    with django_capture_on_commit_callbacks(execute=True):
        build()
    assert Notification.objects.exists() and mailoutbox == []
