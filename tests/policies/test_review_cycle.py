"""Review cycle: overdue warning, draft, publish with approver, notifications, acknowledgements, reminders."""

import pytest
from django.core import mail

from schoolgate.audit.models import AuditEntry
from schoolgate.policies.models import Acknowledgement, PolicyVersion
from schoolgate.policies.review_cycle import send_reminders


def test_dashboard_warns_headteacher_of_overdue_review(stokes, login):
    page = login("head@stokes-wood.demo").get("/stokes-wood/").content.decode()
    assert "Policy review overdue" in page
    assert "1 April 2025" in page
    # Clauses with their categories are on the dashboard too.
    assert "sw-conduct-contacting-staff" in page and "staff_contact" in page


def test_parent_dashboard_has_no_review_warning(stokes, login):
    assert "Policy review overdue" not in login("parent@stokes-wood.demo").get("/stokes-wood/").content.decode()


def start_and_publish(client, school_slug="high-hesket"):
    response = client.post(f"/{school_slug}/policies/review/", {"version": "November 2026"})
    assert response.status_code == 302
    draft = PolicyVersion.objects.get(school__slug=school_slug, version="November 2026")
    assert draft.status == "draft" and draft.clauses.count() == 12
    return draft


def test_publish_records_approver_notifies_and_tracks_acknowledgement(hesket, login, user, django_capture_on_commit_callbacks):
    head = login("head@high-hesket.demo")
    draft = start_and_publish(head)
    clause = draft.clauses.get(clause_id="hh-racist")
    data = {"next_review": "2027-11-20", "change_summary": "Annual review: wording unchanged."}
    for c in draft.clauses.all():
        prefix = f"c{c.pk}"
        data[f"{prefix}-heading"] = c.heading
        data[f"{prefix}-text"] = c.text if c.pk != clause.pk else "Posting racist or discriminatory comments"
        data[f"{prefix}-categories"] = c.categories
    assert head.post(f"/high-hesket/policies/{draft.pk}/draft/", data).status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(f"/high-hesket/policies/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.approved_by == user("head@high-hesket.demo")
    assert hesket.current_policy() == draft
    assert PolicyVersion.objects.get(school=hesket, version="November 2024").status == "superseded"
    assert draft.clauses.get(clause_id="hh-racist").text == "Posting racist or discriminatory comments"
    members = user("head@high-hesket.demo").memberships.model.objects.filter(school=hesket).values("user").distinct().count()
    assert Acknowledgement.objects.filter(version=draft).count() == members
    # The approving head has read it: everyone else is asked.
    assert len(mail.outbox) == members - 1 and "updated its social media policy" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(action="policy.publish", school=hesket).exists()

    # The staff page lists who has not acknowledged; a parent acknowledges; the list shrinks.
    page = head.get("/high-hesket/policies/").content.decode()
    assert "Mark Robinson" in page and "1 acknowledged" in page
    parent = login("parent@high-hesket.demo")
    assert "Please read the updated policy" in parent.get("/high-hesket/").content.decode()
    assert parent.post(f"/high-hesket/policies/{draft.pk}/acknowledge/").status_code == 302
    assert not Acknowledgement.objects.get(version=draft, user=user("parent@high-hesket.demo")).pending
    page = login("head@high-hesket.demo").get("/high-hesket/policies/").content.decode()
    assert "2 acknowledged" in page

    # Reminders go only to those who have not acknowledged, and not twice in a week.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes after the commit
        sent = send_reminders(draft)
    assert sent == members - 2 and len(mail.outbox) == members - 2
    assert all(m.to != ["parent@high-hesket.demo"] for m in mail.outbox)
    assert send_reminders(draft) == 0


def test_only_headteacher_can_publish(hesket, login):
    draft = start_and_publish(login("head@high-hesket.demo"))
    for email in ("dsl@high-hesket.demo", "office@high-hesket.demo", "parent@high-hesket.demo"):
        assert login(email).post(f"/high-hesket/policies/{draft.pk}/publish/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_twice_is_refused_with_a_message(hesket, login):
    head = login("head@high-hesket.demo")
    draft = start_and_publish(head)
    head.post(f"/high-hesket/policies/{draft.pk}/publish/")
    response = head.post(f"/high-hesket/policies/{draft.pk}/publish/", follow=True)
    assert "already been published" in response.content.decode()


def test_duplicate_version_name_is_refused(hesket, login):
    head = login("head@high-hesket.demo")
    response = head.post("/high-hesket/policies/review/", {"version": "November 2024"}, follow=True)
    assert "already a version called" in response.content.decode()
    assert hesket.policy_versions.count() == 1


@pytest.mark.parametrize("bad", [{"next_review": "not a date"}])
def test_bad_draft_input_changes_nothing(hesket, login, bad):
    head = login("head@high-hesket.demo")
    draft = start_and_publish(head)
    before = draft.next_review
    response = head.post(f"/high-hesket/policies/{draft.pk}/draft/", bad)
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.next_review == before
