"""Issue 12 fault 1: the review date survives the draft form, "Approve and publish" publishes what is on
screen after a check of the differences, and the approving head is not asked to acknowledge their own version."""

import datetime as dt
import re

from django.core import mail

from schoolgate.policies.models import Acknowledgement, PolicyVersion


def _start(head):
    assert head.post("/high-hesket/policies/review/", {"version": "November 2026"}).status_code == 302
    return PolicyVersion.objects.get(school__slug="high-hesket", version="November 2026")


def _form_as_browser_sends_it(page: str) -> dict:
    """What a browser posts back from the draft page untouched (a date input shows only an ISO value)."""
    data: dict = {}
    for m in re.finditer(r"<input([^>]*)>", page):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        name = attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if attrs.get("type") == "checkbox":
            if " checked" in m.group(1):
                data.setdefault(name, []).append(attrs.get("value"))
            continue
        value = attrs.get("value", "")
        if attrs.get("type") == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            value = ""  # what <input type=date> submits when it cannot show its value
        data[name] = value
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[m.group(1)] = m.group(2).strip().replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return data


def test_date_field_shows_iso_and_saving_untouched_keeps_the_review_date(hesket, login):
    head = login("head@high-hesket.demo")
    draft = _start(head)
    draft.next_review = dt.date(2027, 11, 30)
    draft.save()
    page = head.get(f"/high-hesket/policies/{draft.pk}/draft/").content.decode()
    assert 'value="2027-11-30"' in page
    assert "30/11/2027" not in page
    data = _form_as_browser_sends_it(page)
    assert head.post(f"/high-hesket/policies/{draft.pk}/draft/", data).status_code == 302
    draft.refresh_from_db()
    assert draft.next_review == dt.date(2027, 11, 30)


def _draft_data(draft, **changes):
    data = {"next_review": "2027-11-20", "change_summary": "Annual review."}
    for c in draft.clauses.all():
        data[f"c{c.pk}-heading"] = c.heading
        data[f"c{c.pk}-text"] = changes.get(c.clause_id, c.text)
        data[f"c{c.pk}-categories"] = c.categories
    return data


def test_approve_and_publish_checks_the_differences_and_publishes_what_is_on_screen(hesket, login, django_capture_on_commit_callbacks):
    head = login("head@high-hesket.demo")
    draft = _start(head)
    old = draft.clauses.get(clause_id="hh-racist").text
    data = _draft_data(draft, **{"hh-racist": "Posting racist or discriminatory comments"})
    data["action"] = "check"
    # Pressing "Approve and publish" with unsaved edits shows a "check your answers" page, edits kept.
    response = head.post(f"/high-hesket/policies/{draft.pk}/draft/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check the changes before you publish" in page
    assert "Posting racist or discriminatory comments" in page and old in page
    assert "20 November 2027" in page
    assert draft.clauses.get(clause_id="hh-racist").text == "Posting racist or discriminatory comments"
    token = re.search(r'name="checked" value="([0-9a-f]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert head.post(f"/high-hesket/policies/{draft.pk}/publish/", {"checked": token}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.clauses.get(clause_id="hh-racist").text == "Posting racist or discriminatory comments"
    assert draft.next_review == dt.date(2027, 11, 20)
    page = head.get("/high-hesket/policies/").content.decode()
    assert "Next review 20 November 2027" in page


def test_publish_refused_if_the_draft_changed_after_the_check(hesket, login):
    head = login("head@high-hesket.demo")
    draft = _start(head)
    data = _draft_data(draft)
    data["action"] = "check"
    page = head.post(f"/high-hesket/policies/{draft.pk}/draft/", data).content.decode()
    token = re.search(r'name="checked" value="([0-9a-f]+)"', page).group(1)
    clause = draft.clauses.first()
    clause.text = "changed in another tab"
    clause.save()
    response = head.post(f"/high-hesket/policies/{draft.pk}/publish/", {"checked": token}, follow=True)
    assert "changed since you checked it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_approving_head_is_not_asked_to_acknowledge(hesket, login, user, django_capture_on_commit_callbacks):
    head = login("head@high-hesket.demo")
    draft = _start(head)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        head.post(f"/high-hesket/policies/{draft.pk}/publish/")
    ack = Acknowledgement.objects.get(version=draft, user=user("head@high-hesket.demo"))
    assert not ack.pending
    assert all(m.to != ["head@high-hesket.demo"] for m in mail.outbox)
    assert "Please read the updated policy" not in head.get("/high-hesket/").content.decode()
