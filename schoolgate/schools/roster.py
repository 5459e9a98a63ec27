"""Roster import from CSV: header `name,role,group,aliases`, then optionally `title`, `address`, `email`.

- role: pupil, staff, governor or parent.
- group: the year group or class (pupils), the job title (staff, governors); for a parent/carer, the
  name(s) of their own child(ren) at the school, `;`-separated, which links them.
- aliases: `;`-separated other names the judge should recognise ("Olly", "Mr Hughes").
- title, address, email (optional columns, in any order after the first four): for letters. The address
  is one cell, its lines separated by new lines or `;`. A file without a column leaves what is known.

Every row is checked first; if any row is bad, nothing is imported and each problem is reported with
its line number. Re-importing the same file changes nothing (people are matched on school, role, name,
case ignored). A parent's child is found by name with case and accents ignored ("émile zola" is Émile
Zola) when only one pupil fits; a name that fits two pupils is refused.

A large file (more than INLINE_ROWS rows) is imported by the background worker (`import_job`), in chunks
of CHUNK rows, each committed with its checkpoint, so the web server is never held by one long write and a
worker killed mid-import resumes after the last committed chunk (matching on names means a replayed chunk
adds nobody twice).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from schoolgate.audit.models import record

from .audit_events import AuditEvent
from .background import BackgroundJob, JobFailed
from .models import Guardianship, Person, School

HEADER = ["name", "role", "group", "aliases"]
OPTIONAL = ("title", "address", "email")
MAX_TITLE = 20
MAX_ADDRESS = 500
MAX_NAME = 200  # the columns' lengths in schools.models.Person
MAX_GROUP = 120
MAX_ALIAS = 200
MAX_EMAIL = 254
ROLES = {"pupil", "staff", "governor", "parent"}
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
INLINE_ROWS = 1_000  # more rows than this go to the background worker
CHUNK = 500  # rows per committed chunk (new people inserted in bulk): a fraction of a second of write lock


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
    if len(email) > MAX_EMAIL:
        problems.append(f"the e-mail address is longer than {MAX_EMAIL} characters")
    elif email:
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
    if "\x00" in text:
        # Python's csv reads NUL as text, and PostgreSQL refuses it in a column (a 500): refused here, by line.
        bad = [n for n, line in enumerate(text.splitlines(), start=1) if "\x00" in line]
        raise RosterError([f"line {n}: holds a NUL character (a byte of 0), which is not text; save the file again as CSV" for n in bad[:50]])
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
            if len(name) > MAX_NAME:
                errors.append(f"line {line}: the name is longer than {MAX_NAME} characters")
                continue
            if role != "parent" and len(group) > MAX_GROUP:
                errors.append(f"line {line}: the group is longer than {MAX_GROUP} characters")
                continue
            long_aliases = [a for a in _split(aliases) if len(a) > MAX_ALIAS]
            if long_aliases:
                errors.append(f"line {line}: the alias '{long_aliases[0][:20]}…' is longer than {MAX_ALIAS} characters")
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


def fold(name: str) -> str:
    """A name with case, accents and spacing ignored: "émile  ZOLA" and "Emile Zola" fold alike."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class _Pupils:
    """The pupils a parent row may name: the school's and the file's, found by name (case, then accents ignored)."""

    def __init__(self, names):
        self.exact: dict[str, str] = {}
        self.folded: dict[str, set[str]] = {}
        for name in names:
            self.exact.setdefault(name.casefold(), name)
            self.folded.setdefault(fold(name), set()).add(name)

    def find(self, wanted: str) -> str | list[str]:
        """The pupil's roster name, or the list of candidates (none, or more than one)."""
        if wanted.casefold() in self.exact:
            return self.exact[wanted.casefold()]
        candidates = sorted(self.folded.get(fold(wanted), ()))
        return candidates[0] if len(candidates) == 1 else candidates


def _check_children(school: School, rows: list[RosterRow]) -> dict[tuple[int, str], str]:
    """Every parent row's children resolved to pupils' roster names; RosterError listing every one not found."""
    names = list(school.people.filter(kind="pupil").values_list("name", flat=True))
    pupils = _Pupils(names + [r.name for r in rows if r.role == "pupil"])
    resolved, errors = {}, []
    for row in rows:
        if row.role != "parent":
            continue
        for child in _split(row.group):
            found = pupils.find(child)
            if isinstance(found, str):
                resolved[(row.line, child)] = found
            elif found:
                errors.append(f"line {row.line}: child '{child}' of {row.name} could be {' or '.join(found)}; write the name exactly as on the roster")
            else:
                errors.append(f"line {row.line}: child '{child}' of {row.name} is not a pupil on the roster")
    if errors:
        raise RosterError(errors)
    return resolved


