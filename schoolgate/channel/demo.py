"""Demo channel data for both seed schools: posts, comments waiting for approval (the README's story
among them), one approved comment, a private concern and a restriction.

Idempotent: each school's demo is added once (recognised by its first post's text). Everything goes
through the channel's state changes, so verdicts are the judge's own and the audit log records it all.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from schoolgate.mail import quiet
from schoolgate.schools.models import Person, School

from .concerns import send_concern
from .models import Post
from .posts import submit_comment, submit_post
from .restrictions import restrict
from .review import Decision, decide

STORY = "Mr Hughes is a useless teacher and everyone knows it"

DEMO = {
    "stokes-wood": {
        "posts": [
            # (author, text, audience, group, approve_by)
            ("head@stokes-wood.demo", "Sports day is on Friday 4 July from 1.30pm on the school field. Families are welcome; please bring water and sun cream.", "school", "", None),
            ("hughes@stokes-wood.demo", "Year 4 had a brilliant trip to the National Space Centre today. Thank you to the parent helpers!", "year_group", "Year 4", "office@stokes-wood.demo"),
            ("hughes@stokes-wood.demo", "Reminder: Year 4 swimming kits are needed every Tuesday this half term.", "year_group", "Year 4", None),
        ],
        "comments": [
            # (post index, author, text, approve_by)
            (0, "shah@stokes-wood.demo", "Thank you, looking forward to it!", "office@stokes-wood.demo"),
            (0, "shah@stokes-wood.demo", "Will there be a cake stall this year?", None),
            (1, "parent@stokes-wood.demo", STORY, None),
        ],
        "concern": ("parent@stokes-wood.demo", "class_teacher", "Oliver Bennett", "Reading book", "Olly's reading book hasn't been changed for two weeks. Could someone have a look? Thank you."),
        "restriction": None,
    },
    "high-hesket": {
        "posts": [
            ("head@high-hesket.demo", "Harvest festival service at St Mary's church on Thursday at 2pm. All families welcome.", "school", "", None),
            ("office@high-hesket.demo", "Class 2 will be baking on Wednesday; please let us know about any allergies.", "class", "Class 2", None),
        ],
        "comments": [
            (0, "nixon@high-hesket.demo", "Can we bring younger siblings?", None),
            (1, "parent@high-hesket.demo", "Thank you for letting us know, we will send a note in.", "office@high-hesket.demo"),
        ],
        "concern": ("nixon@high-hesket.demo", "headteacher", "", "Playground", "I would like to talk to you about something that happened in the playground last week."),
        "restriction": ("nixon@high-hesket.demo", "hold", "Two comments in March named other children (hh-naming-children); comments are held for review while we talk.", 30),
    },
}


def build(stdout=None) -> None:
    # The demo's notices stay in-app: nothing is e-mailed to the demo addresses (console noise on `run`).
    with quiet():
        _build(stdout)


def _build(stdout) -> None:
    User = get_user_model()
    users = lambda email: User.objects.get(username=email)  # noqa: E731
    for slug, demo in DEMO.items():
        school = School.objects.filter(slug=slug).first()
        if school is None or Post.objects.filter(school=school, original_text=demo["posts"][0][1]).exists():
            continue
        posts = []
        for author, text, audience, group, approve_by in demo["posts"]:
            post = submit_post(school, author=users(author), text=text, audience=audience, group=group)
            if approve_by and post.status != Post.Status.PUBLISHED:
                _approve(school, post.review_items.get(), users(approve_by))
            post.refresh_from_db()
            posts.append(post)
        for index, author, text, approve_by in demo["comments"]:
            comment = submit_comment(posts[index], author=users(author), text=text)
            if approve_by:
                _approve(school, comment.review_items.get(), users(approve_by))
        author, to, child_name, subject, text = demo["concern"]
        child = Person.objects.filter(school=school, kind="pupil", name=child_name).first() if child_name else None
        send_concern(school, author=users(author), to=to, subject=subject, text=text, child=child)
        if demo["restriction"]:
            who, kind, reason, days = demo["restriction"]
            head = next(m.user for m in school.memberships.filter(role="headteacher").select_related("user"))
            restrict(school, user=users(who), kind=kind, reason=reason, ends_on=timezone.localdate() + dt.timedelta(days=days), actor=head)
        if stdout is not None:
            stdout.write(f"Channel demo: {len(posts)} posts, {len(demo['comments'])} comments, a private concern at {school.name}")


def _approve(school, item, moderator) -> None:
    decide(school, item.pk, actor=moderator, version=item.version, decision=Decision(action="approve"))
