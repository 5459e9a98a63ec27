"""From a finding: open a case with the message as evidence; ask the group's administrator to close the group."""

import io

from django.core import mail
from pypdf import PdfReader

from schoolgate.audit.models import AuditEntry
from schoolgate.chats.models import ClosureRequest


def test_open_case_from_a_finding(scanned, login):
    from schoolgate.cases.models import Case

    finding = scanned.findings.get(category="complaint")
    client = login("head@stokes-wood.demo")
    assert client.get(f"/stokes-wood/chats/{scanned.pk}/findings/{finding.pk}/case/").status_code == 405
    response = client.post(f"/stokes-wood/chats/{scanned.pk}/findings/{finding.pk}/case/")
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stokes-wood/cases/{case.pk}/"
    assert case.source == "chat_scan" and case.parent_name == "Kelly Bennett"
    finding.refresh_from_db()
    assert finding.case_pk == case.pk
    assert AuditEntry.objects.filter(action="chats.case_opened").exists()
    # Opening again goes to the same case.
    again = client.post(f"/stokes-wood/chats/{scanned.pk}/findings/{finding.pk}/case/")
    assert again["Location"] == f"/stokes-wood/cases/{case.pk}/" and Case.objects.count() == 1


def test_case_evidence_is_the_message_with_context_and_pseudonyms(scanned, login):
    from schoolgate.cases.models import Case

    finding = scanned.findings.get(category="abuse")
    login("head@stokes-wood.demo").post(f"/stokes-wood/chats/{scanned.pk}/findings/{finding.pk}/case/")
    case = Case.objects.get()
    texts = " ".join(str(getattr(e, "text", "")) for e in case.evidence.all()) if hasattr(case, "evidence") else ""
    assert "Mr Hughes is an idiot" in texts and "Friday I think" in texts
    assert "Dave Smith" not in texts and "Participant 1" in texts
    assert case.parent_name == "Participant 1"


def test_closure_request_letter(scanned, login, output_dir):
    client = login("head@stokes-wood.demo")
    page = client.get(f"/stokes-wood/chats/{scanned.pk}/closure/")
    assert page.status_code == 200 and "Dave Smith" in page.content.decode()  # the administrator, from the export
    assert client.post(f"/stokes-wood/chats/{scanned.pk}/closure/", {"administrator_name": "", "body": ""}).status_code == 400
    response = client.post(f"/stokes-wood/chats/{scanned.pk}/closure/", {
        "administrator_name": "Dave Smith", "administrator_email": "dave@example.org",
        "body": "Dear Dave Smith,\nPlease close the group chat.\nMrs Sarah Patel",
    })
    assert response.status_code == 302
    letter = ClosureRequest.objects.get()
    assert letter.emailed and mail.outbox[0].to == ["dave@example.org"]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    (output_dir / "chat-closure-request.pdf").write_bytes(bytes(letter.pdf))
    text = PdfReader(io.BytesIO(bytes(letter.pdf))).pages[0].extract_text()
    assert "Stokes Wood" in text and "close the group chat" in text
    assert AuditEntry.objects.filter(action="chats.closure_requested").exists()
    pdf = client.get(f"/stokes-wood/chats/{scanned.pk}/closure/{letter.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_default_letter_quotes_the_policy(scanned):
    from schoolgate.chats.pdf import default_closure_body

    body = default_closure_body(scanned)
    assert "request that 'group chats' are closed down" in body and "Dave Smith" in body
