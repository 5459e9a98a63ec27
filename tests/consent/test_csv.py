"""CSV import and export: MIS-style header, every row checked first, bad rows by line, all or nothing."""

import pytest

from schoolgate.audit.models import AuditEntry
from schoolgate.consent.models import ConsentAnswer
from schoolgate.consent.queries import consent_state
from schoolgate.consent.register_csv import RegisterImportError, export_register, import_register

GOOD = """pupil,purpose,consent,given_by,method,date
Oliver Bennett,website,granted,Kelly Bennett,paper,2026-09-03
oliver  bennett,press,refused,Kelly Bennett,phone,03/09/2026
William Shah,The school channel,granted,Ravi Shah,paper form,2026-09-04
"""

BAD = """pupil,purpose,consent,given_by,method,date
Oliver Bennett,website,granted,Kelly Bennett,paper,2026-09-03
Nobody Here,website,granted,X,paper,2026-09-03
William Shah,billboard,maybe,Ravi Shah,fax,31/31/2026
Grace Okoro,channel,granted,,paper,2026-09-03
"""


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 9, 10))


def test_import_adds_every_row(stokes, oliver, user):
    assert import_register(stokes, GOOD.encode(), actor=user("office@stokes-wood.demo"), source="mis.csv") == 3
    assert consent_state(stokes, oliver, "website") == "granted" and consent_state(stokes, oliver, "press") == "refused"
    row = ConsentAnswer.objects.get(purpose="channel")
    assert row.given_by.name == "Ravi Shah" and row.method == "paper" and row.recorded_by_label == "Janet Lee"
    assert AuditEntry.objects.filter(action="consent.import").count() == 1


def test_bad_rows_reported_by_line_and_nothing_imported(stokes, user):
    with pytest.raises(RegisterImportError) as caught:
        import_register(stokes, BAD.encode(), actor=user("office@stokes-wood.demo"))
    errors = caught.value.errors
    assert [e.split(":")[0] for e in errors] == ["Line 3", "Line 4", "Line 5"]
    assert "Nobody Here" in errors[0] and "billboard" in errors[1] and "maybe" in errors[1] and "fax" in errors[1] and "31/31/2026" in errors[1]
    assert "given_by" in errors[2]
    assert not ConsentAnswer.objects.exists()


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b"name,purpose\n", "header"), (b"\xff\xfe\x00", "UTF-8"),
    (b"pupil,purpose,consent,given_by,method,date\n", "no rows"),
    (b"pupil,purpose,consent,given_by,method,date\nOliver Bennett,website,granted,K,paper,2030-01-01\n", "future"),
    (b"pupil,purpose,consent,given_by,method,date\nOliver Bennett,website,granted,K,app,2026-09-01\n", "in the app"),
    (b"pupil,purpose,consent,given_by,method,date\nOliver Bennett,website\n", "columns"),
])
def test_bad_files(stokes, user, data, message):
    with pytest.raises(RegisterImportError, match=message):
        import_register(stokes, data, actor=user("office@stokes-wood.demo"))


def test_export_round_trips(stokes, user):
    import_register(stokes, GOOD.encode(), actor=user("office@stokes-wood.demo"))
    exported = export_register(stokes)
    assert exported.splitlines()[0] == "pupil,purpose,consent,given_by,method,date"
    assert "Oliver Bennett,website,granted,Kelly Bennett,paper,2026-09-03" in exported
    ConsentAnswer.objects.all()._raw_delete(ConsentAnswer.objects.db)
    assert import_register(stokes, exported, actor=user("office@stokes-wood.demo")) == 3


def test_formula_cells_are_defused(stokes, oliver, user):
    from schoolgate.consent.answers import record_answer

    record_answer(stokes, oliver, "video", "granted", given_by_name="=HYPERLINK(1)", method="paper", recorded_by=user("office@stokes-wood.demo"))
    assert "'=HYPERLINK(1)" in export_register(stokes)


URL = "/stokes-wood/consent/import/"


def test_import_page(stokes, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("office@stokes-wood.demo")
    response = client.post(URL, {"file": SimpleUploadedFile("bad.csv", BAD.encode(), "text/csv")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Line 3" in page and "Line 5" in page
    assert not ConsentAnswer.objects.exists()
    assert client.post(URL, {}).status_code == 400
    assert client.post(URL, {"file": SimpleUploadedFile("good.csv", GOOD.encode(), "text/csv")}).status_code == 302
    assert ConsentAnswer.objects.count() == 3
    export = client.get("/stokes-wood/consent/export.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv") and b"Oliver Bennett" in export.content


@pytest.mark.parametrize("email, status", [("hughes@stokes-wood.demo", 403), ("parent@stokes-wood.demo", 403), ("governor@stokes-wood.demo", 403), ("head@high-hesket.demo", 404)])
def test_import_and_export_are_for_office_and_leadership(stokes, login, email, status):
    assert login(email).get(URL).status_code == status
    assert login(email).get("/stokes-wood/consent/export.csv").status_code == status
