"""Submitting to the school channel: a staff post, a parent's comment, and the author's new wording
after "please rephrase". Each text is judged (through `policies.judging`, the one door to the judge)
and, unless an administrator's clean post is published at once, put in the review queue.

Judge first, then write: the judge (tens of milliseconds, seconds on a cold start) runs before the write
transaction opens, never inside it. On SQLite a write transaction holds the database's one write lock
from its first statement, so a judge inside it made every other writer (comments, log-ins, the worker)
wait for it. The checks that refuse a submission run twice: before the judge, so a refused person is
told at once, and again inside the transaction, where they count (a restriction made, or a rephrased
comment sent from another tab, while the judge ran)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.policies.judging import judge_record
from schoolgate.schools.models import Membership, actor_label

from . import photo_checks
from .audit_events import AuditEvent
from .errors import ChannelError
from .models import Comment, Post, Restriction, ReviewItem
from .queries import can_post, is_administrator
from .restrictions import active_restriction
from .triage import enqueue

REPHRASED = {ReviewItem.Kind.POST: AuditEvent.POST_REPHRASED, ReviewItem.Kind.COMMENT: AuditEvent.COMMENT_REPHRASED}


# `person` not given: the author's roster entry is read from their membership.
UNREAD = object()


def run_judge(school, text: str, *, author=None, staff: bool = False, person=UNREAD) -> dict:
    """The verdict as stored with the item: if the judge cannot run, the record holds the item for a
    moderator (`unavailable`), never waves it through.

    `author` (a user) lets the judge recognise a parent's own child; `staff` marks a post written by the
    school itself, where "speaking for the school" is what the post is for, not a breach. `person`: the
    author's roster entry at this school (or None) when the caller has read it already."""
    if person is UNREAD:
        judged = _roster_person(school, author) if author is not None else None
    else:
        judged = person.as_judge_person() if person is not None else None
    return judge_record(school, text, author=judged, staff=staff)


def _roster_person(school, user):
    membership = Membership.objects.filter(school=school, user=user, person__isnull=False).select_related("person").first()
    return membership.person.as_judge_person() if membership else None


def _categories(verdict: dict) -> list[str]:
    return [f["category"] for f in verdict.get("findings", [])]


def submit_post(school, *, author, text: str, audience: str, group: str = "", image: tuple[bytes, str] | None = None, image_alt: str = "",
                verdict: dict | None = None) -> Post:
    """A staff post: judged, images already cleaned; an administrator's clean post is published at once.

    A post with a photo waits for its photo check first (`photo_checks`): nothing with a photo is published
    or queued until staff have said who is in it and the unconsented faces are blurred (`confirm_photo_check`)."""
    _refuse_unless_poster(school, author)
    verdict = verdict if verdict is not None else run_judge(school, text, author=author, staff=True)
    faces = photo_checks.faces_in(school, image[0]) if image is not None else None
    return _save_post(school, author=author, text=text, audience=audience, group=group, image=image, image_alt=image_alt, verdict=verdict,
                      faces=faces)


def _refuse_unless_poster(school, author) -> None:
    if not can_post(school, author):
        raise ChannelError("You do not have permission to post on the school channel. The Headteacher or the office can grant it.")


@transaction.atomic
def _save_post(school, *, author, text, audience, group, image, image_alt, verdict, faces) -> Post:
    _refuse_unless_poster(school, author)  # the permission may have been withdrawn while the judge ran
    post = Post(school=school, author=author, author_label=actor_label(author), audience=audience, group=group if audience != "school" else "",
                text=text, original_text=text, image_alt=image_alt, verdict=verdict)
    if image is not None:
        data, ext = image
        photo_checks.start(post, data, ext, faces=faces, actor=author)
        record(AuditEvent.POST_SUBMIT, actor=author, school=school, target=post,
               summary=f"Post submitted; waiting for its photo check ({post.audience_label})",
               decision=verdict.get("decision"), categories=_categories(verdict), image=True)
        return post
    post.save()
    return _proceed(post, verdict)


def _proceed(post: Post, verdict: dict) -> Post:
    """Publish an administrator's clean post, or queue it for a moderator; the post is saved."""
    school, author = post.school, post.author
    # A verdict the judge could not give is never "allow": the post waits for a moderator like any other.
    publish_now = author is not None and is_administrator(school, author) and verdict.get("decision") == "allow" and not verdict.get("unavailable")
    if publish_now:
        post.status, post.published_at = Post.Status.PUBLISHED, timezone.now()
    else:
        post.status = Post.Status.PENDING
    post.save()
    record(AuditEvent.POST_SUBMIT, actor=author, school=school, target=post,
           summary=f"Post {'published' if publish_now else 'submitted for approval'} ({post.audience_label})",
           decision=verdict.get("decision"), categories=_categories(verdict), image=bool(post.image))
    if not publish_now:
        enqueue(school, kind=ReviewItem.Kind.POST, author=author, text=post.text, verdict=verdict, post=post)
    return post


