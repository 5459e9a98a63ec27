"""Access matrix: each role × each page, and members of one school kept out of the other's pages."""

import pytest

STOKES = "stokes-wood"
ACCOUNTS = {
    "headteacher": "head@stokes-wood.demo",
    "dsl": "dsl@stokes-wood.demo",
    "office": "office@stokes-wood.demo",
    "teacher": "hughes@stokes-wood.demo",
    "governor": "governor@stokes-wood.demo",
    "parent": "parent@stokes-wood.demo",
}
# page -> roles that get 200; everyone else at the school gets 403.
PAGES = {
    f"/{STOKES}/": set(ACCOUNTS),
    f"/{STOKES}/policies/": {"headteacher", "dsl", "office", "teacher", "governor"},
    f"/{STOKES}/roster/": {"headteacher", "dsl", "office"},
    f"/{STOKES}/audit/": {"headteacher", "dsl"},
    f"/{STOKES}/people/": {"headteacher", "office"},
}


@pytest.mark.parametrize("role", ACCOUNTS)
@pytest.mark.parametrize("page", PAGES)
def test_role_page_matrix(demo, login, role, page):
    response = login(ACCOUNTS[role]).get(page)
    assert response.status_code == (200 if role in PAGES[page] else 403), (role, page)


@pytest.mark.parametrize("page", PAGES)
def test_other_schools_members_get_404(demo, login, page):
    # A High Hesket parent (and High Hesket's head) learn nothing about Stokes Wood's private pages.
    for email in ("parent@high-hesket.demo", "head@high-hesket.demo"):
        assert login(email).get(page).status_code == 404


def test_anonymous_is_sent_to_login(demo, client):
    response = client.get(f"/{STOKES}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_public_policy_page_is_open_to_all(demo, client):
    response = client.get(f"/{STOKES}/policy/")
    assert response.status_code == 200
    assert "Complaining about the school&#x27;s values and systems on social media" in response.content.decode()
    assert client.get("/no-such-school/policy/").status_code == 404


def test_parent_sees_only_their_own_children(demo, login):
    page = login("parent@stokes-wood.demo").get(f"/{STOKES}/").content.decode()
    assert "Oliver Bennett" in page
    assert "William Shah" not in page


def test_person_with_two_schools_has_a_role_at_each(demo, login):
    client = login("governor@stokes-wood.demo")
    assert client.get(f"/{STOKES}/policies/").status_code == 200  # governor at Stokes Wood
    assert client.get("/high-hesket/policies/").status_code == 403  # parent at High Hesket
    page = client.get("/high-hesket/").content.decode()
    assert "Ella Thompson" in page
    home = client.get("/")
    assert home.status_code == 200 and "High Hesket" in home.content.decode() and "Stokes Wood" in home.content.decode()


def test_forms_require_csrf(demo, user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user("head@stokes-wood.demo"))
    assert client.post(f"/{STOKES}/policies/review/", {"version": "x"}).status_code == 403
