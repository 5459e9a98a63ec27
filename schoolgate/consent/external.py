"""Photos the school used outside the app (website, social media, newsletters, press, video), and the
take-down list: when a pupil in one loses consent for its purpose, someone must take it down or edit it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import Person, actor_label

from .audit_events import AuditEvent
from .errors import ConsentError
from .models import EXTERNAL_PURPOSES, ExternalUse, Purpose, TakeDown
from .queries import states_for

# Who usually acts, when the school did not say who can take a use down.
WHO_ACTS = {
    Purpose.WEBSITE: "Whoever updates the school website",
    Purpose.SOCIAL_MEDIA: "The administrator of the school's social media accounts",
    Purpose.NEWSLETTER: "The office: remove the photo from the online copy and future prints",
    Purpose.PRESS: "The Headteacher: ask the newspaper to remove the photo from its website",
    Purpose.VIDEO: "Whoever published the video: remove it or blur the pupil",
}
REASONS = {"withdrawn": "Consent withdrawn", "expired": "Consent expired at the end of the academic year",
           "never_publish": "A never-publish flag was set", "no_consent": "Used without current consent"}


def who_must_act(use: ExternalUse) -> str:
    return use.who_must_act or WHO_ACTS.get(use.purpose, "The member of staff who published it")


def _take_down(use: ExternalUse, pupil_id: int, reason: str) -> TakeDown | None:
    if TakeDown.objects.filter(external_use=use, pupil_id=pupil_id, done_at__isnull=True).exists():
        return None
    return TakeDown.objects.create(school=use.school, external_use=use, pupil_id=pupil_id, reason=REASONS.get(reason, reason),
                                   who_must_act=who_must_act(use))


def create_take_downs(school, pupil_ids, purposes, *, reason: str) -> list[TakeDown]:
    """A take-down for every external use of these purposes that shows one of these pupils (none twice)."""
    created = []
    uses = ExternalUse.objects.filter(school=school, purpose__in=list(purposes), pupils__in=list(pupil_ids)).distinct()
    for use in uses.prefetch_related("pupils"):
        for pupil in use.pupils.all():
            if pupil.pk in pupil_ids:
                take_down = _take_down(use, pupil.pk, reason)
                if take_down is not None:
                    created.append(take_down)
    return created


@transaction.atomic
def record_external_use(school, *, purpose: str, where: str, pupils, actor, description: str = "", who: str = "") -> ExternalUse:
    """Record a photo used outside the app. A pupil in it without current consent for that purpose goes
    straight onto the take-down list."""
    if purpose not in dict(EXTERNAL_PURPOSES):
        raise ConsentError("Choose where the photo was used.")
    if not (where or "").strip():
        raise ConsentError("Say where the photo was used: a web address, or the newsletter's date.")
    pupils = list(pupils)
    if not pupils:
        raise ConsentError("Choose the pupils who appear in the photo.")
    if any(p.school_id != school.pk or p.kind != Person.Kind.PUPIL for p in pupils):
        raise ConsentError("Choose pupils from this school's roster.")
    use = ExternalUse.objects.create(school=school, purpose=purpose, where=where.strip(), description=description.strip(),
                                     who_must_act=who.strip(), recorded_by=actor, recorded_by_label=actor_label(actor))
    use.pupils.set(pupils)
    states = states_for(school, [p.pk for p in pupils])
    unconsented = [p for p in pupils if states[p.pk][purpose] != "granted"]
    for pupil in unconsented:
        _take_down(use, pupil.pk, "no_consent")
    record(AuditEvent.EXTERNAL_USE, actor=actor, school=school, target=use,
           summary=f"{use.get_purpose_display()}: {use.where} ({len(pupils)} pupil{'s' if len(pupils) != 1 else ''})",
           pupils=[p.name for p in pupils], without_consent=[p.name for p in unconsented])
    return use


@transaction.atomic
def mark_done(take_down: TakeDown, *, actor, note: str = "") -> TakeDown:
    take_down = TakeDown.objects.select_for_update().get(pk=take_down.pk)
    if take_down.done_at is not None:
        raise ConsentError(f"This take-down was already marked done by {take_down.done_by_label}.")
    take_down.done_at, take_down.done_by, take_down.done_by_label = timezone.now(), actor, actor_label(actor)
    take_down.done_note = (note or "").strip()[:300]
    take_down.save(update_fields=["done_at", "done_by", "done_by_label", "done_note"])
    record(AuditEvent.TAKE_DOWN_DONE, actor=actor, school=take_down.school, target=take_down,
           summary=f"Take-down done: {take_down.pupil.name} from {take_down.external_use.where}", note=take_down.done_note)
    return take_down
