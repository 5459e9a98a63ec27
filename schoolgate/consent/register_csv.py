"""The register as CSV, in the MIS-style shape `pupil,purpose,consent,given_by,method,date`.

Import checks every row first and reports each bad row by its line number; if any row is bad nothing is
imported. Pupils are matched by their roster name (case and spacing ignored). Export writes every pupil's
current answer (rows for "not asked" are left out, as an MIS does).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from schoolgate.audit.models import record
from schoolgate.schools.models import Person

from .answers import record_answer
from .audit_events import AuditEvent
from .errors import ConsentError
from .models import Answer, Method, Purpose
from .queries import latest_answers, pupils

HEADER = ["pupil", "purpose", "consent", "given_by", "method", "date"]
MAX_ROWS = 20000
CONSENT_WORDS = {"granted": Answer.GRANTED, "yes": Answer.GRANTED, "y": Answer.GRANTED, "refused": Answer.REFUSED, "no": Answer.REFUSED, "n": Answer.REFUSED}
METHOD_WORDS = {"app": Method.APP, "paper": Method.PAPER, "paper form": Method.PAPER, "form": Method.PAPER, "phone": Method.PHONE, "phone call": Method.PHONE, "": Method.PAPER}


class RegisterImportError(ConsentError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors[:5]))
        self.errors = errors


@dataclass
class Row:
    line: int
    pupil: Person
    purpose: str
    answer: str
    given_by: str
    method: str
    date: dt.date


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _purpose(value: str) -> str | None:
    value = _key(value)
    for purpose in Purpose:
        if value in (purpose.value, _key(purpose.label), purpose.value.replace("_", " ")):
            return purpose.value
    return None


def _date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def parse(school, data: bytes | str) -> list[Row]:
    """Every row checked; raises RegisterImportError with one message per bad row (by line number)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RegisterImportError(["The file is not UTF-8 text: save it from your spreadsheet as CSV (UTF-8)."]) from None
    reader = csv.reader(io.StringIO(data))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise RegisterImportError(["The file is empty."]) from None
    if header != HEADER:
        raise RegisterImportError([f"Line 1: the header must be {','.join(HEADER)} (it is {','.join(header) or 'empty'})."])
    roster = {_key(p.name): p for p in pupils(school)}
    today = timezone.localdate()
    rows, errors = [], []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(f"The file has more than {MAX_ROWS} rows; split it.")
                break
            if len(cells) != len(HEADER):
                errors.append(f"Line {number}: {len(cells)} columns; there should be {len(HEADER)}.")
                continue
            name, purpose, consent, given_by, method, date = (c.strip() for c in cells)
            problems = []
            pupil = roster.get(_key(name))
            if pupil is None:
                problems.append(f"no pupil called '{name}' on the roster")
            purpose_value = _purpose(purpose)
            if purpose_value is None:
                problems.append(f"unknown purpose '{purpose}' (use {', '.join(Purpose.values)})")
            answer = CONSENT_WORDS.get(consent.lower())
            if answer is None:
                problems.append(f"consent must be granted or refused, not '{consent}'")
            method_value = METHOD_WORDS.get(method.lower())
            if method_value is None:
                problems.append(f"method must be app, paper or phone, not '{method}'")
            elif method_value == Method.APP:
                problems.append("answers given in the app are recorded there, not imported")
            if not given_by:
                problems.append("given_by is empty (the parent/carer's name)")
            when = _date(date)
            if when is None:
                problems.append(f"date must be like 2026-09-03 or 03/09/2026, not '{date}'")
            elif when > today:
                problems.append(f"the date {when:%-d %B %Y} is in the future")
            if problems:
                errors.append(f"Line {number}: " + "; ".join(problems) + ".")
            else:
                rows.append(Row(number, pupil, purpose_value, answer, given_by, method_value, when))
    except csv.Error as exc:
        errors.append(f"Line {reader.line_num}: the file is not valid CSV ({exc}).")
    if errors:
        raise RegisterImportError(errors)
    if not rows:
        raise RegisterImportError(["The file has a header but no rows."])
    return rows


@transaction.atomic
def import_register(school, data: bytes | str, *, actor, source: str = "") -> int:
    """All rows or none; returns how many answers were added."""
    rows = parse(school, data)
    parents = {_key(p.name): p for p in Person.objects.filter(school=school, kind=Person.Kind.PARENT)}
    for row in rows:
        record_answer(school, row.pupil, row.purpose, row.answer, given_by=parents.get(_key(row.given_by)), given_by_name=row.given_by,
                      method=row.method, recorded_by=actor, answered_on=row.date, audit=False)
    record(AuditEvent.IMPORT, actor=actor, school=school, summary=f"Consent register imported: {len(rows)} answer(s) from {source or 'a CSV file'}",
           rows=len(rows), source=source)
    return len(rows)


def export_register(school) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    people = {p.pk: p for p in pupils(school)}
    latest = latest_answers(school, list(people))
    for (pupil_id, purpose), answer in sorted(latest.items(), key=lambda kv: (people[kv[0][0]].name, Purpose.values.index(kv[0][1]))):
        # A leading =, +, - or @ would run as a formula when the file is opened in a spreadsheet.
        writer.writerow([_cell(people[pupil_id].name), purpose, answer.answer, _cell(answer.given_by_name), answer.method, answer.answered_on.isoformat()])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