def check_roster(school: School, data: bytes | str) -> list[RosterRow]:
    """Every check of the import, changing nothing (the page runs it before queuing a large file)."""
    rows = parse_roster(data)
    _check_children(school, rows)
    return rows


def import_roster(school: School, data: bytes | str, *, actor=None, source: str = "upload") -> ImportResult:
    """Validate everything, then apply it in one transaction. Raises RosterError; nothing half-imported."""
    rows = parse_roster(data)
    children = _check_children(school, rows)
    result = ImportResult()
    with transaction.atomic():
        _apply(school, rows, children, result)
        _link(school, rows, children, result)
        _record(school, result, actor, source)
    return result


def _people(school: School) -> dict[tuple[str, str], Person]:
    return {(p.kind, p.name.casefold()): p for p in school.people.all()}


def _apply(school: School, rows: list[RosterRow], children, result: ImportResult, people: dict | None = None) -> None:
    """Add or update the people of these rows (matched on role and name, case ignored). `people` (the school's,
    by role and name) is read once per import and kept up to date here, not read again for every chunk."""
    people = _people(school) if people is None else people
    new = []
    for row in rows:
        group = "" if row.role == "parent" else row.group
        person = people.get((row.role, row.name.casefold()))
        if person is None:
            person = Person(school=school, kind=row.role, name=row.name, group=group, aliases=row.aliases, **row.contact)
            new.append(person)
            people[(row.role, row.name.casefold())] = person
            result.created += 1
        elif person.group != group or person.aliases != row.aliases or any(getattr(person, k) != v for k, v in row.contact.items()):
            person.group, person.aliases = group, row.aliases
            for key, value in row.contact.items():
                setattr(person, key, value)
            person.save(update_fields=["group", "aliases", *row.contact, "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
    # One insert for the new people (the judge's roster cache sees them by its count and highest id).
    Person.objects.bulk_create(new, batch_size=CHUNK)


def _link(school: School, rows: list[RosterRow], children, result: ImportResult) -> None:
    """Every parent row's links to their children: the missing ones added in bulk (one insert per CHUNK)."""
    ids = {(kind, name.casefold()): pk for pk, kind, name in school.people.filter(kind__in=["parent", "pupil"]).values_list("pk", "kind", "name")}
    existing = set(Guardianship.objects.filter(parent__school=school).values_list("parent_id", "child_id"))
    missing = {}
    for row in rows:
        if row.role != "parent":
            continue
        parent = ids[("parent", row.name.casefold())]
        for child_name in _split(row.group):
            child = ids[("pupil", children[(row.line, child_name)].casefold())]
            if (parent, child) not in existing:
                missing[(parent, child)] = Guardianship(parent_id=parent, child_id=child)
    Guardianship.objects.bulk_create(missing.values(), batch_size=CHUNK)
    result.links += len(missing)


def _record(school: School, result: ImportResult, actor, source: str) -> None:
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


def import_job(job: BackgroundJob, progress) -> str:
    """The background import of a large file (`background_jobs`): chunk by chunk, each chunk committed together
    with its checkpoint and running counts, so a retry after a crash carries on where the last commit ended."""
    try:
        data = job.path(job.input_file).read_bytes()
    except OSError:
        raise JobFailed("The uploaded file is no longer there; upload it again.") from None
    try:
        rows = parse_roster(data)
        children = _check_children(job.school, rows)
    except RosterError as exc:
        raise JobFailed("The file has problems; nothing was imported: " + "; ".join(exc.errors[:20])) from None
    total = len(rows) + 1  # the last step links parents to their children
    counts = job.params.get("counts", {})
    result = ImportResult(**{k: counts.get(k, 0) for k in ("created", "updated", "unchanged", "links")})
    start = job.done
    progress(start, total)
    people = _people(job.school)
    for first in range(start, len(rows), CHUNK):
        chunk = rows[first:first + CHUNK]
        with transaction.atomic():
            _apply(job.school, chunk, children, result, people)
            _checkpoint(job, first + len(chunk), total, result)
        progress(first + len(chunk), total)
    with transaction.atomic():
        _link(job.school, rows, children, result)
        _record(job.school, result, job.created_by, job.params.get("source", "upload"))
        _checkpoint(job, total, total, result)
    return f"Roster imported: {result.summary()}."


def _checkpoint(job: BackgroundJob, done: int, total: int, result: ImportResult) -> None:
    job.params = {**job.params, "counts": {"created": result.created, "updated": result.updated, "unchanged": result.unchanged, "links": result.links}}
    BackgroundJob.objects.filter(pk=job.pk).update(done=done, total=total, params=job.params)


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
