"""The chat closure page builds its form with the school, as the case letter forms do, so the suggested
letter is addressed from the roster by the form itself (no template tag filling it in while the page renders)."""

import importlib.util

from schoolgate.chats import forms, views
from schoolgate.schools.models import Person


def test_the_closure_view_gives_the_form_the_school_and_the_roster_fills_it(scanned, login, monkeypatch):
    Person.objects.create(school=scanned.school, kind="parent", name="Dave Smith", title="Mr",
                          address="7 Mill Lane\nBraunstone\nLeicester\nLE3 2AA", email="dave@example.org")
    built = []

    class Watched(forms.ClosureForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # What the form holds as the view hands it over, before any template has seen it.
            built.append((kwargs.get("school"), dict(self.initial)))

    monkeypatch.setattr(views, "ClosureForm", Watched)
    page = login("head@stokes-wood.demo").get(f"/stokes-wood/chats/{scanned.pk}/closure/")
    assert page.status_code == 200
    (school, initial), = built
    assert school == scanned.school
    assert initial["administrator_email"] == "dave@example.org" and initial["administrator_address"].startswith("7 Mill Lane")
    assert "Dear Mr Smith," in initial["body"]
    html = page.content.decode()
    assert "Dear Mr Smith," in html and "7 Mill Lane" in html and 'value="dave@example.org"' in html
    # The workaround (a template tag that prefilled from the roster during rendering) is gone.
    assert importlib.util.find_spec("schoolgate.chats.templatetags.closure_tags") is None


def test_a_posted_closure_form_keeps_what_was_posted(scanned, login):
    Person.objects.create(school=scanned.school, kind="parent", name="Dave Smith", title="Mr", address="7 Mill Lane", email="dave@example.org")
    response = login("head@stokes-wood.demo").post(f"/stokes-wood/chats/{scanned.pk}/closure/", {
        "administrator_name": "Dave Smith", "administrator_email": "not-an-address", "administrator_address": "", "body": "My own words."})
    html = response.content.decode()
    assert response.status_code == 400 and "My own words." in html and "dave@example.org" not in html
