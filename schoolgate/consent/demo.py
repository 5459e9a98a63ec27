"""Demo consent data for both seed schools: a register with a mix of answers (granted, refused, not asked,
one expired, one never-publish flag), one photo used on the school website, and one pending take-down
(a parent withdrew after the photo went up).

Idempotent: a school that already has consent answers is left alone. Everything goes through the
register's own state changes, so the audit log records it all.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from schoolgate.mail import quiet
from schoolgate.schools.models import Person, School

from .answers import record_answer, withdraw
from .external import record_external_use
from .flags import set_never_publish
from .models import ConsentAnswer, ConsentSettings

ALL = ["channel", "website", "social_media", "newsletter", "press", "video"]

DEMO = {
    "stokes-wood": {
        "office": "office@stokes-wood.demo",
        "head": "head@stokes-wood.demo",
        # (pupil, parent name, [(purpose, answer)], method, this year?)
        "answers": [
            ("Oliver Bennett", "Kelly Bennett", [(p, "granted") for p in ALL], "app", True),
            ("William Shah", "Ravi Shah", [("channel", "granted"), ("website", "granted"), ("newsletter", "granted"), ("social_media", "refused"), ("press", "refused")], "paper", True),
            ("Noah Wright", "Joanne Wright", [(p, "granted") for p in ALL], "paper", False),  # last year: expired
            ("Grace Okoro", "Mrs Okoro", [(p, "granted") for p in ("channel", "website", "newsletter")], "phone", True),
            ("Isla Murphy", "Mr Murphy", [(p, "granted") for p in ALL], "paper", True),
        ],
        "never": ("Isla Murphy", "Adopted; the court order forbids any image that could identify her."),
        "external": ("website", "https://www.stokes-wood.example/news/sports-day", "Sports day gallery", ["Oliver Bennett", "William Shah"]),
        "withdraw": ("William Shah", "website", "Ravi Shah"),
    },
    "high-hesket": {
        "office": "office@high-hesket.demo",
        "head": "head@high-hesket.demo",
        "answers": [
            ("Jack Robinson", "Mark Robinson", [(p, "granted") for p in ALL], "app", True),
            ("Harry Nixon", "Claire Nixon", [("channel", "granted"), ("website", "refused"), ("newsletter", "granted")], "phone", True),
            ("Ella Thompson", "Peter Grant", [(p, "granted") for p in ALL], "paper", False),
            ("Poppy Armstrong-Lee", "Mrs Armstrong-Lee", [("channel", "granted"), ("newsletter", "granted")], "paper", True),
        ],
        "never": ("Poppy Armstrong-Lee", "Looked-after child: no images to be published."),
        "external": ("newsletter", "Autumn newsletter (printed and on the website)", "Harvest festival photo", ["Jack Robinson", "Harry Nixon"]),
        "withdraw": ("Jack Robinson", "newsletter", "Mark Robinson"),
    },
}


def build(stdout=None):
    User = get_user_model()
    today = timezone.localdate()
    with quiet():
        for slug, spec in DEMO.items():
            school = School.objects.filter(slug=slug).first()
            if school is None or ConsentAnswer.objects.filter(school=school).exists():
                continue
            office, head = User.objects.get(username=spec["office"]), User.objects.get(username=spec["head"])
            start = ConsentSettings.for_school(school).academic_year_start(today)
            pupil = {p.name: p for p in Person.objects.filter(school=school, kind=Person.Kind.PUPIL)}
            parent = {p.name: p for p in Person.objects.filter(school=school, kind=Person.Kind.PARENT)}
            for name, parent_name, answers, method, this_year in spec["answers"]:
                when = max(start, today - dt.timedelta(days=3)) if this_year else start - dt.timedelta(days=200)
                for purpose, answer in answers:
                    by = parent.get(parent_name)
                    record_answer(school, pupil[name], purpose, answer, given_by=by, given_by_name=parent_name,
                                  method=method if by or method != "app" else "paper", recorded_by=None if method == "app" and by else office,
                                  answered_on=when)
            name, reason = spec["never"]
            set_never_publish(school, pupil[name], reason=reason, actor=head)
            purpose, where, description, names = spec["external"]
            record_external_use(school, purpose=purpose, where=where, description=description, pupils=[pupil[n] for n in names], actor=office)
            name, purpose, parent_name = spec["withdraw"]
            by = parent.get(parent_name)
            withdraw(school, pupil[name], purpose, given_by=by, method="app" if by else "phone", recorded_by=None if by else office)
            if stdout is not None:
                stdout.write(f"{school.name}: consent register with {ConsentAnswer.objects.filter(school=school).count()} answers, one pending take-down")
