"""Issue 12 fault 9: a chosen file is never silently dropped after a form error (the page says, at the
file field, that it must be chosen again), and the report names categories in plain words."""

import re

from schoolgate.judge.types import category_label


def test_file_must_be_chosen_again_is_said_at_the_field(stokes, fake_judge, upload, chat_file):
    response = upload(chat_file, purpose="x")
    assert response.status_code == 400
    page = response.content.decode()
    field = page.split('id="id_file"', 1)
    assert len(field) == 2
    around = page[page.index('for="id_file"'):page.index('id="id_file"') + 400]
    assert "WhatsApp Chat with Year 4 Parents.txt" in around and "choose it again" in around
    # The error summary at the top links to it too.
    assert re.search(r'<a href="#id_file">[^<]*choose it again', page)


def test_report_shows_categories_as_plain_words(scanned, login):
    page = login("head@stokes-wood.demo").get(f"/stokes-wood/chats/{scanned.pk}/").content.decode()
    tags = re.findall(r'<span class="tag[^"]*">([^<]+)</span>', page)
    assert tags
    for code in ("confidential", "allegation", "staff_contact", "naming_child"):
        assert not any(t.strip().startswith(code + " ×") for t in tags), tags
    assert any(category_label("allegation") in t or category_label("confidential") in t for t in tags), tags
    assert "<code class=\"small\">sw-" not in page
