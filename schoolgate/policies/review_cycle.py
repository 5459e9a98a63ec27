"""The review cycle: draft a new version, approve and publish it, notify, acknowledge, remind."""

from __future__ import annotations

import copy
import hashlib
import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.mail import send_after_commit
from schoolgate.schools.models import actor_label

from .audit_events import AuditEvent
from .loader import create_version
from .models import Acknowledgement, PolicyVersion, ReviewEvent, add_months


class PolicyError(ValueError):
    pass


def draft_from(current: PolicyVersion, *, version_label: str, actor) -> PolicyVersion:
    """Start the annual review: a draft copy of the current version, clauses and steps included."""
    if current.school.policy_versions.filter(version=version_label).exists():
        raise PolicyError(f"There is already a version called '{version_label}'.")
    data = copy.deepcopy(current.data)
    data["policy"]["version"] = version_label
    # Clause edits made on the current version's rows must carry over, so rebuild from rows.
    data["clauses"] = [
        {"id": c.clause_id, "heading": c.heading, "text": c.text, "categories": c.categories, "examples": c.examples}
        for c in current.clauses.all()
    ]
    draft = create_version(current.school, data, status=PolicyVersion.Status.DRAFT, actor=actor)
    draft.next_review = add_months(timezone.localdate(), current.review_interval_months)
    draft.save(update_fields=["next_review"])
    record(AuditEvent.DRAFT, actor=actor, school=current.school, target=draft, summary=f"Started review: draft {version_label}")
    return draft


def fingerprint(version: PolicyVersion) -> str:
    """A digest of what the head sees on the check page: if it changes before they press publish, ask again."""
    content = {
        "next_review": version.next_review.isoformat() if version.next_review else None,
        "change_summary": version.change_summary,
        "clauses": [[c.clause_id, c.heading, c.text, sorted(c.categories)] for c in version.clauses.all()],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def differences(draft: PolicyVersion, previous: PolicyVersion | None) -> dict:
    """What the draft changes from the version now published: for the "check your answers" page."""
    old = {c.clause_id: c for c in previous.clauses.all()} if previous else {}
    new = {c.clause_id: c for c in draft.clauses.all()}
    changed, added = [], []
    for clause_id, c in new.items():
        before = old.get(clause_id)
        if before is None:
            added.append(c)
        elif (before.heading, before.text, sorted(before.categories)) != (c.heading, c.text, sorted(c.categories)):
            changed.append({"before": before, "after": c})
    removed = [c for clause_id, c in old.items() if clause_id not in new]
    return {
        "changed": changed,
        "added": added,
        "removed": removed,
        "next_review": (previous.next_review if previous else None, draft.next_review),
        "none": not (changed or added or removed),
    }


def audience(school):
    """Everyone who must acknowledge a published version: staff, governors and parents/carers."""
    User = get_user_model()
    return User.objects.filter(memberships__school=school, is_active=True).distinct()


@transaction.atomic
def publish(draft: PolicyVersion, *, actor, request=None, checked: str | None = None) -> int:
    """Approve and publish a draft: record the approver, supersede the old version, notify everyone else.

    `checked` is the fingerprint the head saw on the check page; a draft changed since then is refused.
    The approver has read what they approve, so their acknowledgement is recorded at publication.
    """
    draft = PolicyVersion.objects.select_for_update().get(pk=draft.pk)
    if draft.status != PolicyVersion.Status.DRAFT:
        raise PolicyError("Only a draft can be published; this version has already been published.")
    if checked is not None and checked != fingerprint(draft):
        raise PolicyError("The draft has changed since you checked it. Check the changes again before you publish.")
    if not draft.clauses.exists():
        raise PolicyError("A policy needs at least one clause before it can be published.")
    school = draft.school
    previous = list(school.policy_versions.filter(status=PolicyVersion.Status.PUBLISHED))
    school.policy_versions.filter(status=PolicyVersion.Status.PUBLISHED).update(status=PolicyVersion.Status.SUPERSEDED)
    now = timezone.now()
    draft.status = PolicyVersion.Status.PUBLISHED
    draft.approved_by = actor
    draft.approved_by_label = actor_label(actor)
    draft.published_at = now
    draft.save()
    ReviewEvent.objects.create(version=draft, reviewed_on=timezone.localdate(), note=f"Approved by {draft.approved_by_label}")
    members = list(audience(school))
    people = [u for u in members if u.pk != actor.pk]
    Acknowledgement.objects.bulk_create(
        [Acknowledgement(version=draft, user=u, notified_at=now, acknowledged_at=now if u.pk == actor.pk else None) for u in members]
    )
    record(
        AuditEvent.PUBLISH,
        actor=actor,
        school=school,
        target=draft,
        summary=f"Published {draft.title} version {draft.version}; {len(people)} people asked to acknowledge",
        superseded=[v.version for v in previous],
    )
    link = _ack_link(draft, request)
    _send(draft, people, link, reminder=False)
    return len(people)


def _ack_link(version: PolicyVersion, request) -> str:
    path = reverse("policies:acknowledge", args=[version.school.slug, version.pk])
    return request.build_absolute_uri(path) if request is not None else path


def _send(version: PolicyVersion, users, link: str, *, reminder: bool) -> None:
    """One e-mail per person, after the publication or reminder is committed."""
    subject = ("Reminder: " if reminder else "") + f"{version.school.name} has updated its social media policy"
    for user in users:
        body = (
            f"Dear {actor_label(user)},\n\n"
            f"{version.school.name} has published version {version.version} of its policy "
            f"\"{version.title}\".\n\n"
            f"{version.change_summary or 'Please read it.'}\n\n"
            f"Please read it and confirm you have done so: {link}\n"
        )
        send_after_commit(subject, body, [user.email])


@transaction.atomic
def acknowledge(version: PolicyVersion, user) -> Acknowledgement:
    ack, _ = Acknowledgement.objects.select_for_update().get_or_create(version=version, user=user)
    if ack.acknowledged_at is None:
        ack.acknowledged_at = timezone.now()
        ack.save(update_fields=["acknowledged_at"])
        record(AuditEvent.ACKNOWLEDGE, actor=user, school=version.school, target=version, summary=f"Acknowledged version {version.version}")
    return ack


def send_reminders(version: PolicyVersion, *, actor=None, min_days_between: int = 7, request=None) -> int:
    """Remind everyone who has not acknowledged (at most once every `min_days_between` days)."""
    now = timezone.now()
    cutoff = now - timezone.timedelta(days=min_days_between)
    pending = version.acknowledgements.filter(acknowledged_at__isnull=True).select_related("user")
    due = [a for a in pending if a.last_reminded_at is None or a.last_reminded_at <= cutoff]
    if not due:
        return 0
    with transaction.atomic():
        for ack in due:
            ack.reminders_sent += 1
            ack.last_reminded_at = now
            ack.save(update_fields=["reminders_sent", "last_reminded_at"])
        record(AuditEvent.REMIND, actor=actor, school=version.school, target=version, summary=f"Reminded {len(due)} people to acknowledge")
    _send(version, [a.user for a in due], _ack_link(version, request), reminder=True)
    return len(due)
