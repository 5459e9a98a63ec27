"""Load the seed policies shipped as data files (`schoolgate/policies/seeds/*.toml`)."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import School

from .audit_events import AuditEvent
from .models import Clause, PolicyVersion, ProcedureStep, ReviewEvent

SEED_SLUGS = ("stokes-wood", "high-hesket")


def seed_data(slug: str) -> dict:
    path = resources.files("schoolgate.policies.seeds").joinpath(f"{slug}.toml")
    if not path.is_file():
        raise ValueError(f"No seed policy for '{slug}'. Known: {', '.join(SEED_SLUGS)}")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def create_version(school: School, data: dict, *, status: str, actor=None, approved_by_label: str = "") -> PolicyVersion:
    policy = data["policy"]
    version = PolicyVersion.objects.create(
        school=school,
        title=policy["title"],
        version=policy.get("version", "1"),
        status=status,
        adopted_on=_date(policy.get("adopted")),
        next_review=_date(policy.get("next_review")),
        review_interval_months=policy.get("review_interval_months", 12),
        data=data,
        approved_by_label=approved_by_label,
    )
    for order, clause in enumerate(data.get("clauses", []), start=1):
        Clause.objects.create(
            version=version,
            clause_id=clause["id"],
            heading=clause.get("heading", ""),
            text=clause["text"],
            categories=list(clause.get("categories", [])),
            examples=list(clause.get("examples", [])),
            order=order,
        )
    for step in data.get("steps", []):
        ProcedureStep.objects.create(
            version=version,
            step_id=step["id"],
            order=step["order"],
            title=step["title"],
            text=step["text"],
            conditions=dict(step.get("conditions", {})),
            letter=step.get("letter", ""),
        )
    for reviewed in policy.get("review_history", []):
        ReviewEvent.objects.create(version=version, reviewed_on=_date(reviewed), note="Reviewed")
    return version


@transaction.atomic
def load_seed(slug: str, *, actor=None) -> tuple[School, PolicyVersion, bool]:
    """Create the school (if new) and its seed policy version. Returns (school, version, created)."""
    data = seed_data(slug)
    info = data["school"]
    school, _ = School.objects.get_or_create(
        slug=info["slug"],
        defaults={"name": info["name"], "address": info.get("address", ""), "complaints_url": info.get("complaints_url", "")},
    )
    existing = school.policy_versions.filter(version=data["policy"].get("version", "1")).first()
    if existing is not None:
        return school, existing, False
    policy = data["policy"]
    version = create_version(
        school,
        data,
        status=PolicyVersion.Status.PUBLISHED,
        approved_by_label=policy.get("signed_by") or policy.get("adopted_by") or "",
    )
    signed = _date(policy.get("signed_on")) or version.adopted_on
    version.published_at = (
        timezone.make_aware(dt.datetime.combine(signed, dt.time(9))) if signed else timezone.now()
    )
    version.save(update_fields=["published_at"])
    record(
        AuditEvent.LOAD_SEED,
        actor=actor,
        school=school,
        target=version,
        summary=f"Loaded {version.title} ({version.clauses.count()} clauses, {version.steps.count()} procedure steps)",
    )
    return school, version, True
