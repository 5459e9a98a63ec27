"""The "who can post" page: a bad membership id from the form is a 400 with a message, never a 500."""

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.schools.models import Membership

URL = "/stokes-wood/channel/posters/"


@pytest.mark.parametrize("membership", ["abc", "1.5", "", "  ", "-1", "0", "99999999999999999999", "1e3"])
def test_a_bad_membership_id_is_refused_and_changes_nothing(stokes, login, membership):
    before = list(Membership.objects.order_by("pk").values_list("pk", "can_post"))
    response = login("head@stokes-wood.demo").post(URL, {"membership": membership, "allowed": "1"})
    assert response.status_code == 400
    assert "Choose a member of staff." in response.content.decode()
    assert list(Membership.objects.order_by("pk").values_list("pk", "can_post")) == before
    assert not AuditEntry.objects.filter(action__startswith="channel.poster.").exists()


def test_a_missing_membership_id_is_refused(stokes, login):
    assert login("head@stokes-wood.demo").post(URL, {"allowed": "1"}).status_code == 400


def test_another_schools_member_is_refused(stokes, hesket, login, user):
    other = Membership.objects.get(user=user("office@high-hesket.demo"), school=hesket)
    response = login("head@stokes-wood.demo").post(URL, {"membership": other.pk, "allowed": "0"})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.can_post


@pytest.mark.parametrize("allowed", ["", "yes", "2"])
def test_a_bad_allowed_value_is_refused(stokes, login, user, allowed):
    desai = Membership.objects.get(user=user("desai@stokes-wood.demo"), school=stokes)
    response = login("head@stokes-wood.demo").post(URL, {"membership": desai.pk, "allowed": allowed})
    assert response.status_code == 400 and "Say whether they may post." in response.content.decode()
    desai.refresh_from_db()
    assert not desai.can_post


def test_the_page_lists_staff_with_their_buttons(stokes, login):
    body = login("office@stokes-wood.demo").get(URL).content.decode()
    assert 'name="membership"' in body and "Grant permission" in body


@pytest.mark.parametrize("path, email", [
    ("queue/{n}/", "head"), ("queue/{n}/decide/", "head"), ("channel/posts/{n}/", "head"), ("channel/posts/{n}/comment/", "parent"),
    ("channel/comments/{n}/rephrase/", "parent"), ("channel/restrictions/{n}/lift/", "head"), ("concerns/{n}/", "head"),
])
def test_an_out_of_range_id_in_the_path_is_a_404(stokes, login, path, email):
    """Every other id the channel's views take comes from the path (`<int:pk>`): too large for the database is "no such thing"."""
    url = "/stokes-wood/" + path.format(n="99999999999999999999")
    client = login(f"{email}@stokes-wood.demo")
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"action": "approve", "version": "1", "text": "x", "response": "x"}).status_code in (404, 405)
