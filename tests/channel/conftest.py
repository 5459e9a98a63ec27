"""Channel fixtures: a published whole-school post and a Year 4 post at Stokes Wood, and helpers."""

from __future__ import annotations

import pytest
from django.test import Client

from schoolgate.channel.models import Post, ReviewItem
from schoolgate.channel.posts import submit_comment, submit_post

STORY = "Mr Hughes is a useless teacher and everyone knows it"


@pytest.fixture
def post(stokes, user):
    """A whole-school post by the Headteacher (an administrator: a clean post is published at once)."""
    p = submit_post(stokes, author=user("head@stokes-wood.demo"), text="Sports day is on Friday from 1.30pm on the school field.", audience="school")
    assert p.status == Post.Status.PUBLISHED
    return p


@pytest.fixture
def year4_post(stokes, user):
    p = submit_post(stokes, author=user("office@stokes-wood.demo"), text="Year 4 swimming kits are needed every Tuesday.", audience="year_group", group="Year 4")
    assert p.status == Post.Status.PUBLISHED
    return p


@pytest.fixture
def client_for(user):
    """A fresh, logged-in client per account (two moderators at once need two browsers)."""

    def make(email):
        c = Client()
        c.force_login(user(email))
        return c

    return make


@pytest.fixture
def comment_item(post, user):
    """Kelly Bennett's comment from the README's story, waiting in the queue."""
    comment = submit_comment(post, author=user("parent@stokes-wood.demo"), text=STORY)
    return ReviewItem.objects.get(comment=comment)
