"""State changes of the school channel: submit, decide, notify, restrict, route concerns.

Every function here that changes something runs in one transaction, locks the rows it moves from one
state to another (`select_for_update`) and writes the audit log in the same transaction. Views only
validate input (forms) and call these.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.judge.types import CHANNEL_LABELS
from schoolgate.policies.judging import clause_index, judge_record
from schoolgate.schools.models import MODERATORS, Membership, Person, Role

from .models import REJECTION_WINDOW_DAYS, Comment, Concern, Notification, Post, Restriction, ReviewItem

log = logging.getLogger(__name__)

DECISION_RISK = {"allow": 0, "review": 1, "block": 2}


class ChannelError(ValueError):
    """A request the channel refuses, with a message for the person who made it."""


class AlreadyDecided(ChannelError):
    def __init__(self, item: ReviewItem):
        self.item = item
        who = item.decided_by_label or "another moderator"
        when = timezone.localtime(item.decided_at).strftime("%H:%M") if item.decided_at else ""
        super().__init__(
            f"This item was already decided by {who}{' at ' + when if when else ''} "
            f"({item.get_status_display().lower()}). Your decision was not recorded."
        )


def _mail(subject, body, from_email, to) -> None:
    # Sent after the commit: the decision is already saved, so a mail relay failing must not undo it or
    # turn the moderator's page into an error; the in-app notification still reaches the author.
    try:
        send_mail(subject, body, from_email, to)
    except Exception:  # noqa: BLE001 - any relay error
        log.exception("channel e-mail to %s failed", to)


def label(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# ---------------------------------------------------------------- the judge


def run_judge(school, text: str, *, author=None, staff: bool = False) -> dict:
    """The verdict as stored with the item (through the one door, `policies.judging`): if the judge
    cannot run, the record holds the item for a moderator, never waves it through.

    `author` (a user) lets the judge recognise a parent's own child; `staff` marks a post written by the
    school itself, where "speaking for the school" is what the post is for, not a breach."""
    return judge_record(school, text, author=_roster_person(school, author) if author is not None else None, staff=staff)


def _roster_person(school, user):
    membership = Membership.objects.filter(school=school, user=user, person__isnull=False).select_related("person").first()
    return membership.person.as_judge_person() if membership else None


def _clause_texts(school) -> dict[str, str]:
    return {clause_id: clause.text for clause_id, clause in clause_index(school).items()}


def policy_data(school) -> dict:
    version = school.current_policy()
    return version.policy if version else {}


def channels_for(school) -> list[tuple[str, str]]:
    """The people the school's policy names for concerns, in the policy's order: [(id, label)]."""
    ids = policy_data(school).get("channels") or ["class_teacher", "headteacher", "chair_of_governors"]
    return [(c, CHANNEL_LABELS.get(c, c)) for c in ids if c in Concern.To.values]


def channels_sentence(school) -> str:
    labels = [lbl for _, lbl in channels_for(school)]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


# ---------------------------------------------------------------- restrictions and the author's record


def active_restriction(school, user) -> Restriction | None:
    """The restriction in force today, the strongest first (no commenting beats held comments)."""
    found = list(Restriction.objects.active().filter(school=school, user=user))
    found.sort(key=lambda r: (r.kind != Restriction.Kind.NO_COMMENT, -r.ends_on.toordinal()))
    return found[0] if found else None


def recent_rejections(school, user) -> int:
    since = timezone.now() - dt.timedelta(days=REJECTION_WINDOW_DAYS)
    return ReviewItem.objects.filter(
        school=school, author=user, kind=ReviewItem.Kind.COMMENT, status=ReviewItem.Status.REJECTED, decided_at__gte=since
    ).count()


def suggests_case(school, user) -> bool:
    return school.rejections_before_case > 0 and recent_rejections(school, user) >= school.rejections_before_case


def is_administrator(school, user) -> bool:
    return Membership.objects.filter(school=school, user=user, role__in=MODERATORS).exists()


def can_post(school, user) -> bool:
    return Membership.objects.filter(school=school, user=user, can_post=True).exclude(role=Role.PARENT).exists()


def _assess(school, author, verdict: dict) -> tuple[int, float, list[str]]:
    risk = DECISION_RISK.get(verdict.get("decision"), 1)
    score = max((float(f.get("score", 0)) for f in verdict.get("findings", [])), default=0.0)
    reasons = []
    if verdict.get("explanation"):
        reasons.append(verdict["explanation"])
    if author is not None:
        restriction = active_restriction(school, author)
        if restriction is not None:
            risk += 1
            reasons.append(f"The author is restricted until {restriction.ends_on:%-d %B %Y}: {restriction.get_kind_display().lower()}.")
        if suggests_case(school, author):
            risk += 1
            reasons.append(f"{recent_rejections(school, author)} rejected comments in the last {REJECTION_WINDOW_DAYS} days.")
    return risk, score, reasons


def _queue(school, *, kind, author, text, verdict, post=None, comment=None) -> ReviewItem:
    risk, score, reasons = _assess(school, author, verdict)
    return ReviewItem.objects.create(
        school=school, kind=kind, post=post, comment=comment, author=author, author_label=label(author),
        text=text, verdict=verdict, risk=risk, score=score, reasons=reasons,
    )


# ---------------------------------------------------------------- posts


@transaction.atomic
def submit_post(school, *, author, text: str, audience: str, group: str = "", image: tuple[bytes, str] | None = None, image_alt: str = "", verdict: dict | None = None) -> Post:
    """A staff post: judged, images already cleaned; an administrator's clean post is published at once."""
    if not can_post(school, author):
        raise ChannelError("You do not have permission to post on the school channel. The Headteacher or the office can grant it.")
    verdict = verdict if verdict is not None else run_judge(school, text, author=author, staff=True)
    post = Post(school=school, author=author, author_label=label(author), audience=audience, group=group if audience != "school" else "",
                text=text, original_text=text, image_alt=image_alt, verdict=verdict)
    if image is not None:
        data, ext = image
        post.image.save(f"upload.{ext}", ContentFile(data), save=False)
    publish_now = is_administrator(school, author) and verdict.get("decision") == "allow" and not verdict.get("unavailable")
    if publish_now:
        post.status, post.published_at = Post.Status.PUBLISHED, timezone.now()
    post.save()
    record("channel.post.submit", actor=author, school=school, target=post,
           summary=f"Post {'published' if publish_now else 'submitted for approval'} ({post.audience_label})",
           decision=verdict.get("decision"), categories=[f["category"] for f in verdict.get("findings", [])], image=bool(post.image))
    if not publish_now:
        _queue(school, kind=ReviewItem.Kind.POST, author=author, text=text, verdict=verdict, post=post)
    return post


