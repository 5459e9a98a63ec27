"""Recording a parent/carer's answer for one pupil and one purpose: in the app, or a paper form or phone
call entered by named office staff. Every answer is a new row; withdrawing is recording a refusal and
takes effect at once (UK GDPR Art. 7(3): as easy as giving it)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import Guardianship, Person, actor_label

from .audit_events import AuditEvent
from .errors import ConsentError
from .losses import consent_lost
from .models import Answer, ConsentAnswer, Method, Purpose
from .queries import consent_state


def _check(school, pupil, purpose, answer, method, given_by, given_by_name, recorded_by, answered_on) -> str:
    if pupil.school_id != school.pk or pupil.kind != Person.Kind.PUPIL:
        raise ConsentError("Choose a pupil from this school's roster.")
    if purpose not in Purpose.values:
        raise ConsentError("Choose what the photo is used for.")
    if answer not in Answer.values:
        raise ConsentError("Choose granted or refused.")
    if method not in Method.values:
        raise ConsentError("Say how the answer was given: in the app, on a paper form or by phone.")
    if given_by is not None and (given_by.school_id != school.pk or given_by.kind != Person.Kind.PARENT):
        raise ConsentError("The answer must come from a parent/carer at this school.")
    if method == Method.APP and (given_by is None or not Guardianship.objects.filter(parent=given_by, child=pupil).exists()):
        raise ConsentError("Only the pupil's own parent/carer can answer in the app.")
    if method != Method.APP and recorded_by is None:
        raise ConsentError("A paper form or phone call is recorded by a named member of staff.")
    name = (given_by_name or (given_by.name if given_by else "")).strip()
    if not name:
        raise ConsentError("Give the name of the parent/carer who answered.")
    if answered_on > timezone.localdate():
        raise ConsentError("The date the parent/carer answered cannot be in the future.")
    return name


@transaction.atomic
def record_answer(school, pupil, purpose, answer, *, given_by=None, method, recorded_by, given_by_name: str = "",
                  answered_on: dt.date | None = None, audit: bool = True) -> ConsentAnswer:
    """Add one answer. If the pupil had consent for the purpose and no longer has, the loss is propagated."""
    purpose, answer, method = str(purpose), str(answer), str(method)
    answered_on = answered_on or timezone.localdate()
    name = _check(school, pupil, purpose, answer, method, given_by, given_by_name, recorded_by, answered_on)
    # One answer at a time per pupil, so "before" and "after" below describe this change only.
    Person.objects.select_for_update().filter(pk=pupil.pk).first()
    before = consent_state(school, pupil, purpose)
    row = ConsentAnswer.objects.create(
        school=school, pupil=pupil, purpose=purpose, answer=answer, given_by=given_by, given_by_name=name[:200], method=method,
        recorded_by=recorded_by, recorded_by_label=actor_label(recorded_by), answered_on=answered_on,
    )
    after = consent_state(school, pupil, purpose)
    if audit:
        record(AuditEvent.ANSWER, actor=recorded_by, school=school, target=row,
               summary=f"{pupil.name}: {Purpose(purpose).label} {answer} by {name} ({Method(method).label.lower()})",
               pupil=pupil.name, purpose=purpose, answer=answer, method=method, answered_on=answered_on, before=before, after=after)
    if before == "granted" and after != "granted":
        consent_lost(school, [pupil.pk], [purpose], cause="withdrawn", actor=recorded_by)
    return row


def withdraw(school, pupil, purpose, **kwargs) -> ConsentAnswer:
    """Withdraw consent: a refusal, recorded now; the loss reaches what was published."""
    return record_answer(school, pupil, purpose, Answer.REFUSED, **kwargs)