@transaction.atomic
def confirm_photo_check(post: Post, *, answers, actor, expect_blurred=None) -> Post:
    """Staff confirmed the photo check: the redacted photo becomes the published one and the post goes on as
    any post does (an administrator's clean post is published; others wait in the queue)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != Post.Status.PHOTO_CHECK:
        raise ChannelError("This post is not waiting for a photo check.")
    photo_checks.complete(post, answers, actor=actor, expect_blurred=expect_blurred)
    post.refresh_from_db()
    return _proceed(post, post.verdict)


def submit_comment(post: Post, *, author, text: str, verdict: dict | None = None, person=UNREAD) -> Comment:
    """A parent's comment: never public until a moderator approves it; the judge's finding goes with it.
    `person`: the author's roster entry at the school, when the caller has it (see `run_judge`)."""
    _restriction_allowing_comments(post.school, author)
    verdict = verdict if verdict is not None else run_judge(post.school, text, author=author, person=person)
    return _save_comment(post, author=author, text=text, verdict=verdict)


def _restriction_allowing_comments(school, author) -> Restriction | None:
    """The author's restriction in force, if it still lets them comment; ChannelError if it does not."""
    restriction = active_restriction(school, author)
    if restriction is not None and restriction.kind == Restriction.Kind.NO_COMMENT:
        raise ChannelError(f"You cannot comment on the school channel until {restriction.ends_on:%-d %B %Y}. Reason: {restriction.reason}")
    return restriction


@transaction.atomic
def _save_comment(post: Post, *, author, text: str, verdict: dict) -> Comment:
    school = post.school
    restriction = _restriction_allowing_comments(school, author)  # a restriction made while the judge ran counts
    comment = Comment.objects.create(post=post, school=school, author=author, author_label=actor_label(author), text=text, original_text=text,
                                     verdict=verdict)
    enqueue(school, kind=ReviewItem.Kind.COMMENT, author=author, text=text, verdict=verdict, comment=comment)
    record(AuditEvent.COMMENT_SUBMIT, actor=author, school=school, target=comment,
           summary=f"Comment on post {post.pk} submitted for approval", decision=verdict.get("decision"),
           categories=_categories(verdict), held_by_restriction=restriction is not None)
    return comment


def resubmit(target, *, author, text: str, verdict: dict | None = None):
    """The author's new wording after "please rephrase": a new review item; the earlier ones stay on record."""
    model = type(target)
    _refuse_unless_rephrasable(model.objects.get(pk=target.pk), author)
    verdict = verdict if verdict is not None else run_judge(target.school, text, author=author, staff=isinstance(target, Post))
    return _save_resubmission(target, author=author, text=text, verdict=verdict)


def _refuse_unless_rephrasable(target, author) -> None:
    if target.author_id != author.pk:
        raise ChannelError("Only the author can rephrase this.")
    if target.status != type(target).Status.REPHRASE:
        raise ChannelError("This is not waiting to be rephrased.")
    if isinstance(target, Comment):
        restriction = active_restriction(target.school, author)
        if restriction is not None and restriction.kind == Restriction.Kind.NO_COMMENT:
            raise ChannelError(f"You cannot comment on the school channel until {restriction.ends_on:%-d %B %Y}.")


@transaction.atomic
def _save_resubmission(target, *, author, text: str, verdict: dict):
    model = type(target)
    target = model.objects.select_for_update().get(pk=target.pk)
    _refuse_unless_rephrasable(target, author)  # under the row lock: another tab may have resubmitted meanwhile
    school = target.school
    target.text, target.verdict, target.status = text, verdict, model.Status.PENDING
    target.save(update_fields=["text", "verdict", "status"])
    kind = ReviewItem.Kind.COMMENT if isinstance(target, Comment) else ReviewItem.Kind.POST
    enqueue(school, kind=kind, author=author, text=text, verdict=verdict, **{kind: target})
    record(REPHRASED[kind], actor=author, school=school, target=target, summary=f"{kind.title()} rephrased and resubmitted",
           decision=verdict.get("decision"))
    return target
