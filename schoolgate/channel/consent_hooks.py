"""Consent lost reaches what the channel already shows (issue 10, part 4).

The consent app calls `consent_lost(school, pupil_ids, purposes)` (through `schoolgate.plugins.hooks`, from
its background task, after the withdrawal, never-publish flag or expiry is committed). For every channel
post whose photo check in force shows one of those pupils' faces, the photo is redacted again from the
stored original with that face now blurred: a new `PhotoCheck` that supersedes the old one, its own
`Appearance` rows, and an audit entry. If the original is gone, the post is taken down instead. Running it
twice changes nothing the second time (the face is already blurred).

Posts still in the review queue are included: approving one later must not publish a face whose consent
has since been withdrawn.
"""

from __future__ import annotations

import logging

from django.db import transaction

from schoolgate.audit.models import record
from schoolgate.consent.queries import consent_state
from schoolgate.photos.redact import redact

from . import photo_checks
from .audit_events import AuditEvent
from .errors import ChannelError
from .models import Appearance, PhotoCheck, Post

log = logging.getLogger(__name__)

LABEL = "Schoolgate (consent withdrawn)"


def affected_posts(school, pupil_ids, purposes) -> list[int]:
    """Posts whose photo check in force shows one of these pupils for one of these purposes."""
    return sorted(set(Appearance.objects.filter(
        school=school, person_id__in=list(pupil_ids), action=Appearance.Action.KEEP,
        photo_check__status=PhotoCheck.Status.COMPLETE, photo_check__superseded_by__isnull=True,
        photo_check__purpose__in=list(purposes),
    ).values_list("post_id", flat=True)))


def consent_lost(school, pupil_ids, purposes) -> int:
    """Re-redact (or take down) every affected post; returns how many posts changed. One post's failure is
    logged and the others still go ahead: each post is its own transaction."""
    pupil_ids, purposes = [int(p) for p in pupil_ids], [str(p) for p in purposes]
    if photo_checks.PURPOSE not in purposes or not pupil_ids:
        return 0
    changed = 0
    for post_id in affected_posts(school, pupil_ids, purposes):
        changed += bool(reredact(school, post_id, set(pupil_ids)))
    return changed


@transaction.atomic
def reredact(school, post_id: int, pupil_ids: set[int]) -> PhotoCheck | None:
    post = Post.objects.select_for_update().filter(school=school, pk=post_id).first()
    if post is None:
        return None
    current = post.current_check()
    if current is None or not current.is_complete:
        return None
    current = PhotoCheck.objects.select_for_update().get(pk=current.pk)
    if current.superseded_by_id is not None:
        return None
    old = list(current.appearances.order_by("number"))
    lost = [a for a in old if a.person_id in pupil_ids and a.action == Appearance.Action.KEEP]
    if not lost:
        return None  # already blurred: a second call (or a race with another worker) changes nothing
    states = {a.person_id: consent_state(school, a.person_id, current.purpose) for a in lost}
    new = PhotoCheck.objects.create(
        school=school, post=post, purpose=current.purpose, status=PhotoCheck.Status.COMPLETE, reason=PhotoCheck.Reason.CONSENT_LOST,
        faces=current.faces, answers=current.answers, checked_at=current.checked_at, checked_by=None, checked_by_label=LABEL,
    )
    Appearance.objects.bulk_create([_copy(a, new, states) for a in old])
    current.superseded_by = new
    current.save(update_fields=["superseded_by"])
    names = ", ".join(a.person_label for a in lost)
    try:
        image = photo_checks.load_original(post)
    except ChannelError:
        return _take_down(post, new, names, lost)
    boxes = [a.box for a in new.appearances.filter(action=Appearance.Action.BLUR)]
    photo_checks.publish_file(post, redact(image, [tuple(b) for b in boxes]))
    post.save(update_fields=["image"])
    new.note = f"Consent lost for {names}: their face is now blurred."
    new.save(update_fields=["note"])
    record(AuditEvent.PHOTO_REREDACTED, actor=None, school=school, target=post,
           summary=f"Photo on post {post.pk} redacted again: consent lost for {len(lost)} pupil{'s' if len(lost) != 1 else ''}",
           check=new.pk, superseded=current.pk, faces=[a.number for a in lost], pupils=[a.person_id for a in lost],
           states={str(k): v for k, v in states.items()})
    return new


def _copy(a: Appearance, check: PhotoCheck, states: dict[int, str]) -> Appearance:
    lost = a.person_id in states
    return Appearance(
        school=a.school, photo_check=check, post=a.post, number=a.number, box=a.box, score=a.score, kind=a.kind, person=a.person,
        person_label=a.person_label, identified_by=a.identified_by, distance=a.distance,
        consent=states[a.person_id] if lost else a.consent,
        action=Appearance.Action.BLUR if lost else a.action,
        reason=("consent withdrawn" if states[a.person_id] == "granted" else photo_checks.BLUR_REASONS.get(states[a.person_id], "consent withdrawn")) if lost else a.reason,
    )


def _take_down(post: Post, check: PhotoCheck, names: str, lost) -> PhotoCheck:
    """No original to redact again: the post comes down, and its published photo is deleted."""
    was = post.status
    if post.image:
        post.image.storage.delete(post.image.name)
        post.image = ""
    post.status = Post.Status.TAKEN_DOWN
    post.save(update_fields=["image", "status"])
    check.note = f"Consent lost for {names}; the original photo is gone, so the post was taken down."
    check.save(update_fields=["note"])
    record(AuditEvent.POST_TAKEN_DOWN, actor=None, school=post.school, target=post,
           summary=f"Post {post.pk} taken down: consent lost for a pupil in its photo and the original could not be redacted again",
           check=check.pk, previous_status=was, pupils=[a.person_id for a in lost])
    log.warning("channel post %s taken down: original photo missing while re-redacting", post.pk)
    return check
