"""A moderator's decision on a review item (approve, edit, reject, ask to rephrase), and how the
decision reaches the author: an in-app notice with the clause and what to do instead, and an e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.mail import send_after_commit
from schoolgate.policies.judging import clause_index
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .concerns import channels_sentence
from .errors import ChannelError
from .models import Comment, Notification, Post, ReviewItem


class AlreadyDecided(ChannelError):
    def __init__(self, item: ReviewItem):
        self.item = item
        who = item.decided_by_label or "another moderator"
        when = timezone.localtime(item.decided_at).strftime("%H:%M") if item.decided_at else ""
        super().__init__(
            f"This item was already decided by {who}{' at ' + when if when else ''} "
            f"({item.get_status_display().lower()}). Your decision was not recorded."
        )


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
EVENT_FOR = {
    "approve": AuditEvent.REVIEW_APPROVE,
    "edit": AuditEvent.REVIEW_EDIT,
    "reject": AuditEvent.REVIEW_REJECT,
    "rephrase": AuditEvent.REVIEW_REPHRASE,
}


def _check(item: ReviewItem, version: int, decision: Decision, clauses: dict) -> None:
    if item.status != ReviewItem.Status.PENDING:
        raise AlreadyDecided(item)
    if item.version != version:
        raise ChannelError("This item changed after you opened it. Please look at it again before deciding.")
    if decision.action not in item.actions:
        raise ChannelError(f"'{decision.action}' is not an action for a {item.get_kind_display().lower()}.")
    if decision.reason_clause and decision.reason_clause not in clauses:
        raise ChannelError("That clause is not in the school's current policy.")
    if decision.action == "reject" and not (decision.reason_clause or decision.reason_text.strip()):
        raise ChannelError("Give a reason for rejecting: choose one of the school's clauses or write one.")
    if decision.action == "edit" and not decision.edited_text.strip():
        raise ChannelError("Write the edited text to publish.")


@transaction.atomic
def decide(school, item_id: int, *, actor, version: int, decision: Decision, request=None) -> ReviewItem:
    """One moderator's decision. A second moderator acting on the same item is told and changes nothing."""
    item = ReviewItem.objects.select_for_update().get(pk=item_id, school=school)
    clauses = {clause_id: clause.text for clause_id, clause in clause_index(school).items()}
    _check(item, version, decision, clauses)

    model = Post if item.kind == ReviewItem.Kind.POST else Comment
    target = model.objects.select_for_update().get(pk=item.post_id if item.kind == ReviewItem.Kind.POST else item.comment_id)
    if model is Post and decision.action in ("approve", "edit") and (target.status == Post.Status.PHOTO_CHECK or target.photo_check_pending):
        raise ChannelError("This post's photo has not been checked yet: nobody has said who is in it, so it cannot be published. "
                           "Finish the photo check first.")
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
    item.decided_at, item.decided_by, item.decided_by_label = now, actor, actor_label(actor)
    item.reason_clause, item.reason_text = decision.reason_clause, decision.reason_text.strip()
    item.edited_text = decision.edited_text.strip() if decision.action == "edit" else ""
    item.save()
    record(
        EVENT_FOR[decision.action], actor=actor, school=school, target=item,
        summary=f"{item.get_status_display()}: {item.get_kind_display().lower()} by {item.author_label}",
        item_kind=item.kind, target_id=target.pk, clause=decision.reason_clause, reason=item.reason_text,
        edited=bool(item.edited_text), original_kept=bool(item.edited_text),
    )
    if item.author is not None:
        _notify_decision(item, target, clauses.get(decision.reason_clause, ""), request)
    return item


def first_words(text: str, n: int = 8) -> str:
    """The opening words of what someone wrote, so a notice says which comment it is about."""
    words = (text or "").split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def _notify_decision(item: ReviewItem, target, clause_text: str, request) -> Notification:
    school = item.school
    what = "post" if item.kind == ReviewItem.Kind.POST else "comment"
    post = target if item.kind == ReviewItem.Kind.POST else target.post
    instead, url = "", reverse("channel:post", args=[school.slug, post.pk])
    if item.status == ReviewItem.Status.APPROVED:
        title, text = f"Your {what} was approved", f"Your {what} is now published on {school.name}'s channel."
    elif item.status == ReviewItem.Status.EDITED:
        title = f"Your {what} was published with changes"
        text = f"The school published your {what} with changes. It now reads: \"{item.edited_text}\". Your original wording is kept on record."
    elif item.status == ReviewItem.Status.REJECTED:
        title = f"Your {what} was not published"
        text = f"The school did not publish your {what} “{first_words(item.text)}”."
        if item.reason_text:
            text += f" Reason: {item.reason_text}"
        if what == "comment":
            instead = (
                f"If you have a concern, our policy asks you to raise it privately with {channels_sentence(school)}, "
                f"so it can be dealt with fairly. You can send a private message to the school. "
                f"You are welcome to write a new comment that keeps to the policy."
            )
            url = reverse("channel:concern_new", args=[school.slug]) + f"?post={post.pk}"
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
    body = [f"Dear {item.author_label},", "", text]
    if item.reason_clause:
        body += ["", f"The school's policy says: \"{clause_text}\""]
    if instead:
        body += ["", "What you can do instead: " + instead]
    body += ["", request.build_absolute_uri(url) if request is not None else url, "", school.name]
    send_after_commit(f"{school.name}: {title.lower()}", "\n".join(body), [item.author.email])
    return note
