"""A school, the people in its community, and who may do what there.

`Person` is the roster: everyone the judge should recognise (pupils, staff, governors, parents), with
aliases ("Olly", "Mr Hughes"). `Membership` gives a log-in account a role at one school; one account may
hold roles at two schools. Parents/carers are linked to their own children through `Guardianship`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from schoolgate.judge.types import Person as JudgePerson
from schoolgate.judge.types import Roster


class Role(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    DSL = "dsl", "Designated safeguarding lead"
    OFFICE = "office", "Office (moderator)"
    TEACHER = "teacher", "Teacher"
    GOVERNOR = "governor", "Governor"
    PARENT = "parent", "Parent/carer"


STAFF_ROLES = frozenset({Role.HEADTEACHER, Role.DSL, Role.OFFICE, Role.TEACHER, Role.GOVERNOR})
LEADERSHIP = frozenset({Role.HEADTEACHER, Role.DSL})
MODERATORS = frozenset({Role.HEADTEACHER, Role.DSL, Role.OFFICE})
EVERYONE = frozenset(Role.values)


def actor_label(user, *, nobody: str = "") -> str:
    """How a person is named in records and messages: their full name, else their log-in; `nobody` for None."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()


class School(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    headteacher_name = models.CharField(max_length=200, blank=True)
    headteacher_email = models.EmailField(blank=True)
    chair_name = models.CharField("Chair of Governors", max_length=200, blank=True)
    chair_email = models.EmailField("Chair of Governors' e-mail", blank=True)
    complaints_url = models.URLField("complaints procedure", blank=True)
    letterhead = models.TextField(blank=True, help_text="Shown at the top of letters: name, address, contact lines.")
    # Data protection settings (the school's own retention schedule).
    case_retention_years = models.PositiveSmallIntegerField(default=6)
    chat_file_retention_days = models.PositiveSmallIntegerField(default=30)
    # Channel: this many rejected comments in 30 days suggests opening a case.
    rejections_before_case = models.PositiveSmallIntegerField(default=3)
    # Log-in security (issue 13; schools/two_factor.py, schools/reauth.py): a code from an authenticator app
    # after the password for every staff account (on for every new school, as the DfE's standards ask for
    # staff who see sensitive data), and how long a log-in lasts idle and at most.
    two_factor_required = models.BooleanField("two-factor log-in for staff", default=True)
    session_idle_minutes = models.PositiveSmallIntegerField("log out after this many idle minutes", default=30)
    session_max_hours = models.PositiveSmallIntegerField("log out after this many hours in all", default=12)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def roster(self) -> Roster:
        """The roster as the judge sees it."""
        return Roster(tuple(p.as_judge_person() for p in self.people.all()))

    def current_policy(self):
        return self.policy_versions.filter(status="published").order_by("-published_at", "-id").first()


class Person(models.Model):
    class Kind(models.TextChoices):
        PUPIL = "pupil", "Pupil"
        STAFF = "staff", "Staff"
        GOVERNOR = "governor", "Governor"
        PARENT = "parent", "Parent/carer"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    group = models.CharField(max_length=120, blank=True, help_text="Year group or class for pupils, job title for staff.")
    aliases = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    # Contact details for letters (optional roster columns): "Dear Mrs Bennett", the postal address, e-mail.
    title = models.CharField(max_length=20, blank=True, help_text="Mr, Mrs, Ms, Miss, Dr… used in letters.")
    address = models.TextField(blank=True, help_text="Postal address, one line per line.")
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "kind", "name"], name="unique_person_per_school")]

    def __str__(self):
        return self.name

    @property
    def salutation(self) -> str:
        """"Dear Mrs Bennett" where the roster knows a title, the full name otherwise."""
        surname = self.name.split()[-1] if self.name.split() else self.name
        return f"Dear {self.title} {surname}" if self.title else f"Dear {self.name}"

    def as_judge_person(self) -> JudgePerson:
        return JudgePerson(name=self.name, role=self.kind, group=self.group, aliases=tuple(self.aliases))


class Guardianship(models.Model):
    """A parent/carer and their own child at the school."""

    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="children_links")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="parent_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parent", "child"], name="unique_guardianship")]


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships")
    # Channel permission: may write posts (granted by the headteacher or office).
    can_post = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "school", "role"], name="unique_role_per_school")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.school}"

    def children(self):
        if self.person_id is None:
            return Person.objects.none()
        return Person.objects.filter(parent_links__parent=self.person).order_by("name")


# The background job (exports, large imports) is defined beside its life cycle; imported here so Django finds it.
from .background import BackgroundJob  # noqa: E402, F401
