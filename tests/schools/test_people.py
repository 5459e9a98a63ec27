"""Log-ins and roles: who may give which role, the welcome e-mail, removal, and the audit trail."""

from django.core import mail

from schoolgate.audit.models import AuditEntry
from schoolgate.schools.models import Membership, Person


def test_headteacher_gives_a_new_parent_a_login(stokes, login, user, django_capture_on_commit_callbacks):
    kelly = Person.objects.get(school=stokes, name="Joanne Wright")
    with django_capture_on_commit_callbacks(execute=True):
        response = login("head@stokes-wood.demo").post(
            "/stokes-wood/people/", {"full_name": "Joanne Wright", "email": "Jo.Wright@example.org", "role": "parent", "person": kelly.pk}
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="jo.wright@example.org", school=stokes)
    assert membership.role == "parent" and membership.person == kelly
    assert [c.name for c in membership.children()] == ["Noah Wright"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jo.wright@example.org"] and "/accounts/reset/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="membership.add", school=stokes).exists()


def test_existing_account_gets_a_second_role_without_a_new_account(stokes, login, user):
    response = login("head@stokes-wood.demo").post("/stokes-wood/people/", {"full_name": "Tom Hughes", "email": "hughes@stokes-wood.demo", "role": "dsl"})
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=user("hughes@stokes-wood.demo"), school=stokes).values_list("role", flat=True)) == {"teacher", "dsl"}
    again = login("head@stokes-wood.demo").post("/stokes-wood/people/", {"full_name": "Tom Hughes", "email": "hughes@stokes-wood.demo", "role": "dsl"})
    assert again.status_code == 400 and "already has the role" in again.content.decode()


def test_office_may_add_parents_but_not_headteachers(stokes, login):
    office = login("office@stokes-wood.demo")
    refused = office.post("/stokes-wood/people/", {"full_name": "Evil Eve", "email": "eve@example.org", "role": "headteacher"})
    assert refused.status_code == 400
    assert not Membership.objects.filter(user__username="eve@example.org").exists()
    ok = office.post("/stokes-wood/people/", {"full_name": "Pat Parent", "email": "pat@example.org", "role": "parent"})
    assert ok.status_code == 302


def test_parent_account_must_link_to_a_parent_on_the_roster(stokes, login):
    pupil = Person.objects.get(school=stokes, name="Oliver Bennett")
    response = login("head@stokes-wood.demo").post("/stokes-wood/people/", {"full_name": "X", "email": "x@example.org", "role": "parent", "person": pupil.pk})
    assert response.status_code == 400 and not Membership.objects.filter(user__username="x@example.org").exists()


def test_remove_role_is_audited_and_last_headteacher_is_kept(stokes, login, user):
    head = login("head@stokes-wood.demo")
    teacher = Membership.objects.get(user=user("desai@stokes-wood.demo"), school=stokes, role="teacher")
    assert head.post(f"/stokes-wood/people/{teacher.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=teacher.pk).exists()
    assert AuditEntry.objects.filter(action="membership.remove", school=stokes).exists()
    own = Membership.objects.get(user=user("head@stokes-wood.demo"), school=stokes, role="headteacher")
    response = head.post(f"/stokes-wood/people/{own.pk}/remove/", follow=True)
    assert "at least one Headteacher" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_office_cannot_remove_the_dsl_and_others_cannot_see_the_page(stokes, hesket, login, user):
    dsl = Membership.objects.get(user=user("dsl@stokes-wood.demo"), school=stokes)
    assert login("office@stokes-wood.demo").post(f"/stokes-wood/people/{dsl.pk}/remove/").status_code == 403
    assert Membership.objects.filter(pk=dsl.pk).exists()
    for email in ("dsl@stokes-wood.demo", "hughes@stokes-wood.demo", "parent@stokes-wood.demo"):
        assert login(email).get("/stokes-wood/people/").status_code == 403
    assert login("head@high-hesket.demo").get("/stokes-wood/people/").status_code == 404
    assert login("head@stokes-wood.demo").get("/stokes-wood/people/").status_code == 200
    # A membership of another school cannot be removed through this school's URL.
    other = Membership.objects.filter(school=hesket).first()
    assert login("head@stokes-wood.demo").post(f"/stokes-wood/people/{other.pk}/remove/").status_code == 404


def test_password_reset_sends_a_working_link(demo, client):
    response = client.post("/accounts/password-reset/", {"email": "parent@stokes-wood.demo"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200 and "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    done = client.post(form_url, {"new_password1": "a-much-better-pass-42", "new_password2": "a-much-better-pass-42"})
    assert done.status_code == 302
    assert client.login(username="parent@stokes-wood.demo", password="a-much-better-pass-42")
