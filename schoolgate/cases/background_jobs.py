"""The case documents the background worker prepares (asked by `schools.background.kinds()`).

Each builder checks again, in the worker, that the person who asked may still see what they asked for (a
case assignment can change between the click and the work), then reads and renders outside any transaction.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from schoolgate.pdf import render_pdf
from schoolgate.schools.access import roles_for
from schoolgate.schools.background import BackgroundJob, JobFailed, Output
from schoolgate.schools.models import LEADERSHIP, Person

from . import chronology as chron
from .models import Case
from .packs import evidence_pack_pdf, subject_access_zip


def visible_cases(job: BackgroundJob):
    user = job.created_by
    if user is None:
        raise JobFailed("The person who asked for this no longer has an account.")
    return Case.objects.visible_to(user, job.school, roles_for(user, job.school))


def job_case(job: BackgroundJob) -> Case:
    case = visible_cases(job).filter(pk=job.params.get("case")).select_related("school").first()
    if case is None:
        raise JobFailed("You can no longer see this case.")
    return case


def job_parent(job: BackgroundJob) -> tuple[Person, list[Case]]:
    person = Person.objects.filter(school=job.school, pk=job.params.get("person"), kind=Person.Kind.PARENT).first()
    if person is None:
        raise JobFailed("This parent/carer is no longer on the roster.")
    cases = list(visible_cases(job).filter(parent=person).order_by("opened_at"))
    return person, cases


def evidence_pack(job: BackgroundJob, progress) -> Output:
    case = job_case(job)
    pdf = evidence_pack_pdf(case, job.created_by, progress)
    return Output(f"{case.reference}-evidence-pack.pdf", "application/pdf", pdf, f"{case.evidence.count()} evidence item(s)")


def case_chronology(job: BackgroundJob, progress) -> Output:
    case = job_case(job)
    progress(0, 2)
    entries = chron.for_case(case, include_private=True)
    progress(1, 2)
    pdf = render_pdf("cases/chronology_pdf.html", {"school": case.school, "title": f"{case.reference}: chronology", "cases": [case], "entries": entries})
    return Output(f"{case.reference}-chronology.pdf", "application/pdf", pdf, f"{len(entries)} entries")


def parent_chronology(job: BackgroundJob, progress) -> Output:
    person, cases = job_parent(job)
    if not cases:
        raise JobFailed("There are no cases you can see about this parent/carer.")
    progress(0, 2)
    entries = chron.for_cases(cases, include_private=True, school=job.school, user=person.user)
    progress(1, 2)
    pdf = render_pdf("cases/chronology_pdf.html", {"school": job.school, "title": f"Chronology: {person.name}", "cases": cases, "entries": entries})
    return Output(f"chronology-{person.pk}.pdf", "application/pdf", pdf, f"{len(entries)} entries, {len(cases)} case(s)")


def subject_access(job: BackgroundJob, progress) -> Output:
    if not roles_for(job.created_by, job.school) & LEADERSHIP:
        raise JobFailed("Only the Headteacher or the DSL can prepare a subject access export.")
    person, _ = job_parent(job)
    data, summary = subject_access_zip(job.school, person, progress)
    return Output(f"subject-access-{job.school.slug}-{person.pk}.zip", "application/zip", data,
                  json.dumps(summary, cls=DjangoJSONEncoder)[:500])


def job_kinds() -> dict:
    return {
        "evidence_pack": evidence_pack,
        "case_chronology": case_chronology,
        "parent_chronology": parent_chronology,
        "subject_access": subject_access,
    }