# ---------------------------------------------------------------- comments


@transaction.atomic
def submit_comment(post: Post, *, author, text: str, verdict: dict | None = None) -> Comment:
    """A parent's comment: never public until a moderator approves it; the judge's finding goes with it."""
    school = post.school
    restriction = active_restriction(school, author)
    if restriction is not None and restriction.kind == Restriction.Kind.NO_COMMENT:
        raise ChannelError(f"You cannot comment on the school channel until {restriction.ends_on:%-d %B %Y}. Reason: {restriction.reason}")
    verdict = verdict if verdict is not None else run_judge(school, text, author=author)
    comment = Comment.objects.create(post=post, school=school, author=author, author_label=label(author), text=text, original_text=text, verdict=verdict)
    _queue(school, kind=ReviewItem.Kind.COMMENT, author=author, text=text, verdict=verdict, comment=comment)
    record("channel.comment.submit", actor=author, school=school, target=comment,
           summary=f"Comment on post {post.pk} submitted for approval", decision=verdict.get("decision"),
           categories=[f["category"] for f in verdict.get("findings", [])], held_by_restriction=restriction is not None)
    return comment


@transaction.atomic
def resubmit(target, *, author, text: str, verdict: dict | None = None):
    """The author's new wording after "please rephrase": a new review item; the earlier ones stay on record."""
    model = type(target)
    target = model.objects.select_for_update().get(pk=target.pk)
    if target.author_id != author.pk:
        raise ChannelError("Only the author can rephrase this.")
    if target.status != model.Status.REPHRASE:
        raise ChannelError("This is not waiting to be rephrased.")
    school = target.school
    if isinstance(target, Comment):
        restriction = active_restriction(school, author)
        if restriction is not None and restriction.kind == Restriction.Kind.NO_COMMENT:
            raise ChannelError(f"You cannot comment on the school channel until {restriction.ends_on:%-d %B %Y}.")
    verdict = verdict if verdict is not None else run_judge(school, text, author=author, staff=isinstance(target, Post))
    target.text, target.verdict, target.status = text, verdict, model.Status.PENDING
    target.save(update_fields=["text", "verdict", "status"])
    kind = ReviewItem.Kind.COMMENT if isinstance(target, Comment) else ReviewItem.Kind.POST
    _queue(school, kind=kind, author=author, text=text, verdict=verdict, **{kind: target})
    record(f"channel.{kind}.rephrased", actor=author, school=school, target=target, summary=f"{kind.title()} rephrased and resubmitted",
           decision=verdict.get("decision"))
    return target


