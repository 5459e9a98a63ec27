"""Issue 12: GOV.UK form patterns on every form. A form sent with nothing in it comes back with an error
summary at the top whose every link lands on a field of the page, and every aria-describedby names an
element that exists (the field's hint or error)."""

import re

import pytest

FORMS = [
    ("head@stokes-wood.demo", "/stokes-wood/cases/new/", {}),
    ("head@stokes-wood.demo", "/stokes-wood/people/", {}),
    ("office@stokes-wood.demo", "/stokes-wood/roster/", {}),
    ("office@stokes-wood.demo", "/stokes-wood/channel/restrictions/", {}),
    ("head@stokes-wood.demo", "/stokes-wood/channel/posts/new/", {}),
    ("parent@stokes-wood.demo", "/stokes-wood/concerns/new/", {}),
]


def check_patterns(html: str):
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    assert html.index('class="error-summary"') < html.index("<form", html.index("<main")) or "error-summary" in html[:html.index("</h1>")], "error summary below the form"
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert links, "the summary links no field"
    for target in links:
        assert target in ids, f"the summary links #{target}, which is not on the page"
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for ref in described.split():
            assert ref in ids, f"aria-describedby names {ref}, which is not on the page"
    assert "This field is required." not in html


@pytest.mark.parametrize(("email", "url", "data"), FORMS, ids=[f[1] for f in FORMS])
def test_an_empty_form_comes_back_with_a_summary_tied_to_its_fields(stokes, login, email, url, data):
    # A key of no meaning: some views treat an empty POST as no POST at all (`request.POST or None`).
    response = login(email).post(url, {"submitted": "1", **data})
    assert response.status_code in (200, 400)
    check_patterns(response.content.decode())
