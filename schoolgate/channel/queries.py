"""Read-only questions the channel asks: the school's policy data, who may post or moderate, and an
author's record for the review queue. Nothing here changes anything."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from schoolgate.schools.models import MODERATORS, Membership, Role

from .models import REJECTION_WINDOW_DAYS, Restriction, ReviewItem


def policy_data(school) -> dict:
    version = school.current_policy()
    return version.policy if version else {}


def is_administrator(school, user) -> bool:
    return Membership.objects.filter(school=school, user=user, role__in=MODERATORS).exists()


def can_post(school, user) -> bool:
    return Membership.objects.filter(school=school, user=user, can_post=True).exclude(role=Role.PARENT).exists()


def _rejected_comments(school):
    since = timezone.now() - dt.timedelta(days=REJECTION_WINDOW_DAYS)
    return ReviewItem.objects.filter(school=school, kind=ReviewItem.Kind.COMMENT, status=ReviewItem.Status.REJECTED, decided_at__gte=since)


def recent_rejections(school, user) -> int:
    return _rejected_comments(school).filter(author=user).count()


def suggests_case(school, user) -> bool:
    return school.rejections_before_case > 0 and recent_rejections(school, user) >= school.rejections_before_case


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
    for row in _rejected_comments(school).filter(author_id__in=user_ids).values("author_id").annotate(n=Count("id")):
        out[row["author_id"]]["recent_rejections"] = row["n"]
    for r in Restriction.objects.filter(school=school, user_id__in=user_ids).order_by("-created_at"):
        out[r.user_id]["restrictions"].append(r)
    for history in out.values():
        history["suggest_case"] = school.rejections_before_case > 0 and history["recent_rejections"] >= school.rejections_before_case
        history["total_decisions"] = sum(history["decisions"].values())
    return out
