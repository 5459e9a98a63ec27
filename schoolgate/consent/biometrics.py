"""Face matching under the Protection of Freedoms Act 2012 ss.26-28 and UK GDPR Art. 9.

- Matching is off until the school records who signed its DPIA and when, and then switches it on.
- A pupil may be enrolled only with a parent's written biometric consent (recorded apart from photo
  consent) and no later objection from any parent or refusal by the pupil: the latest biometric record
  decides, so a new written consent after an objection is the school's record that it was resolved.
- An objection or refusal deletes the pupil's face templates at once, in the same transaction.
- Switching matching off deletes every template of the school: the reason to hold them has gone
  (storage limitation), and switching it back on means enrolling again.
- Templates belong to one academic year; `gallery` offers only this year's, and enrolling replaces older ones.
Without matching, the photo check's manual tagging is always available (the non-biometric alternative).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import Person, actor_label

from .audit_events import AuditEvent
from .errors import ConsentError
from .models import BiometricConsent, ConsentSettings, FaceTemplate

DESCRIPTOR_SIZE = 128
STOPS = frozenset({BiometricConsent.Kind.PARENT_OBJECTION, BiometricConsent.Kind.PUPIL_REFUSAL})


def latest_biometric(school, pupil) -> BiometricConsent | None:
    return BiometricConsent.objects.filter(school=school, pupil=pupil).order_by("-given_on", "-id").first()


def biometric_eligible(school, pupil) -> bool:
    latest = latest_biometric(school, pupil)
    return latest is not None and latest.kind == BiometricConsent.Kind.PARENT_CONSENT


def _delete_templates(school, pupils=None) -> int:
    templates = FaceTemplate.objects.filter(school=school)
    if pupils is not None:
        templates = templates.filter(pupil__in=pupils)
    deleted, _ = templates.delete()
    return deleted


@transaction.atomic
def record_biometric(school, pupil, kind: str, *, given_by_name: str, actor, given_on: dt.date | None = None) -> BiometricConsent:
    """Record a parent's consent or objection, or the pupil's refusal; the last two delete templates now."""
    if pupil.school_id != school.pk or pupil.kind != Person.Kind.PUPIL:
        raise ConsentError("Choose a pupil from this school's roster.")
    if kind not in BiometricConsent.Kind.values:
        raise ConsentError("Choose consent, objection or the pupil's refusal.")
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise ConsentError("The date cannot be in the future.")
    name = (given_by_name or (pupil.name if kind == BiometricConsent.Kind.PUPIL_REFUSAL else "")).strip()
    if not name:
        raise ConsentError("Give the name of the person who gave it.")
    Person.objects.select_for_update().filter(pk=pupil.pk).first()
    row = BiometricConsent.objects.create(school=school, pupil=pupil, kind=kind, given_by_name=name[:200], given_on=given_on,
                                          recorded_by=actor, recorded_by_label=actor_label(actor))
    record(AuditEvent.BIOMETRIC, actor=actor, school=school, target=row, summary=f"{pupil.name}: {row.get_kind_display()} ({name})")
    if kind in STOPS:
        deleted = _delete_templates(school, [pupil])
        record(AuditEvent.TEMPLATES_DELETED, actor=actor, school=school, target=pupil,
               summary=f"{pupil.name}: {deleted} face template{'s' if deleted != 1 else ''} deleted ({row.get_kind_display().lower()})", deleted=deleted)
    return row


def _as_bytes(descriptor) -> bytes:
    array = np.asarray(descriptor, dtype=np.float64)
    if array.shape != (DESCRIPTOR_SIZE,) or not np.all(np.isfinite(array)):
        raise ConsentError(f"A face descriptor is {DESCRIPTOR_SIZE} numbers.")
    return array.tobytes()


@transaction.atomic
def enrol(pupil, descriptors, *, actor=None) -> list[FaceTemplate]:
    """Store this academic year's templates for a consenting pupil (replacing any earlier ones)."""
    school = pupil.school
    settings = ConsentSettings.objects.select_for_update().get_or_create(school=school)[0]
    if not (settings.matching_enabled and settings.dpia_recorded):
        raise ConsentError("Face matching is switched off at this school.")
    Person.objects.select_for_update().filter(pk=pupil.pk).first()
    if pupil.kind != Person.Kind.PUPIL or not biometric_eligible(school, pupil):
        raise ConsentError(f"{pupil.name} has no current biometric consent: their face cannot be stored.")
    blobs = [_as_bytes(d) for d in descriptors]
    if not blobs:
        raise ConsentError("No face descriptors to enrol.")
    year = settings.academic_year()
    _delete_templates(school, [pupil])
    templates = FaceTemplate.objects.bulk_create([FaceTemplate(school=school, pupil=pupil, descriptor=b, academic_year=year) for b in blobs])
    record(AuditEvent.ENROL, actor=actor, school=school, target=pupil, summary=f"{pupil.name}: {len(templates)} face template(s) enrolled for {year}/{(year + 1) % 100:02d}")
    return templates


def gallery(school) -> dict[str, list[np.ndarray]]:
    """Roster name -> this year's descriptors of every pupil eligible now; empty unless matching is on."""
    settings = ConsentSettings.for_school(school)
    if not (settings.matching_enabled and settings.dpia_recorded):
        return {}
    found: dict[str, list[np.ndarray]] = {}
    templates = FaceTemplate.objects.filter(school=school, academic_year=settings.academic_year()).select_related("pupil").order_by("pupil__name", "id")
    eligible: dict[int, bool] = {}
    for template in templates:
        if template.pupil_id not in eligible:
            eligible[template.pupil_id] = biometric_eligible(school, template.pupil)
        if eligible[template.pupil_id]:
            found.setdefault(template.pupil.name, []).append(np.frombuffer(bytes(template.descriptor), dtype=np.float64).copy())
    return found


@transaction.atomic
def record_dpia(school, *, signed_by: str, signed_on: dt.date, actor) -> ConsentSettings:
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise ConsentError("Give the name of the person who signed the DPIA.")
    if signed_on is None or signed_on > timezone.localdate():
        raise ConsentError("Give the date the DPIA was signed (not in the future).")
    settings = ConsentSettings.objects.select_for_update().get_or_create(school=school)[0]
    settings.dpia_signed_by, settings.dpia_signed_on = signed_by[:200], signed_on
    settings.save(update_fields=["dpia_signed_by", "dpia_signed_on"])
    record(AuditEvent.DPIA, actor=actor, school=school, summary=f"DPIA for face matching signed by {signed_by} on {signed_on:%-d %B %Y}")
    return settings


@transaction.atomic
def set_matching(school, enabled: bool, *, actor) -> ConsentSettings:
    settings = ConsentSettings.objects.select_for_update().get_or_create(school=school)[0]
    if enabled and not settings.dpia_recorded:
        raise ConsentError("Record who signed the DPIA, and when, before switching face matching on.")
    if settings.matching_enabled == enabled:
        return settings
    settings.matching_enabled = enabled
    settings.save(update_fields=["matching_enabled"])
    if enabled:
        record(AuditEvent.MATCHING_ON, actor=actor, school=school, summary="Face matching switched on")
    else:
        deleted = _delete_templates(school)
        record(AuditEvent.MATCHING_OFF, actor=actor, school=school, summary=f"Face matching switched off; {deleted} face template(s) deleted", deleted=deleted)
    return settings
