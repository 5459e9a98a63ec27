"""Channel panels on the dashboard: the review queue, cases to consider, restrictions, replies waiting."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from schoolgate.schools.models import MODERATORS

from .models import REJECTION_WINDOW_DAYS, Concern, Notification, Post, ReviewItem
from .restrictions import active_restriction


def dashboard_panels(request) -> list[dict]:
    school, user, roles = request.school, request.user, request.roles
    panels = []
    if roles & MODERATORS:
        pending = ReviewItem.objects.filter(school=school, status=ReviewItem.Status.PENDING)
        n = pending.count()
        if n:
            high = pending.filter(risk__gte=2).count()
            panels.append({
                "level": "warning" if high else "info",
                "title": f"{n} item{'s' if n != 1 else ''} waiting in the review queue",
                "text": f"{high} of them high risk." if high else "Posts and comments wait here until a moderator decides.",
                "url": reverse("channel:queue", args=[school.slug]),
            })
        if school.rejections_before_case:
            since = timezone.now() - dt.timedelta(days=REJECTION_WINDOW_DAYS)
            rows = (ReviewItem.objects.filter(school=school, kind=ReviewItem.Kind.COMMENT, status=ReviewItem.Status.REJECTED, decided_at__gte=since)
                    .values("author_label").annotate(n=Count("id")).filter(n__gte=school.rejections_before_case))
            for row in rows:
                panels.append({
                    "level": "warning",
                    "title": f"Consider opening a case: {row['author_label']}",
                    "text": f"{row['n']} comments rejected in the last {REJECTION_WINDOW_DAYS} days (the school's threshold is {school.rejections_before_case}).",
                    "url": reverse("channel:queue", args=[school.slug]) + "?state=decided",
                })
    waiting_photos = Post.objects.filter(school=school, status=Post.Status.PHOTO_CHECK)
    if not roles & MODERATORS:
        waiting_photos = waiting_photos.filter(author=user)
    first = waiting_photos.order_by("created_at").first()
    if first is not None:
        n = waiting_photos.count()
        panels.append({
            "level": "warning",
            "title": f"{n} post{'s' if n != 1 else ''} waiting for a photo check",
            "text": "Say who is in the photo before it can be published; faces without consent are blurred.",
            "url": reverse("channel:photo_check", args=[school.slug, first.pk]),
        })
    restriction = active_restriction(school, user)
    if restriction is not None:
        panels.append({
            "level": "warning",
            "title": f"You are restricted on the school channel until {restriction.ends_on:%-d %B %Y}",
            "text": f"{restriction.get_kind_display()}. Reason: {restriction.reason}",
            "url": reverse("channel:home", args=[school.slug]),
        })
    unread = Notification.objects.filter(school=school, user=user, read_at__isnull=True).count()
    if unread:
        panels.append({"level": "info", "title": f"{unread} new notification{'s' if unread != 1 else ''}", "text": "Decisions on your posts and comments, and replies from the school.",
                       "url": reverse("channel:notifications", args=[school.slug])})
    waiting = Concern.objects.filter(school=school, recipients=user, responded_at__isnull=True).count()
    if waiting:
        panels.append({"level": "info", "title": f"{waiting} private concern{'s' if waiting != 1 else ''} waiting for your reply", "text": "Parents/carers raised these privately, as the policy asks.",
                       "url": reverse("channel:concerns", args=[school.slug])})
    return panels
