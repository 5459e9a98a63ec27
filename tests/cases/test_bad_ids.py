"""Every POST view of cases answers a bad id, in its address or its form data, with a 4xx, never a 500.

Bad ids: not a number, a number no row has, one too large for the database, and a real row that belongs
to another case or another school.
"""

import pytest

from schoolgate.cases.deadlines import add_deadline
from schoolgate.cases.letters import draft_letter
from schoolgate.cases.models import Case, Deadline, Evidence, Letter
from schoolgate.channel.models import ReviewItem
from schoolgate.channel.posts import submit_comment, submit_post
from schoolgate.schools.models import Membership

HUGE = "9" * 30
BAD_NUMBERS = ["abc", "²", "-1", "1.5", HUGE, "0"]


@pytest.fixture
def cases(stokes, hesket, open_for):
    """A Stokes Wood case with an evidence item, a draft letter and a deadline, and one case at each school beside it."""
    case = open_for(stokes)
    letter = draft_letter(case, step_id="discuss", actor=case.opened_by)
    deadline = add_deadline(case, kind=Deadline.Kind.REMOVAL, due_at=letter.created_at, actor=case.opened_by)
    sibling = open_for(stokes, parent_email="shah@stokes-wood.demo")
    draft_letter(sibling, step_id="discuss", actor=sibling.opened_by)
    add_deadline(sibling, kind=Deadline.Kind.REMOVAL, due_at=letter.created_at, actor=sibling.opened_by)
    elsewhere = open_for(hesket)
    return {"case": case, "letter": letter, "deadline": deadline, "sibling": sibling, "elsewhere": elsewhere}


@pytest.fixture
def head(login):
    return login("head@stokes-wood.demo")


# (address under /stokes-wood/cases/<pk>/, form data): every POST view that works on one case.
CASE_VIEWS = [
    ("evidence/text/", {"text": "More words"}),
    ("evidence-item/{eid}/judge/", {}),
    ("assess/", {"assessments": ["racial"]}),
    ("steps/discuss/", {"action": "done", "outcome": "Phoned"}),
    ("steps/discuss/letter/", {}),
    ("letters/{lid}/", {"recipient": "x", "subject": "x", "body": "x"}),
    ("notes/", {"text": "A note"}),
    ("staff/", {"user": "1", "what": "add"}),
    ("deadlines/{did}/met/", {"note": "done"}),
    ("close/", {"outcome": "Resolved"}),
]


def fill(path, case, letter=None, deadline=None):
    return path.format(eid=case.evidence.first().pk, lid=(letter or case.letters.first()).pk, did=(deadline or case.deadlines.first() or _Zero).pk)


class _Zero:
    pk = 0


def snapshot():
    return (Case.objects.filter(status="open").count(), Evidence.objects.count(), Letter.objects.filter(status="sent").count(),
            Deadline.objects.filter(met_at__isnull=False).count(), list(Case.objects.values_list("assessments", flat=True)))


@pytest.mark.parametrize("path,data", CASE_VIEWS)
@pytest.mark.parametrize("pk", ["elsewhere", "missing", HUGE])
def test_case_in_the_address(cases, head, path, data, pk):
    case = cases["case"]
    number = {"elsewhere": cases["elsewhere"].pk, "missing": 999_999}.get(pk, pk)
    before = snapshot()
    response = head.post(f"/stokes-wood/cases/{number}/" + fill(path, case, cases["letter"], cases["deadline"]), data)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("path,data", CASE_VIEWS)
