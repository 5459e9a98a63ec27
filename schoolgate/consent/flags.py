"""Never-publish flags (looked-after or adopted children, court orders, safeguarding): set and lifted by
the Headteacher or DSL only (the views enforce the role). A flag overrides every consent at once, so
setting one is a loss of consent for every purpose."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import Person, actor_label

from .audit_events import AuditEvent
from .errors import ConsentError
from .losses import consent_lost
from .models import NeverPublish, Purpose


@transaction.atomic
def set_never_publish(school, pupil, *, reason: str, actor) -> NeverPublish:
    if pupil.school_id != school.pk or pupil.kind != Person.Kind.PUPIL:
        raise ConsentError("Choose a pupil from this school's roster.")
    reason = (reason or "").strip()
    if not reason:
        raise ConsentError("Give the reason. Only the Headteacher and DSL will see it.")
    Person.objects.select_for_update().filter(pk=pupil.pk).first()
    if NeverPublish.objects.filter(school=school, pupil=pupil, lifted_at__isnull=True).exists():
        raise ConsentError(f"{pupil.name} is already flagged never publish.")
    flag = NeverPublish.objects.create(school=school, pupil=pupil, reason=reason, set_by=actor, set_by_label=actor_label(actor))
    # The reason stays out of the audit summary (which more people may read); the details keep it.
    record(AuditEvent.NEVER_PUBLISH_SET, actor=actor, school=school, target=flag, summary=f"{pupil.name} flagged never publish")
    consent_lost(school, [pupil.pk], Purpose.values, cause="never_publish", actor=actor)
    return flag


@transaction.atomic
def lift_never_publish(flag: NeverPublish, *, actor) -> NeverPublish:
    flag = NeverPublish.objects.select_for_update().get(pk=flag.pk)
    if flag.lifted_at is not None:
        raise ConsentError(f"This flag was already lifted by {flag.lifted_by_label}.")
    flag.lifted_at, flag.lifted_by, flag.lifted_by_label = timezone.now(), actor, actor_label(actor)
    flag.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label"])
    record(AuditEvent.NEVER_PUBLISH_LIFT, actor=actor, school=flag.school, target=flag, summary=f"Never-publish flag lifted for {flag.pupil.name}")
    return flag
