"""Demo channel data for both seed schools: posts, comments waiting for approval (the README's story
among them), one approved comment, a private concern, a restriction, and a post with a checked photo.

The photo is generated (`demo_photo.scene`: painted figures whose faces the detector finds; computed
pixels, no real person, no licence terms): face 1 a pupil whose parents granted channel consent (shown),
face 2 a member of staff (shown), face 3 a pupil who may not be shown (never-publish at Stokes Wood,
expired consent at High Hesket: blurred). It goes through the same photo check as any post.

Idempotent: each school's demo is added once (recognised by its first post's text). Everything goes
through the channel's state changes, so verdicts are the judge's own and the audit log records it all.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from schoolgate.mail import quiet
from schoolgate.schools.models import Person, School

from . import demo_photo
from .concerns import send_concern
from .models import Post
from .photo_checks import Answer
from .posts import confirm_photo_check, submit_comment, submit_post
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
        "photo": ("office@stokes-wood.demo", "What a sports day! Thank you to everyone who came to cheer.", "Three people on the school field",
                  ("Oliver Bennett", "Tom Hughes", "Isla Murphy")),
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
        "photo": ("office@high-hesket.demo", "Our harvest festival helpers, ready for Thursday's service.", "Three people in front of the hedge",
                  ("Jack Robinson", "Laura Bell", "Ella Thompson")),
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
        if school is not None:
            _photo_post(school, demo["photo"], users, stdout)
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


def _photo_post(school, spec, users, stdout) -> None:
    """The post with a checked photo (added once, recognised by its text)."""
    author_email, text, alt, (first, staff, third) = spec
    if Post.objects.filter(school=school, original_text=text).exists():
        return
    author = users(author_email)
    post = submit_post(school, author=author, text=text, audience="school", image=(demo_photo.scene_jpeg(3), "jpg"), image_alt=alt)
    people = {p.name: p for p in Person.objects.filter(school=school, name__in=[first, staff, third])}
    answers = {}
    for face in post.current_check().faces:
        name = (first, staff, third)[face["number"] - 1] if face["number"] <= 3 else None
        person = people.get(name)
        if person is None:
            answers[face["number"]] = Answer("unknown")
        elif person.kind == Person.Kind.PUPIL:
            answers[face["number"]] = Answer("pupil", person, "tag")
        else:
            answers[face["number"]] = Answer("staff", None, "tag")
    post = confirm_photo_check(post, answers=answers, actor=author)
    if stdout is not None:
        shown = post.current_check().appearances.filter(action="keep").count()
        stdout.write(f"Channel demo: a post with a checked photo at {school.name} ({shown} faces shown, the others blurred)")


def _approve(school, item, moderator) -> None:
    decide(school, item.pk, actor=moderator, version=item.version, decision=Decision(action="approve"))