# ---------------------------------------------------------------- decisions


@dataclass
class Decision:
    action: str  # approve | reject | edit | rephrase
    reason_clause: str = ""
    reason_text: str = ""
    edited_text: str = ""


STATUS_FOR = {
    "approve": ReviewItem.Status.APPROVED,
    "edit": ReviewItem.Status.EDITED,
    "reject": ReviewItem.Status.REJECTED,
    "rephrase": ReviewItem.Status.REPHRASE,
}


def decide(school, item_id: int, *, actor, version: int, decision: Decision, request=None) -> ReviewItem:
    """One moderator's decision. A second moderator acting on the same item is told and changes nothing."""
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item_id, school=school)
        if item.status != ReviewItem.Status.PENDING:
            raise AlreadyDecided(item)
        if item.version != version:
            raise ChannelError("This item changed after you opened it. Please look at it again before deciding.")
        if decision.action not in item.actions:
            raise ChannelError(f"'{decision.action}' is not an action for a {item.get_kind_display().lower()}.")
        clauses = _clause_texts(school)
        if decision.reason_clause and decision.reason_clause not in clauses:
            raise ChannelError("That clause is not in the school's current policy.")
        if decision.action == "reject" and not (decision.reason_clause or decision.reason_text.strip()):
            raise ChannelError("Give a reason for rejecting: choose one of the school's clauses or write one.")
        if decision.action == "edit" and not decision.edited_text.strip():
            raise ChannelError("Write the edited text to publish.")

        model = Post if item.kind == ReviewItem.Kind.POST else Comment
        target = model.objects.select_for_update().get(pk=item.post_id if item.kind == ReviewItem.Kind.POST else item.comment_id)
        now = timezone.now()
        if decision.action in ("approve", "edit"):
            if decision.action == "edit":
                target.text = decision.edited_text.strip()
            target.status, target.published_at = model.Status.PUBLISHED, now
        elif decision.action == "reject":
            target.status = model.Status.REJECTED
        else:
            target.status = model.Status.REPHRASE
        target.save()

        item.status = STATUS_FOR[decision.action]
        item.version += 1
        item.decided_at, item.decided_by, item.decided_by_label = now, actor, label(actor)
        item.reason_clause, item.reason_text = decision.reason_clause, decision.reason_text.strip()
        item.edited_text = decision.edited_text.strip() if decision.action == "edit" else ""
        item.save()
        record(
            f"channel.review.{decision.action}", actor=actor, school=school, target=item,
            summary=f"{item.get_status_display()}: {item.get_kind_display().lower()} by {item.author_label}",
            item_kind=item.kind, target_id=target.pk, clause=decision.reason_clause, reason=item.reason_text,
            edited=bool(item.edited_text), original_kept=bool(item.edited_text),
        )
        if item.author is not None:
            _notify_decision(item, target, clauses.get(decision.reason_clause, ""), request)
    return item


def _notify_decision(item: ReviewItem, target, clause_text: str, request) -> Notification:
    school = item.school
    what = "post" if item.kind == ReviewItem.Kind.POST else "comment"
    post = target if item.kind == ReviewItem.Kind.POST else target.post
    post_url = reverse("channel:post", args=[school.slug, post.pk])
    concern_url = reverse("channel:concern_new", args=[school.slug])
    instead, url = "", post_url
    if item.status == ReviewItem.Status.APPROVED:
        title, text = f"Your {what} was approved", f"Your {what} is now published on {school.name}'s channel."
    elif item.status == ReviewItem.Status.EDITED:
        title = f"Your {what} was published with changes"
        text = f"The school published your {what} with changes. It now reads: \"{item.edited_text}\". Your original wording is kept on record."
    elif item.status == ReviewItem.Status.REJECTED:
        title = f"Your {what} was not published"
        text = f"The school did not publish your {what}."
        if item.reason_text:
            text += f" Reason: {item.reason_text}"
        if what == "comment":
            instead = (
                f"If you have a concern, our policy asks you to raise it privately with {channels_sentence(school)}, "
                f"so it can be dealt with fairly. You can send a private message to the school. "
                f"You are welcome to write a new comment that keeps to the policy."
            )
            url = concern_url
        else:
            instead = "You can write a new post that keeps to the policy, or talk to the Headteacher."
    else:
        title = f"Please rephrase your {what}"
        text = f"The school asks you to rephrase your {what} before it can be published."
        if item.reason_text:
            text += f" {item.reason_text}"
        instead = "Edit your wording and submit it again; or, if it is a concern, send a private message to the school instead."
        url = reverse(f"channel:{what}_rephrase", args=[school.slug, target.pk])
    note = Notification.objects.create(
        school=school, user=item.author, title=title, text=text, clause_id=item.reason_clause, clause_text=clause_text, instead=instead, url=url,
    )
    email, link = item.author.email, (request.build_absolute_uri(url) if request is not None else url)
    if email:
        body = [f"Dear {item.author_label},", "", text]
        if item.reason_clause:
            body += ["", f"The school's policy ({item.reason_clause}): \"{clause_text}\""]
        if instead:
            body += ["", "What you can do instead: " + instead]
        body += ["", link, "", f"{school.name}"]
        subject = f"{school.name}: {title.lower()}"
        transaction.on_commit(lambda: _mail(subject, "\n".join(body), settings.DEFAULT_FROM_EMAIL, [email]))
    return note