def test_case_address_not_a_number(cases, head, path, data):
    response = head.post("/stokes-wood/cases/abc/" + fill(path, cases["case"], cases["letter"], cases["deadline"]), data)
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["evidence-item/{}/judge/", "letters/{}/", "deadlines/{}/met/"])
@pytest.mark.parametrize("which", ["sibling", "elsewhere", "missing", "huge", "word"])
def test_item_in_the_address(cases, head, path, which):
    case = cases["case"]
    kind = path.split("/")[0]
    other = cases.get(which)
    item = {
        "evidence-item": lambda c: c.evidence.first().pk,
        "letters": lambda c: c.letters.first().pk if c.letters.exists() else 0,
        "deadlines": lambda c: c.deadlines.first().pk if c.deadlines.exists() else 0,
    }[kind]
    number = item(other) if other is not None else {"missing": 999_999, "huge": HUGE, "word": "abc"}[which]
    before = snapshot()
    response = head.post(f"/stokes-wood/cases/{case.pk}/" + path.format(number), {"note": "x", "recipient": "x", "subject": "x", "body": "x"})
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("bad", BAD_NUMBERS + ["", "other-case", "other-school"])
def test_corrects_in_the_form(cases, head, bad):
    case = cases["case"]
    value = {"other-case": cases["sibling"].evidence.first().pk, "other-school": cases["elsewhere"].evidence.first().pk}.get(bad, bad)
    before = case.evidence.count()
    response = head.post(f"/stokes-wood/cases/{case.pk}/evidence/text/", {"text": "The exact words", "corrects": value})
    if bad == "":
        assert response.status_code == 302  # no correction asked for
        return
    assert response.status_code == 400 and "not found in this case" in response.content.decode()
    assert case.evidence.count() == before


@pytest.mark.parametrize("bad", BAD_NUMBERS + [None, "", "other-school", "parent"])
def test_user_in_the_staff_form(cases, head, user, bad):
    case = cases["case"]
    value = {"other-school": user("head@high-hesket.demo").pk, "parent": user("parent@stokes-wood.demo").pk}.get(bad, bad)
    data = {"what": "assign"} if value is None else {"user": value, "what": "assign"}
    response = head.post(f"/stokes-wood/cases/{case.pk}/staff/", data)
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).assigned_to is None


@pytest.mark.parametrize("bad", BAD_NUMBERS + ["other-school"])
def test_parent_in_the_open_form(cases, head, hesket, bad):
    value = hesket.people.filter(kind="parent").first().pk if bad == "other-school" else bad
    count = Case.objects.count()
    response = head.post("/stokes-wood/cases/new/", {"parent": value, "concern": "A post"})
    assert response.status_code == 400
    assert Case.objects.count() == count


@pytest.mark.parametrize("field,bad", [("evidence", b) for b in BAD_NUMBERS + ["other-case"]] + [("clauses", "no-such-clause")])
def test_ids_in_the_letter_form(cases, head, field, bad):
    case, letter = cases["case"], cases["letter"]
    value = cases["sibling"].evidence.first().pk if bad == "other-case" else bad
    form = {"recipient": "x", "subject": "x", "body": "x", "deadline": "2031-01-01T10:00", field: [value], "send": "1"}
    response = head.post(f"/stokes-wood/cases/{case.pk}/letters/{letter.pk}/", form)
    assert response.status_code == 400
    stored = Letter.objects.get(pk=letter.pk)
    assert not stored.is_sent and stored.recipient == letter.recipient


@pytest.mark.parametrize("item", ["elsewhere", "missing", HUGE])
def test_review_item_in_the_address(cases, head, hesket, item):
    author = Membership.objects.filter(school=hesket, role="headteacher").first().user
    post = submit_post(hesket, author=author, text="Sports day is on Friday.", audience="school")
    submit_comment(post, author=Membership.objects.filter(school=hesket, role="parent").first().user, text="Lovely")
    number = {"elsewhere": ReviewItem.objects.filter(school=hesket).first().pk, "missing": 999_999}.get(item, item)
    count = Case.objects.count()
    assert head.post(f"/stokes-wood/cases/from-review/{number}/").status_code == 404
    assert Case.objects.count() == count


@pytest.mark.parametrize("step", ["no-such-step", "a" * 80])
def test_unknown_step_in_the_address(cases, head, step):
    case = cases["case"]
    assert head.post(f"/stokes-wood/cases/{case.pk}/steps/{step}/", {"action": "done", "outcome": "x"}).status_code == 400
    assert head.post(f"/stokes-wood/cases/{case.pk}/steps/{step}/letter/").status_code == 400
    assert not case.step_actions.exists()


def test_unknown_evidence_kind(cases, head):
    assert head.post(f"/stokes-wood/cases/{cases['case'].pk}/evidence/video/", {"text": "x"}).status_code == 404
