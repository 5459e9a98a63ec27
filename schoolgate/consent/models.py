"""The consent register: per pupil and purpose, every answer a parent/carer gave (never edited, only added
to), the never-publish flags, biometric consent and face templates (PoFA 2012), the school's settings, and
the photos the school used outside the app with their take-downs.

"Not asked" is the absence of an answer; the current answer is the latest one, and it has expired when it
was given before the start of the current academic year (see `academic_year_start`).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    pass


class Purpose(models.TextChoices):
    CHANNEL = "channel", "The school channel"
    WEBSITE = "website", "The school website"
    SOCIAL_MEDIA = "social_media", "The school's social media accounts"
    NEWSLETTER = "newsletter", "Newsletters and print"
    PRESS = "press", "Local press"
    VIDEO = "video", "Video"


# The purposes a photo used outside the app can have (the channel is inside it).
EXTERNAL_PURPOSES = [(p.value, p.label) for p in Purpose if p != Purpose.CHANNEL]


class Answer(models.TextChoices):
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class Method(models.TextChoices):
    APP = "app", "In the app"
    PAPER = "paper", "Paper form"
    PHONE = "phone", "Phone call"


class AppendOnly(models.Model):
    """Rows that are never changed or deleted through the ORM: a correction is a new row."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{self._meta.verbose_name} rows are never changed; add a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} rows are never deleted.")


class ConsentSettings(models.Model):
    """The school's consent settings, created on first use (`for_school`)."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="consent_settings")
    # The academic year ends on this day (31 August in England); consent given before the next day lapses.
    year_end_month = models.PositiveSmallIntegerField(default=8)
    year_end_day = models.PositiveSmallIntegerField(default=31)
    # Face matching (biometric): off until the school records its signed DPIA and switches it on.
    matching_enabled = models.BooleanField(default=False)
    dpia_signed_by = models.CharField(max_length=200, blank=True)
    dpia_signed_on = models.DateField(null=True, blank=True)
    # The start of the last academic year whose expiry the daily job has propagated.
    expiry_noticed_for = models.DateField(null=True, blank=True)

    @classmethod
    def for_school(cls, school) -> ConsentSettings:
        return cls.objects.get_or_create(school=school)[0]

    @property
    def dpia_recorded(self) -> bool:
        return bool(self.dpia_signed_by and self.dpia_signed_on)

    def year_end(self, year: int) -> dt.date:
        day = min(self.year_end_day, calendar.monthrange(year, self.year_end_month)[1])
        return dt.date(year, self.year_end_month, day)

    def academic_year_start(self, today: dt.date | None = None) -> dt.date:
        """The first day of the academic year `today` falls in (the day after the last year end)."""
        today = today or timezone.localdate()
        start = self.year_end(today.year) + dt.timedelta(days=1)
        if start > today:
            start = self.year_end(today.year - 1) + dt.timedelta(days=1)
        return start

    def academic_year(self, today: dt.date | None = None) -> int:
        """The calendar year the current academic year starts in (2026 for 2026/27)."""
        return self.academic_year_start(today).year


class ConsentAnswer(AppendOnly):
    """One answer for one pupil and one purpose. Never updated or deleted: every change is a new row."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="consent_answers")
    pupil = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="consent_answers")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    answer = models.CharField(max_length=10, choices=Answer.choices)
    given_by = models.ForeignKey("schools.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="consents_given")
    given_by_name = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_label = models.CharField(max_length=200, blank=True)
    answered_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_on", "-id"]
        indexes = [models.Index(fields=["school", "pupil", "purpose"])]


class NeverPublish(models.Model):
    """Never publish this pupil's image (looked-after or adopted, court order, safeguarding): overrides every
    consent while it stands. The reason is for leadership's eyes only. Lifting keeps the row."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="never_publish_flags")
    pupil = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="never_publish_flags")
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_by_label = models.CharField(max_length=200)
    set_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lifted_by_label = models.CharField(max_length=200, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]


class BiometricConsent(AppendOnly):
    """A parent's written biometric consent or objection, or the pupil's own refusal (PoFA 2012 ss.26-28)."""

    class Kind(models.TextChoices):
        PARENT_CONSENT = "parent_consent", "A parent/carer's written consent"
        PARENT_OBJECTION = "parent_objection", "A parent/carer's objection"
        PUPIL_REFUSAL = "pupil_refusal", "The pupil's own refusal"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="biometric_consents")
    pupil = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="biometric_consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given_by_name = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_label = models.CharField(max_length=200, blank=True)
    given_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-id"]


class FaceTemplate(models.Model):
    """A consenting pupil's face descriptor (128 float64), enrolled for one academic year. Special category
    data (UK GDPR Art. 9): deleted at once on an objection or refusal, or when matching is switched off."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="face_templates")
    pupil = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="face_templates")
    descriptor = models.BinaryField()
    academic_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)


class ExternalUse(models.Model):
    """A photo the school used outside the app (website, social media, newsletter, press, video)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="external_uses")
    purpose = models.CharField(max_length=20, choices=EXTERNAL_PURPOSES)
    where = models.CharField(max_length=500, help_text="A web address, or where it was printed.")
    description = models.CharField(max_length=300, blank=True)
    who_must_act = models.CharField(max_length=300, blank=True, help_text="Who can take it down or edit it (a name or a role).")
    pupils = models.ManyToManyField("schools.Person", related_name="external_uses")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_label = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]


class TakeDown(models.Model):
    """An external use that must come down (or be edited) because a pupil in it lost consent."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="take_downs")
    external_use = models.ForeignKey(ExternalUse, on_delete=models.CASCADE, related_name="take_downs")
    pupil = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="take_downs")
    reason = models.CharField(max_length=300)
    who_must_act = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_by_label = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["done_at", "-created_at", "-id"]


class RenewalReminder(AppendOnly):
    """One renewal e-mail to one parent/carer: the campaign never writes to a parent more than weekly."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="consent_reminders")
    parent = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="consent_reminders")
    sent_on = models.DateField()
    academic_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-id"]