# ---------------------------------------------------------------- restrictions


def restrict(school, *, user, kind: str, reason: str, ends_on: dt.date, actor) -> Restriction:
    """Restrict a member's commenting ("hold" = every comment held and flagged; "no_comment" = none)."""
    if kind not in Restriction.Kind.values:
        raise ChannelError(f"Unknown restriction '{kind}'.")
    if not (reason or "").strip():
        raise ChannelError("Give the reason for the restriction; the parent will see it.")
    if ends_on < timezone.localdate():
        raise ChannelError("The end date is in the past.")
    if not Membership.objects.filter(school=school, user=user).exists():
        raise ChannelError("That person is not a member of this school.")
    with transaction.atomic():
        restriction = Restriction.objects.create(
            school=school, user=user, user_label=label(user), kind=kind, reason=reason.strip(), ends_on=ends_on,
            created_by=actor, created_by_label=label(actor),
        )
        record("channel.restrict", actor=actor, school=school, target=restriction,
               summary=f"{restriction.get_kind_display()} for {restriction.user_label} until {ends_on:%-d %B %Y}", reason=restriction.reason,
               kind=kind, ends_on=ends_on, user=user.get_username())
        Notification.objects.create(
            school=school, user=user, title="Your use of the school channel is restricted",
            text=f"{restriction.get_kind_display()} until {ends_on:%-d %B %Y}. Reason: {restriction.reason}",
            url=reverse("channel:home", args=[school.slug]),
        )
        if user.email:
            transaction.on_commit(lambda: _mail(
                f"{school.name}: your use of the school channel is restricted",
                f"Dear {restriction.user_label},\n\n{restriction.get_kind_display()} until {ends_on:%-d %B %Y}.\nReason: {restriction.reason}\n\n{school.name}",
                settings.DEFAULT_FROM_EMAIL, [user.email]))
    return restriction


def lift(restriction: Restriction, *, actor) -> Restriction:
    with transaction.atomic():
        restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if restriction.lifted_at is not None:
            raise ChannelError(f"This restriction was already lifted by {restriction.lifted_by_label}.")
        restriction.lifted_at, restriction.lifted_by, restriction.lifted_by_label = timezone.now(), actor, label(actor)
        restriction.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label"])
        record("channel.restriction.lift", actor=actor, school=restriction.school, target=restriction, summary=f"Lifted restriction for {restriction.user_label}")
    return restriction


# ---------------------------------------------------------------- poster permission


