"""Roster import from CSV: header `name,role,group,aliases`.

- role: pupil, staff, governor or parent.
- group: the year group or class (pupils), the job title (staff, governors); for a parent/carer, the
  name(s) of their own child(ren) at the school, `;`-separated, which links them.
- aliases: `;`-separated other names the judge should recognise ("Olly", "Mr Hughes").

Every row is checked first; if any row is bad, nothing is imported and each problem is reported with
its line number. Re-importing the same file changes nothing (people are matched on school, role, name).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .models import Guardianship, Person, School

HEADER = ["name", "role", "group", "aliases"]
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
    if header[:4] != HEADER:
        raise RosterError([f"line 1: the header must be {','.join(HEADER)} (found {','.join(header) or 'nothing'})"])
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
            if len(values) < 2 or len(values) > 4:
                errors.append(f"line {line}: expected 4 columns (name,role,group,aliases), found {len(values)}")
                continue
            values = values + [""] * (4 - len(values))
            name, role, group, aliases = (v.strip() for v in values)
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
            rows.append(RosterRow(line, name, role, group, _split(aliases)))
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
                person = Person.objects.create(school=school, kind=row.role, name=row.name, group=group, aliases=row.aliases)
                result.created += 1
            elif person.group != group or person.aliases != row.aliases:
                person.group, person.aliases = group, row.aliases
                person.save(update_fields=["group", "aliases", "updated_at"])
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
