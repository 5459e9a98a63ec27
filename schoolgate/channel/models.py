"""The school channel: posts, pre-moderated comments, one review queue, private concerns, restrictions.

Stokes Wood's policy: "Only administrators and approved users can add posts. No one can comment on
posts without going through the administrator. All content will be censored before posting."

- `Post` and `Comment` hold what was written and their state; nothing submitted is ever overwritten:
  a comment keeps `original_text`, and every version that went to a moderator is a `ReviewItem` snapshot.
- `ReviewItem` is the one queue (Discourse's Reviewable): each kind (post, comment) declares its actions;
  the score comes from the judge's verdict and the author's record; `version` guards against two
  moderators deciding the same item.
- `Concern` is the private message to the school the policies ask parents to use instead.
- `Restriction` is the policy's "block or restrict that individual's access to ... forum".
- `Notification` is how decisions reach the author (plus e-mail).
- `PhotoCheck` and `Appearance`: a post's photo is checked before it is published (who is in it, whether
  each pupil's consent for the channel allows their face to be shown); the post keeps the original for
  staff and publishes only the redacted copy. A re-check (consent lost later) is a new `PhotoCheck`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from schoolgate.judge.types import CHANNEL_LABELS

REJECTION_WINDOW_DAYS = 30


def image_path(instance, filename: str) -> str:
    # The uploaded name is never reused: it may carry a child's name, and it is not needed.
    return f"channel/{instance.school.slug}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


def original_path(instance, filename: str) -> str:
    # Originals live apart from what is published, so no path to a published file leads to one.
    return f"channel/{instance.school.slug}/originals/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Audience(models.TextChoices):
    SCHOOL = "school", "The whole school"
    YEAR_GROUP = "year_group", "A year group"
    CLASS = "class", "A class"


class Post(models.Model):
    class Status(models.TextChoices):
        PHOTO_CHECK = "photo_check", "Waiting for its photo check"
        PENDING = "pending", "Waiting for approval"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Not published"
        REPHRASE = "rephrase", "Asked to rephrase"
        TAKEN_DOWN = "taken_down", "Taken down (consent withdrawn)"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="channel_posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="channel_posts")
    author_label = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.SCHOOL)
    group = models.CharField(max_length=120, blank=True, help_text="The year group or class, when the audience is one.")
    text = models.TextField()
    original_text = models.TextField(blank=True)
    # What parents see: for a post with a photo check, the redacted copy; empty until the check is complete.
    image = models.FileField(upload_to=image_path, blank=True)
    # The photo as uploaded (metadata already removed): staff with moderator or poster rights only, never parents.
    original_image = models.FileField(upload_to=original_path, blank=True)
    image_alt = models.CharField("image description", max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    verdict = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["school", "status", "-published_at"])]

    def __str__(self):
        return f"Post {self.pk} by {self.author_label}"

    @property
    def audience_label(self) -> str:
        return "Whole school" if self.audience == Audience.SCHOOL else self.group

    def current_check(self) -> PhotoCheck | None:
        """The photo check in force: the latest one not superseded (pending while staff are tagging)."""
        return self.photo_checks.filter(superseded_by__isnull=True).order_by("-created_at", "-id").first()

    @property
    def photo_check_pending(self) -> bool:
        return self.photo_checks.filter(status=PhotoCheck.Status.PENDING, superseded_by__isnull=True).exists()


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Not published"
        REPHRASE = "rephrase", "Asked to rephrase"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="channel_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="channel_comments")
    author_label = models.CharField(max_length=200)
    text = models.TextField(help_text="What is (or would be) published.")
    original_text = models.TextField(help_text="What the author first submitted; never changed.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    verdict = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Comment {self.pk} by {self.author_label}"


class ReviewItem(models.Model):
    """One thing waiting for (or given) a moderator's decision."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        APPROVED = "approved", "Approved"
        EDITED = "edited", "Edited and approved"
        REJECTED = "rejected", "Rejected"
        REPHRASE = "rephrase", "Asked to rephrase"

    # Each kind declares the actions a moderator can take on it.
    ACTIONS = {
        Kind.POST: ("approve", "reject", "edit", "rephrase"),
        Kind.COMMENT: ("approve", "reject", "edit", "rephrase"),
    }

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="review_items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="review_items")
    author_label = models.CharField(max_length=200)
    text = models.TextField(help_text="The text as submitted for this review (a snapshot).")
    verdict = models.JSONField(default=dict, blank=True)
    # Risk band: 0 clean, 1 the judge asks for review, 2 the judge would block; +1 for the author's record.
    risk = models.PositiveSmallIntegerField(default=0)
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True, help_text="Why it scores as it does, in words.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Bumped on every change: a moderator's form carries the version it was drawn from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_label = models.CharField(max_length=200, blank=True)
    reason_clause = models.CharField(max_length=80, blank=True)
    reason_text = models.TextField(blank=True)
    edited_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-risk", "-created_at"]
        indexes = [models.Index(fields=["school", "status", "-risk", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def risk_label(self) -> tuple[str, str]:
        """(words, css) for the card: a risk band in plain words, never a raw score."""
        if self.risk >= 2:
            return "High risk", "high"
        return ("Needs a look", "look") if self.risk == 1 else ("Looks fine", "fine")

    @property
    def high_risk(self) -> bool:
        return self.risk >= 2

    @property
    def plain_findings(self) -> list[dict]:
        """One line per kind of finding (category and clause), breaches first: what a moderator reads."""
        out, seen = [], set()
        for f in sorted(self.findings, key=lambda f: not (f.get("breach") and f.get("clause"))):
            key = (f.get("category"), f.get("clause"))
            if key not in seen:
                seen.add(key)
                out.append(f)
        return out

    @property
    def first_clause(self) -> str:
        """The clause the judge cited first: the Reject form's suggestion."""
        return next((f["clause"] for f in self.plain_findings if f.get("clause")), "")

    @property
    def actions(self) -> tuple[str, ...]:
        return self.ACTIONS.get(self.kind, ())

    @property
    def findings(self) -> list[dict]:
        return list(self.verdict.get("findings", []))

    @property
    def marks(self) -> list[dict]:
        return marks(self.findings)


class Notification(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="channel_notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_notifications")
    title = models.CharField(max_length=200)
    text = models.TextField()
    clause_id = models.CharField(max_length=80, blank=True)
    clause_text = models.TextField(blank=True)
    instead = models.TextField(blank=True, help_text="What the author can do instead.")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Concern(models.Model):
    """A private message to the school, routed to the person the parent chose."""

    class To(models.TextChoices):
        CLASS_TEACHER = "class_teacher", CHANNEL_LABELS["class_teacher"]
        HEADTEACHER = "headteacher", CHANNEL_LABELS["headteacher"]
        CHAIR = "chair_of_governors", CHANNEL_LABELS["chair_of_governors"]
        GOVERNING_BODY = "governing_body", CHANNEL_LABELS["governing_body"]
        COMPLAINTS = "complaints_procedure", CHANNEL_LABELS["complaints_procedure"]

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="concerns")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="channel_concerns")
    author_label = models.CharField(max_length=200)
    to = models.CharField(max_length=40, choices=To.choices)
    child = models.ForeignKey("schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The post the parent was reading when they chose to write privately instead of commenting.
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns")
    subject = models.CharField(max_length=200)
    text = models.TextField()
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="channel_concerns_received")
    routing_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    responded_by_label = models.CharField(max_length=200, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Concern {self.pk} to {self.get_to_display()}"


class PhotoCheck(models.Model):
    """One check of a post's photo for one purpose: the faces found, who each one is, and what was
    published. Never edited once complete: consent lost later makes a new check that supersedes it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff to say who is in the photo"
        COMPLETE = "complete", "Complete"

    class Reason(models.TextChoices):
        NEW_POST = "new_post", "Checked before publishing"
        CONSENT_LOST = "consent_lost", "Consent lost: checked again"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="channel_photo_checks")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="photo_checks")
    purpose = models.CharField(max_length=40, default="channel")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.NEW_POST)
    # Faces as the detector found them, numbered 1..n in reading order: [{"number", "box", "score",
    # "suggestion": name or null, "distance"}]. Kept so the numbers staff tag stay the numbers stored.
    faces = models.JSONField(default=list, blank=True)
    # What staff answered per face number (kind, pupil id), as submitted.
    answers = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_by_label = models.CharField(max_length=200, blank=True)
    superseded_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Photo check {self.pk} of post {self.post_id} ({self.status})"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE


class Appearance(models.Model):
    """Face number N of a checked photo: who it is (a roster pupil, or not), how they were identified,
    their consent for the check's purpose at the time, and whether the face was kept or blurred."""

    class Kind(models.TextChoices):
        PUPIL = "pupil", "A pupil"
        STAFF = "staff", "Staff"
        NOT_OURS = "not_ours", "Not from our school"
        HIDE = "hide", "Do not show"
        UNKNOWN = "unknown", "Unknown"

    class IdentifiedBy(models.TextChoices):
        TAG = "tag", "Tagged by staff"
        MATCH = "match", "Face match confirmed by staff"
        NONE = "", "Not identified"

    class Action(models.TextChoices):
        KEEP = "keep", "Shown"
        BLUR = "blur", "Blurred"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    photo_check = models.ForeignKey(PhotoCheck, on_delete=models.CASCADE, related_name="appearances")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="appearances")
    number = models.PositiveSmallIntegerField()
    box = models.JSONField(help_text="[x, y, width, height] in the original photo's pixels.")
    score = models.FloatField(default=0.0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)
    person = models.ForeignKey("schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="channel_appearances")
    person_label = models.CharField(max_length=200, blank=True)
    identified_by = models.CharField(max_length=10, choices=IdentifiedBy.choices, blank=True, default="")
    distance = models.FloatField(null=True, blank=True)
    consent = models.CharField(max_length=20, blank=True, help_text="The pupil's consent state for the purpose when checked.")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=200, blank=True, help_text="Why the face was blurred, in words.")

    class Meta:
        ordering = ["photo_check", "number"]
        constraints = [models.UniqueConstraint(fields=["photo_check", "number"], name="one_appearance_per_face_per_check")]
        indexes = [models.Index(fields=["school", "person", "action"])]

    def __str__(self):
        return f"Face {self.number} in post {self.post_id}: {self.person_label or self.get_kind_display()} ({self.action})"


class RestrictionQuerySet(models.QuerySet):
    def active(self, today: dt.date | None = None):
        """In force today: not lifted, and the end date not passed (expiry is computed on read)."""
        today = today or timezone.localdate()
        return self.filter(lifted_at__isnull=True, ends_on__gte=today)


class Restriction(models.Model):
    class Kind(models.TextChoices):
        HOLD = "hold", "All comments held for review"
        NO_COMMENT = "no_comment", "No commenting"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="channel_restrictions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_restrictions")
    user_label = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    ends_on = models.DateField(help_text="The last day the restriction applies.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by_label = models.CharField(max_length=200, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lifted_by_label = models.CharField(max_length=200, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user_label} until {self.ends_on}"

    def is_active(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.lifted_at is None and self.ends_on >= today

    @property
    def state(self) -> str:
        if self.lifted_at is not None:
            return "lifted"
        return "active" if self.is_active() else "ended"


def visible_posts(school, user, roles, child_groups=()):
    """Published posts this member may see: staff see all, parents the school's and their children's groups."""
    qs = Post.objects.filter(school=school, status=Post.Status.PUBLISHED)
    if roles - {"parent"}:
        return qs
    return qs.filter(Q(audience=Audience.SCHOOL) | Q(group__in=list(child_groups)))


def is_visible(post, roles, child_groups=()) -> bool:
    """`visible_posts` for one post already loaded: the same rule, without another query."""
    if post.status != Post.Status.PUBLISHED:
        return False
    return bool(roles - {"parent"}) or post.audience == Audience.SCHOOL or post.group in set(child_groups)


def marks(findings) -> list[dict]:
    """The spans to highlight: a span that contains a narrower finding's span (a whole-sentence
    allegation around "Hughes" and "useless") is left unmarked so the words that caused it stand out.
    The wide finding is still listed with its clause."""
    spans = [f for f in findings or () if f.get("end", 0) > f.get("start", 0)]
    return [
        f for f in spans
        if not any(o is not f and o["start"] >= f["start"] and o["end"] <= f["end"] and (o["end"] - o["start"]) < (f["end"] - f["start"]) for o in spans)
    ]

