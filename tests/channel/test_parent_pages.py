"""Issue 12, fault 8: no dead ends for parents. The public policy has a way back; the parent's home says
what they can do; a rejection says which comment, cites the clause in plain words and links the private
message; a "keeping your child safe online" page draws on the policy's Responsibility section."""

import re

from schoolgate.channel.models import Notification

from .conftest import STORY


def test_the_public_policy_page_has_a_way_back(stokes, login, client):
    body = login("parent@stokes-wood.demo").get("/stokes-wood/policy/").content.decode()
    assert re.search(r'<a[^>]*href="/stokes-wood/"[^>]*>', body)
    client.logout()
    anonymous = client.get("/stokes-wood/policy/").content.decode()
    assert re.search(r'<a[^>]*href="/accounts/login/', anonymous)


def test_the_parent_home_says_what_they_can_do(stokes, login):
    body = login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()
    home = re.search(r'<section[^>]*id="parent-actions".*?</section>', body, re.S).group(0)
    for href in ("/stokes-wood/channel/", "/stokes-wood/concerns/new/", "/stokes-wood/policy/", "/stokes-wood/my-children/photos/", "/stokes-wood/online-safety/"):
        assert f'href="{href}' in home, href


def test_a_rejection_says_which_comment_and_cites_the_clause_in_plain_words(comment_item, login):
    login("office@stokes-wood.demo").post(f"/stokes-wood/queue/{comment_item.pk}/decide/", {
        "action": "reject", "version": comment_item.version, "reason_clause": "sw-conduct-allegations", "confirmed": "1"})
    note = Notification.objects.get(user__username="parent@stokes-wood.demo")
    assert "Mr Hughes is a useless" in note.text
    page = login("parent@stokes-wood.demo").get("/stokes-wood/channel/notifications/").content.decode()
    assert "Mr Hughes is a useless" in page and "Posting allegations" in page
    assert "sw-conduct-allegations" not in page
    assert 'href="/stokes-wood/concerns/new/' in page
    assert STORY[:10] in page


def test_keeping_your_child_safe_online(stokes, login):
    body = login("parent@stokes-wood.demo").get("/stokes-wood/online-safety/").content.decode()
    assert "13" in body and "16" in body and "monitor" in body
    assert "ask the school office" in body.lower()
    assert 'href="/stokes-wood/"' in body  # a way back


def test_keeping_your_child_safe_online_links_the_schools_policy(stokes, login):
    version = stokes.current_policy()
    version.data = {**version.data, "policy": {**version.policy, "online_safety_url": "https://stokes-wood.example/online-safety"}}
    version.save(update_fields=["data"])
    body = login("parent@stokes-wood.demo").get("/stokes-wood/online-safety/").content.decode()
    assert 'href="https://stokes-wood.example/online-safety"' in body and "Online Safety Policy" in body
