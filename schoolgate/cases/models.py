"""Cases: one concern about one parent/carer (or "unknown"), worked through the school's own ladder.

Records here follow CPOMS: evidence, step decisions, letters and notes are only ever added. A
correction is a new evidence item that points at the one it corrects. The one exception is the
retention purge (`jobs.purge_expired`), which removes a whole closed case once the school's retention
period has passed, and says so in the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from schoolgate.schools.models import LEADERSHIP, Role

from .retention import purge_due_on

# The longest text kept in one field of a case record (evidence text, outcomes, notes).
MAX_TEXT = 50_000

# Flags staff may record about a case; ProcedureStep.conditions["assessments"] uses these names.
ASSESSMENTS: dict[str, str] = {
    "defamatory": "Content is alleged to be defamatory",
    "harassment": "Harassment (a crime) is suspected",
    "racial": "The posting has a racial element",
    "grossly_obscene": "Grossly obscene",
    "grossly_offensive": "Grossly offensive",
    "threatens_violence": "Threatens violence",
    "on_school_forum": "Posted on a school forum (the school channel)",
}


class CaseRecordError(RuntimeError):
    """Raised when code tries to change or delete a record that may only be added to."""


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, school, roles):
        """The one rule for who sees which case; every case view and download goes through it.

        Headteacher and DSL: every case of the school. Office: cases assigned to them or that they
        were added to. Teachers and governors: only cases they were added to. Parents: none.
        """
        qs = self.filter(school=school)
        if not getattr(user, "is_authenticated", False):
            return qs.none()
        roles = frozenset(roles)
        if roles & LEADERSHIP:
            return qs
        if roles & {Role.OFFICE, Role.TEACHER, Role.GOVERNOR}:
            return qs.filter(Q(assigned_to=user) | Q(members=user)).distinct()
        return qs.none()


class Case(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", "Opened by hand"
        REVIEW_QUEUE = "review_queue", "Rejected item in the review queue"
        CHAT_SCAN = "chat_scan", "Chat-scan finding"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="cases")
    policy_version = models.ForeignKey("policies.PolicyVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    parent = models.ForeignKey("schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    parent_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases_about")
    # Kept as text too, so a case still names its subject if the roster row goes; "" means unknown.
    parent_name = models.CharField(max_length=200, blank=True)
    concern = models.TextField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    assessments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_memberships")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return f"{self.reference}: {self.subject_name}"

    @property
    def reference(self) -> str:
        return f"CASE-{self.pk:05d}" if self.pk else "CASE-new"

    @property
    def subject_name(self) -> str:
        return self.parent_name or "Unknown parent/carer"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def purge_due_on(self) -> dt.date | None:
        """The last day this closed case is kept (`jobs.purge_expired` removes it the day after)."""
        if self.closed_at is None:
            return None
        return purge_due_on(timezone.localdate(self.closed_at), self.school.case_retention_years)

    def assessment_labels(self) -> list[str]:
        return [ASSESSMENTS.get(a, a) for a in self.assessments]

    def finding_categories(self) -> set[str]:
        cats = set()
        for item in self.evidence.all():
            for f in (item.verdict or {}).get("findings", ()):
                cats.add(f.get("category"))
        cats.discard(None)
        return cats

    def findings(self) -> list[dict]:
        out = []
        for item in self.evidence.all():
            for f in (item.verdict or {}).get("findings", ()):
                out.append({**f, "evidence": item})
        return out

    def clause_ids(self) -> list[str]:
        seen = []
        for f in self.findings():
            if f.get("clause") and f.get("breach", True) and f["clause"] not in seen:
                seen.append(f["clause"])
        return seen

    def delete(self, *args, purge=False, **kwargs):
        if not purge:
            raise CaseRecordError("Cases are never deleted; they are closed and purged after the retention period.")
        return super().delete(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet):
    def delete(self):
        raise CaseRecordError(f"{self.model._meta.verbose_name} records are never deleted while the case exists.")

    delete.queryset_only = True

    def purge(self) -> int:
        """Delete these rows: for the retention purge only (`jobs.purge_expired`, which removes the whole
        closed case and writes the audit entry). Newest first, so a correction goes before the item it
        corrects (`Evidence.corrects` protects a corrected item). Returns the number of rows deleted."""
        deleted = 0
        for pk in self.order_by("-pk").values_list("pk", flat=True):
            # The base manager's queryset is Django's own, whose delete() is not refused.
            deleted += self.model._base_manager.filter(pk=pk).delete()[1].get(self.model._meta.label, 0)
        return deleted

    purge.queryset_only = True  # never on the manager: purging is always of a chosen set of rows


class AppendOnly(models.Model):
    """Rows that are written once. Saving an existing row or deleting one (alone or by queryset) is refused;
    the retention purge removes them with `purge()`."""

    mutable_fields: tuple[str, ...] = ()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= set(self.mutable_fields):
                raise CaseRecordError(f"{self._meta.verbose_name} records are never changed; add a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise CaseRecordError(f"{self._meta.verbose_name} records are never deleted while the case exists.")


class Evidence(AppendOnly):
    class Kind(models.TextChoices):
        TEXT = "text", "Pasted text"
        URL = "url", "Web address"
        FILE = "file", "File or screenshot"

    mutable_fields = ("verdict", "judge_note")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=2000, blank=True)
    seen_on = models.DateField(null=True, blank=True)
    file = models.CharField(max_length=300, blank=True, help_text="Path under MEDIA_ROOT.")
    original_name = models.CharField(max_length=200, blank=True, help_text="As uploaded; shown only, never used as a path.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where it came from (review queue item, chat scan...).")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_by_label = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    # The judge's verdict on text evidence (`policies.judging.judge_record` layout). A held record
    # (`unavailable`: the judge could not run) may be replaced once by a real verdict; a real one stays.
    verdict = models.JSONField(null=True, blank=True)
    judge_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return f"E{self.pk} {self.get_kind_display()}: {self.label or self.sha256[:12]}"

    @property
    def number(self) -> str:
        return f"E{self.pk}"

    @property
    def is_judged(self) -> bool:
        return bool(self.verdict) and not self.verdict.get("unavailable")

    def content_bytes(self) -> bytes:
        """The exact bytes that were hashed."""
        if self.kind == self.Kind.FILE:
            with default_storage.open(self.file, "rb") as fh:
                return fh.read()
        if self.kind == self.Kind.URL:
            return self.url.encode()
        return self.text.encode()

    def verify(self) -> bool:
        try:
            return hashlib.sha256(self.content_bytes()).hexdigest() == self.sha256
        except OSError:
            return False


class StepAction(AppendOnly):
    class Status(models.TextChoices):
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_actions")
    step_id = models.CharField(max_length=80)
    # A snapshot of the school's step as it read when the action was taken.
    step_title = models.CharField(max_length=200)
    step_order = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    outcome = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    letter = models.ForeignKey("Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class Letter(models.Model):
    """A letter drafted from the case, edited, then sent: once sent it is frozen with its PDF and hash."""

    class Kind(models.TextChoices):
        REMOVAL_REQUEST = "removal_request", "Request to remove content"
        MEETING_INVITATION = "meeting_invitation", "Invitation to a meeting with the Headteacher"
        WARNING = "warning", "Formal warning"
        HOST_REPORT = "host_report", "Report to the platform host"
        POLICE_REFERRAL = "police_referral", "Police referral summary"
        RESTRICTION_NOTICE = "restriction_notice", "Notice of restriction of forum access"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"

    class Delivery(models.TextChoices):
        EMAIL = "email", "E-mail it now with the PDF attached"
        POST = "post", "I have posted it (or will post it today)"
        HAND = "hand", "I have handed it over in person"
        ONLINE = "online", "I have submitted it through the platform's reporting route"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    step_id = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recipient = models.CharField(max_length=300)
    recipient_address = models.TextField(blank=True)
    recipient_email = models.EmailField(blank=True)
    salutation = models.CharField(max_length=200, blank=True, help_text="“Dear Mrs Bennett”: the title and surname where the roster knows a title.")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # Removal-by date, meeting date and time, or the end of a restriction.
    deadline = models.DateTimeField(null=True, blank=True)
    restriction_kind = models.CharField(max_length=20, blank=True)
    context = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    file = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # How the letter reached its recipient, and who sent, posted or handed it over.
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True)
    delivered_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            stored = Letter.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.SENT:
                raise CaseRecordError("A sent letter is never changed; draft a new letter instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise CaseRecordError("Letters are never deleted while the case exists.")

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def delivery_sentence(self) -> str:
        """What happened to the letter, in the words the case page and the chronology use."""
        who = self.delivered_by_label
        return {
            self.Delivery.EMAIL: f"E-mailed to {self.recipient_email} with the PDF attached, by {who}",
            self.Delivery.POST: f"Marked as posted by {who}",
            self.Delivery.HAND: f"Marked as handed over by {who}",
            self.Delivery.ONLINE: f"Marked as submitted through the platform's reporting route by {who}",
        }.get(self.delivery, f"Sent by {who}" if who else "Sent")

    def pdf_bytes(self) -> bytes:
        with default_storage.open(self.file, "rb") as fh:
            return fh.read()

    def verify(self) -> bool:
        try:
            return bool(self.sha256) and hashlib.sha256(self.pdf_bytes()).hexdigest() == self.sha256
        except OSError:
            return False


class Deadline(models.Model):
    class Kind(models.TextChoices):
        REMOVAL = "removal", "Content to be removed by"
        MEETING = "meeting", "Meeting with the Headteacher"
        RESTRICTION_ENDS = "restriction_ends", "Forum restriction ends"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    letter = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    met_note = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_at:%d %b %Y}"

    @property
    def short_name(self) -> str:
        """"the removal date", "the meeting"…: for sentences such as "… has passed"."""
        return {self.Kind.REMOVAL: "the removal date", self.Kind.MEETING: "the meeting date",
                self.Kind.RESTRICTION_ENDS: "the end of the forum restriction"}.get(self.kind, "the deadline")

    @property
    def described(self) -> str:
        """"Content to be removed by 30 November 2026"."""
        return f"{self.get_kind_display()} {timezone.localtime(self.due_at):%-d %B %Y}"

    @property
    def is_overdue(self) -> bool:
        return self.met_at is None and self.due_at < timezone.now()


class Note(AppendOnly):
    """A private staff note on the case; never shown to the parent, withheld from their export."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    private = models.BooleanField(default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class CaseEvent(AppendOnly):
    """Things that happen to a case that are not items, steps, letters or notes (opened, assessed, closed)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class ScreenshotReading(AppendOnly):
    """The messages read from a screenshot (an `Evidence` file, whose bytes are never altered), each with
    its box on the image and its verdict: a derived record linked to the original. A member of staff's
    correction of a misread word is a new reading that `corrects` the one before; the first stays."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="readings")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="corrections")
    # One dict per message: author, time, text, box [x, y, w, h], segments, decision, explanation, findings, on_roster.
    messages = models.JSONField(default=list)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    engine = models.CharField(max_length=100)
    # For a correction: {"message": index, "was": words read, "now": words meant, "reason": why}.
    correction = models.JSONField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_by_label = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]


class ScreenshotReveal(AppendOnly):
    """A member of staff chose to see the names of people on a screenshot who are not on the roster (shown
    to everyone else as "Participant N"), and said why."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="screenshot_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
