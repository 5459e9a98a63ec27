"""Restrictions: moderators set them with a reason and an end date; the parent sees them; they expire."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolgate.audit.models import AuditEntry
from schoolgate.channel.errors import ChannelError
from schoolgate.channel.models import Comment, Restriction
from schoolgate.channel.posts import submit_comment
from schoolgate.channel.restrictions import active_restriction, restrict

URL = "/stokes-wood/channel/restrictions/"


def in_days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def test_moderator_restricts_a_parent_who_sees_it(stokes, login, user, post):
    parent = user("parent@stokes-wood.demo")
    response = login("office@stokes-wood.demo").post(URL, {"user": parent.pk, "kind": "hold", "reason": "Three complaints about staff this month.", "ends_on": in_days(10).isoformat()})
    assert response.status_code == 302
    restriction = Restriction.objects.get()
    assert restriction.is_active() and restriction.created_by_label == "Janet Lee"
    assert AuditEntry.objects.filter(action="channel.restrict", school=stokes).exists()
    dashboard = login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert f"until {in_days(10):%-d %B %Y}" in dashboard and "Three complaints about staff this month." in dashboard
    channel = login("parent@stokes-wood.demo").get("/stokes-wood/channel/").content.decode()
    assert "all your comments are held" in channel


@pytest.mark.parametrize("email, status", [("hughes@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403), ("governor@stokes-wood.demo", 403), ("head@high-hesket.demo", 404)])
def test_only_moderators_restrict(stokes, login, user, email, status):
    data = {"user": user("shah@stokes-wood.demo").pk, "kind": "no_comment", "reason": "x", "ends_on": in_days(3).isoformat()}
    assert login(email).post(URL, data).status_code == status
    assert login(email).get(URL).status_code == status
    assert not Restriction.objects.exists()


def test_bad_input_is_refused(stokes, login, user):
    client = login("head@stokes-wood.demo")
    assert client.post(URL, {"user": user("shah@stokes-wood.demo").pk, "kind": "hold", "reason": "x", "ends_on": in_days(-1).isoformat()}).status_code == 400
    assert client.post(URL, {"user": user("hughes@stokes-wood.demo").pk, "kind": "hold", "reason": "x", "ends_on": in_days(2).isoformat()}).status_code == 400
    assert client.post(URL, {"user": user("shah@stokes-wood.demo").pk, "kind": "ban", "reason": "x", "ends_on": in_days(2).isoformat()}).status_code == 400
    assert client.post(URL, {"user": user("shah@stokes-wood.demo").pk, "kind": "hold", "reason": "", "ends_on": in_days(2).isoformat()}).status_code == 400
    assert not Restriction.objects.exists()


def test_restriction_expires_after_its_last_day(stokes, user, post):
    parent = user("parent@stokes-wood.demo")
    restriction = restrict(stokes, user=parent, kind="no_comment", reason="Abuse", ends_on=timezone.localdate(), actor=user("head@stokes-wood.demo"))
    assert active_restriction(stokes, parent) == restriction  # the end date is the last day it applies
    assert not restriction.is_active(today=in_days(1))
    Restriction.objects.filter(pk=restriction.pk).update(ends_on=in_days(-1))
    assert active_restriction(stokes, parent) is None
    submit_comment(post, author=parent, text="Thank you!")
    assert Comment.objects.count() == 1


def test_expired_restriction_no_longer_shows(stokes, user, login):
    parent = user("parent@stokes-wood.demo")
    restrict(stokes, user=parent, kind="no_comment", reason="Abuse", ends_on=in_days(1), actor=user("head@stokes-wood.demo"))
    Restriction.objects.update(ends_on=in_days(-2))
    assert "You are restricted" not in login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert "ended" in login("office@stokes-wood.demo").get(URL).content.decode()


def test_lift(stokes, user, login):
    restriction = restrict(stokes, user=user("shah@stokes-wood.demo"), kind="hold", reason="x", ends_on=in_days(5), actor=user("head@stokes-wood.demo"))
    url = f"/stokes-wood/channel/restrictions/{restriction.pk}/lift/"
    assert login("office@stokes-wood.demo").get(url).status_code == 405
    assert login("hughes@stokes-wood.demo").post(url).status_code == 403
    assert login("office@stokes-wood.demo").post(url).status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_by_label == "Janet Lee" and not restriction.is_active()
    assert AuditEntry.objects.filter(action="channel.restriction.lift").count() == 1
    login("office@stokes-wood.demo").post(url)  # twice: told, nothing changes
    assert AuditEntry.objects.filter(action="channel.restriction.lift").count() == 1


def test_restrict_service_contract(stokes, user):
    """The Cases engineer's "notice of restriction" step calls exactly this."""
    r = restrict(stokes, user=user("parent@stokes-wood.demo"), kind="no_comment", reason="Notice of restriction letter", ends_on=in_days(30), actor=user("head@stokes-wood.demo"))
    assert isinstance(r, Restriction) and r.kind == "no_comment" and r.ends_on == in_days(30)
    with pytest.raises(ChannelError):
        restrict(stokes, user=user("parent@high-hesket.demo"), kind="hold", reason="x", ends_on=in_days(3), actor=None)
