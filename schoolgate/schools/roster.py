"""Roster import from CSV: header `name,role,group,aliases`, then optionally `title`, `address`, `email`.

- role: pupil, staff, governor or parent.
- group: the year group or class (pupils), the job title (staff, governors); for a parent/carer, the
  name(s) of their own child(ren) at the school, `;`-separated, which links them.
- aliases: `;`-separated other names the judge should recognise ("Olly", "Mr Hughes").
- title, address, email (optional columns, in any order after the first four): for letters. The address
  is one cell, its lines separated by new lines or `;`. A file without a column leaves what is known.

Every row is checked first; if any row is bad, nothing is imported and each problem is reported with
its line number. Re-importing the same file changes nothing (people are matched on school, role, name).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .models import Guardianship, Person, School

HEADER = ["name", "role", "group", "aliases"]
OPTIONAL = ("title", "address", "email")
MAX_TITLE = 20
MAX_ADDRESS = 500
ROLES = {"pupil", "staff", "governor", "parent"}
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RosterRow:
    line: int
    name: str
    role: str
    group: str
    aliases: list[str]
    contact: dict[str, str] = field(default_factory=dict)  # only the optional columns the file has


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged, {self.links} parent–child links"


class RosterError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def clean_contact(title: str, address: str, email: str) -> tuple[dict[str, str], list[str]]:
    """The contact details as stored, and what is wrong with them (shared by the import and the page)."""
    problems = []
    title = " ".join((title or "").split())
    lines = [part.strip() for part in (address or "").replace(";", "\n").splitlines() if part.strip()]
    address = "\n".join(lines)
    email = (email or "").strip()
    if len(title) > MAX_TITLE:
        problems.append(f"the title is longer than {MAX_TITLE} characters (write Mr, Mrs, Ms, Miss, Dr…)")
    if len(address) > MAX_ADDRESS:
        problems.append(f"the address is longer than {MAX_ADDRESS} characters")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"'{email[:80]}' is not a valid e-mail address")
    return {"title": title, "address": address, "email": email}, problems


def parse_roster(data: bytes | str) -> list[RosterRow]:
    """Parse and validate the whole file; raise RosterError listing every bad row."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise RosterError([f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RosterError(["The file is not UTF-8 text. Save it from your spreadsheet as 'CSV UTF-8'."]) from None
    text = data.lstrip("\ufeff")
    if not text.strip():
        raise RosterError(["The file is empty."])
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise RosterError([f"line 1: not a CSV file ({exc})"]) from None
    extra = header[4:]
    if header[:4] != HEADER or any(h not in OPTIONAL for h in extra) or len(set(extra)) != len(extra):
        raise RosterError([
            f"line 1: the header must be {','.join(HEADER)}, optionally followed by {', '.join(OPTIONAL)} "
            f"(found {','.join(header) or 'nothing'})"
        ])
    width = len(header)
    rows: list[RosterRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                errors.append(f"line {line}: more than {MAX_ROWS} rows; split the file")
                break
            if len(values) < 2 or len(values) > width:
                errors.append(f"line {line}: expected {width} columns ({','.join(header)}), found {len(values)}")
                continue
            values = values + [""] * (width - len(values))
            name, role, group, aliases = (v.strip() for v in values[:4])
            given = dict(zip(extra, values[4:], strict=True))
            contact, problems = clean_contact(given.get("title", ""), given.get("address", ""), given.get("email", ""))
            if problems:
                errors.extend(f"line {line}: {p}" for p in problems)
                continue
            contact = {k: v for k, v in contact.items() if k in given}
            role = role.lower()
            if not name:
                errors.append(f"line {line}: the name is empty")
                continue
            if len(name) > 200:
                errors.append(f"line {line}: the name is longer than 200 characters")
                continue
            if role not in ROLES:
                errors.append(f"line {line}: role '{role}' is not one of pupil, staff, governor, parent")
                continue
            key = (role, name.casefold())
            if key in seen:
                errors.append(f"line {line}: {name} ({role}) is already on line {seen[key]}")
                continue
            seen[key] = line
            rows.append(RosterRow(line, name, role, group, _split(aliases), contact))
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: {exc}")
    if errors:
        raise RosterError(errors)
    return rows


def import_roster(school: School, data: bytes | str, *, actor=None, source: str = "upload") -> ImportResult:
    """Validate everything, then apply it in one transaction. Raises RosterError; nothing half-imported."""
    rows = parse_roster(data)
    result = ImportResult()
    existing_pupils = {n.casefold() for n in school.people.filter(kind="pupil").values_list("name", flat=True)}
    file_pupils = {r.name.casefold() for r in rows if r.role == "pupil"}
    errors = []
    for row in rows:
        if row.role == "parent":
            for child in _split(row.group):
                if child.casefold() not in existing_pupils | file_pupils:
                    errors.append(f"line {row.line}: child '{child}' of {row.name} is not a pupil on the roster")
    if errors:
        raise RosterError(errors)

    with transaction.atomic():
        people: dict[tuple[str, str], Person] = {}
        for row in rows:
            group = "" if row.role == "parent" else row.group
            person = Person.objects.filter(school=school, kind=row.role, name__iexact=row.name).first()
            if person is None:
                person = Person.objects.create(school=school, kind=row.role, name=row.name, group=group, aliases=row.aliases, **row.contact)
                result.created += 1
            elif person.group != group or person.aliases != row.aliases or any(getattr(person, k) != v for k, v in row.contact.items()):
                person.group, person.aliases = group, row.aliases
                for key, value in row.contact.items():
                    setattr(person, key, value)
                person.save(update_fields=["group", "aliases", *row.contact, "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
            people[(row.role, row.name.casefold())] = person
        for row in rows:
            if row.role != "parent":
                continue
            parent = people[("parent", row.name.casefold())]
            for child_name in _split(row.group):
                child = people.get(("pupil", child_name.casefold())) or Person.objects.get(
                    school=school, kind="pupil", name__iexact=child_name
                )
                _, made = Guardianship.objects.get_or_create(parent=parent, child=child)
                result.links += int(made)
        record(
            AuditEvent.ROSTER_IMPORT,
            actor=actor,
            school=school,
            summary=f"Roster imported from {source}: {result.summary()}",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            links=result.links,
        )
    return result


@transaction.atomic
def update_contact(person: Person, *, title: str, address: str, email: str, actor=None) -> Person:
    """Change one person's contact details from the roster page (the import's rules apply)."""
    contact, problems = clean_contact(title, address, email)
    if problems:
        raise RosterError(problems)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = [k for k, v in contact.items() if getattr(person, k) != v]
    for key in changed:
        setattr(person, key, contact[key])
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
        record(AuditEvent.ROSTER_CONTACT, actor=actor, school=person.school, target=person,
               summary=f"Contact details of {person.name} changed: {', '.join(changed)}", fields=changed)
    return person
