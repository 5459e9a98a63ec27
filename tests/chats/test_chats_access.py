"""Who may see chat scans: the Headteacher and the DSL only (views.py says why the office is left out)."""

import pytest

ACCOUNTS = {
    "headteacher": "head@stokes-wood.demo",
    "dsl": "dsl@stokes-wood.demo",
    "office": "office@stokes-wood.demo",
    "teacher": "hughes@stokes-wood.demo",
    "governor": "governor@stokes-wood.demo",
    "parent": "parent@stokes-wood.demo",
}
ALLOWED = {"headteacher", "dsl"}


def pages(scan):
    base = f"/stokes-wood/chats/{scan.pk}"
    return ["/stokes-wood/chats/", "/stokes-wood/chats/new/", f"{base}/", f"{base}/progress/", f"{base}/report.pdf", f"{base}/closure/"]


@pytest.mark.parametrize("role", ACCOUNTS)
def test_role_matrix(scanned, login, role):
    client = login(ACCOUNTS[role])
    for page in pages(scanned):
        assert client.get(page).status_code == (200 if role in ALLOWED else 403), (role, page)
    finding = scanned.findings.first()
    post = client.post(f"/stokes-wood/chats/{scanned.pk}/findings/{finding.pk}/case/")
    assert post.status_code == (302 if role in ALLOWED else 403)


def test_other_school_gets_404(scanned, login):
    for email in ("head@high-hesket.demo", "parent@high-hesket.demo"):
        client = login(email)
        for page in pages(scanned):
            assert client.get(page).status_code == 404, (email, page)
    # Even High Hesket's own chat pages do not reach Stokes Wood's scans.
    assert login("head@high-hesket.demo").get(f"/high-hesket/chats/{scanned.pk}/").status_code == 404


def test_anonymous_goes_to_login(scanned):
    from django.test import Client

    response = Client().get(f"/stokes-wood/chats/{scanned.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nav_link_and_dashboard_panel(scanned, login, settings):
    from datetime import timedelta

    from django.utils import timezone

    from schoolgate.chats.models import ChatScan

    ChatScan.objects.filter(pk=scanned.pk).update(purge_due=timezone.localdate() + timedelta(days=3))
    page = login("head@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert "Chat scans" in page and "due for deletion" in page
    page = login("office@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert "Chat scans" not in page and "due for deletion" not in page