def set_poster(membership: Membership, *, allowed: bool, actor) -> Membership:
    if membership.role == Role.PARENT:
        raise ChannelError("Only staff can be given the poster permission.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.can_post != allowed:
            membership.can_post = allowed
            membership.save(update_fields=["can_post"])
            record("channel.poster." + ("grant" if allowed else "revoke"), actor=actor, school=membership.school, target=membership,
                   summary=f"{'Granted' if allowed else 'Removed'} poster permission: {label(membership.user)} ({membership.get_role_display()})")
    return membership


# ---------------------------------------------------------------- private concerns


def route(school, to: str, child: Person | None) -> tuple[list, str]:
    """Who receives a concern sent to `to`, and a note saying how it was routed."""
    members = Membership.objects.filter(school=school).select_related("user", "person")
    heads = [m.user for m in members if m.role == Role.HEADTEACHER]
    if to == Concern.To.CLASS_TEACHER:
        group = (child.group if child else "").strip().lower()
        teachers = [m.user for m in members if m.role in (Role.TEACHER, Role.DSL, Role.HEADTEACHER) and group and m.person
                    and group in (m.person.group or "").lower()]
        if teachers:
            return teachers, f"Sent to {child.group}'s class teacher"
        return heads, "No class teacher is recorded for that class, so it went to the Headteacher"
    if to == Concern.To.CHAIR:
        chairs = [m.user for m in members if m.role == Role.GOVERNOR and m.person and "chair" in (m.person.group or "").lower()]
        chairs = chairs or [m.user for m in members if m.role == Role.GOVERNOR and school.chair_email and m.user.email == school.chair_email]
        if chairs:
            return chairs, "Sent to the Chair of Governors"
        return heads, "No Chair of Governors has an account, so it went to the Headteacher"
    if to == Concern.To.GOVERNING_BODY:
        governors = [m.user for m in members if m.role == Role.GOVERNOR]
        return (governors, "Sent to the Governing Body") if governors else (heads, "No governor has an account, so it went to the Headteacher")
    if to == Concern.To.COMPLAINTS:
        return heads, "Sent to the Headteacher under the school's complaints procedure"
    return heads, "Sent to the Headteacher"


@transaction.atomic
def send_concern(school, *, author, to: str, subject: str, text: str, child: Person | None = None) -> Concern:
    if to not in dict(channels_for(school)):
        raise ChannelError("The school's policy does not name that person for concerns.")
    recipients, note = route(school, to, child)
    concern = Concern.objects.create(school=school, author=author, author_label=label(author), to=to, child=child, subject=subject, text=text, routing_note=note)
    concern.recipients.set({u.pk for u in recipients})
    record("channel.concern.send", actor=author, school=school, target=concern, summary=f"Private concern to {concern.get_to_display()}",
           recipients=[u.get_username() for u in recipients])
    url = reverse("channel:concern", args=[school.slug, concern.pk])
    for user in {u.pk: u for u in recipients}.values():
        Notification.objects.create(school=school, user=user, title="A private concern from a parent/carer", text=f"{concern.author_label}: {subject}", url=url)
        if user.email:
            email = user.email
            transaction.on_commit(lambda email=email: _mail(
                f"{school.name}: a private concern from a parent/carer",
                f"{concern.author_label} sent a private concern ({concern.get_to_display()}): {subject}\n\nRead it in Schoolgate: {url}",
                settings.DEFAULT_FROM_EMAIL, [email]))
    return concern


@transaction.atomic
def respond_concern(concern: Concern, *, actor, response: str) -> Concern:
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.responded_at is not None:
        raise ChannelError(f"{concern.responded_by_label} already replied to this concern.")
    concern.response, concern.responded_by, concern.responded_by_label, concern.responded_at = response, actor, label(actor), timezone.now()
    concern.save()
    record("channel.concern.respond", actor=actor, school=concern.school, target=concern, summary=f"Replied to a private concern from {concern.author_label}")
    if concern.author is not None:
        Notification.objects.create(school=concern.school, user=concern.author, title="The school replied to your concern",
                                    text=response, url=reverse("channel:concern", args=[concern.school.slug, concern.pk]))
        if concern.author.email:
            email = concern.author.email
            transaction.on_commit(lambda: _mail(f"{concern.school.name}: a reply to your concern", response,
                                                    settings.DEFAULT_FROM_EMAIL, [email]))
    return concern


# ---------------------------------------------------------------- the author's history, for the queue


def author_histories(school, user_ids) -> dict[int, dict]:
    """Per author: earlier decisions by status, recent rejections and restrictions (batched)."""
    user_ids = [u for u in set(user_ids) if u is not None]
    out = {u: {"decisions": {}, "recent_rejections": 0, "restrictions": [], "badges": []} for u in user_ids}
    if not user_ids:
        return out
    rows = (ReviewItem.objects.filter(school=school, author_id__in=user_ids).exclude(status=ReviewItem.Status.PENDING)
            .values("author_id", "status").annotate(n=Count("id")))
    for row in rows:
        out[row["author_id"]]["decisions"][row["status"]] = row["n"]
    since = timezone.now() - dt.timedelta(days=REJECTION_WINDOW_DAYS)
    rows = (ReviewItem.objects.filter(school=school, author_id__in=user_ids, kind=ReviewItem.Kind.COMMENT, status=ReviewItem.Status.REJECTED, decided_at__gte=since)
            .values("author_id").annotate(n=Count("id")))
    for row in rows:
        out[row["author_id"]]["recent_rejections"] = row["n"]
    for r in Restriction.objects.filter(school=school, user_id__in=user_ids).order_by("-created_at"):
        out[r.user_id]["restrictions"].append(r)
    for history in out.values():
        history["suggest_case"] = school.rejections_before_case > 0 and history["recent_rejections"] >= school.rejections_before_case
        history["total_decisions"] = sum(history["decisions"].values())
    return out

