"""What cases add to the channel's review queue (a `review_queue` hook, see `schoolgate.plugins`).

The channel does not know cases exist: it asks its hooks for badges on an author (an open case about
them) and actions on an item ("Open a case" on a rejected comment or post).
"""

from __future__ import annotations

from django.urls import reverse

from schoolgate.schools.models import MODERATORS

from .models import Case


def author_badges(school, user_ids) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    ids = [u for u in set(user_ids) if u is not None]
    for case in Case.objects.filter(school=school, parent_user_id__in=ids, status=Case.Status.OPEN).order_by("opened_at"):
        out.setdefault(case.parent_user_id, []).append(
            {"text": f"open case {case.reference}", "url": reverse("cases:detail", args=[school.slug, case.pk]), "level": "review"}
        )
    return out


def item_actions(request, item) -> list[dict]:
    if item.status != item.Status.REJECTED or not (request.roles & MODERATORS):
        return []
    return [{"label": "Open a case", "url": reverse("cases:open_from_review", args=[request.school.slug, item.pk])}]
