"""A school's policy versions: verbatim clauses with their categories, the procedure ladder, reviews.

The full data of a version (objectives, legal framework, "consider before posting" questions, judge
thresholds...) is kept in `data`, in the same layout as the seed files, so nothing in a school's
document is lost; clauses and steps are also rows because other records cite them by id.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from schoolgate.judge.types import Clause as JudgeClause
from schoolgate.judge.types import PolicyView

DUE_SOON_DAYS = 60


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="policy_versions")
    title = models.CharField(max_length=300)
    version = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(null=True, blank=True)
    next_review = models.DateField(null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(default=12)
    change_summary = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_by_label = models.CharField(max_length=200, blank=True, help_text="Who approved it, as written on the document.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["school", "version"], name="unique_policy_version")]

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def policy(self) -> dict:
        return self.data.get("policy", {})

    def review_state(self, today: dt.date | None = None) -> str:
        """'overdue', 'due' (within DUE_SOON_DAYS) or 'ok'."""
        if self.next_review is None:
            return "ok"
        today = today or timezone.localdate()
        if self.next_review < today:
            return "overdue"
        if (self.next_review - today).days <= DUE_SOON_DAYS:
            return "due"
        return "ok"

    def policy_view(self) -> PolicyView:
        judge = self.data.get("judge", {})
        clauses = tuple(
            JudgeClause(id=c.clause_id, heading=c.heading, text=c.text, categories=tuple(c.categories), examples=tuple(c.examples))
            for c in self.clauses.all()
        )
        return PolicyView(
            school_slug=self.school.slug,
            school_name=self.school.name,
            clauses=clauses,
            channels=tuple(self.policy.get("channels", ("class_teacher", "headteacher", "chair_of_governors"))),
            review_threshold=float(judge.get("review", 0.5)),
            block_threshold=float(judge.get("block", 0.85)),
            category_thresholds=dict(judge.get("categories", {})),
        )


class Clause(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="clauses")
    clause_id = models.CharField(max_length=80)
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField(help_text="Verbatim from the school's document.")
    categories = models.JSONField(default=list, blank=True)
    examples = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "clause_id"], name="unique_clause_id")]

    def __str__(self):
        return f"{self.clause_id}: {self.text[:60]}"


class ProcedureStep(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="steps")
    step_id = models.CharField(max_length=80)
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="Verbatim from the school's document.")
    # {"categories": [...], "assessments": [...]}: the step opens when any matches; empty = always open.
    conditions = models.JSONField(default=dict, blank=True)
    letter = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["version", "step_id"], name="unique_step_id")]

    def __str__(self):
        return f"{self.order}. {self.title}"

    @property
    def is_conditional(self) -> bool:
        return bool(self.conditions.get("categories") or self.conditions.get("assessments"))

    def opens_for(self, categories=(), assessments=()) -> bool:
        if not self.is_conditional:
            return True
        return bool(set(self.conditions.get("categories", ())) & set(categories)) or bool(
            set(self.conditions.get("assessments", ())) & set(assessments)
        )


class ReviewEvent(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["reviewed_on"]


class Acknowledgement(models.Model):
    """One person's acknowledgement of one published version; created pending at publication."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acknowledgements")
    notified_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="unique_acknowledgement")]

    @property
    def pending(self) -> bool:
        return self.acknowledged_at is None
