"""Issue 12: restrict the author from the review-queue card. The card offers the restriction page's own
form for a parent/carer, posting to the existing route; on a high-risk item it asks for a tick first."""

import re

from schoolgate.channel.models import Restriction

QUEUE = "/stokes-wood/queue/"


def card(body, item):
    return re.search(rf'<article[^>]*id="item-{item.pk}".*?</article>', body, re.S).group(0)


def restrict_form(html):
    return re.search(r'<form method="post" action="/stokes-wood/channel/restrictions/".*?</form>', html, re.S).group(0)


def test_the_card_offers_to_restrict_its_author(comment_item, login):
    html = card(login("office@stokes-wood.demo").get(QUEUE).content.decode(), comment_item)
    form = restrict_form(html)
    assert "Restrict Kelly Bennett" in form
    assert f'name="user" value="{comment_item.author_id}"' in form
    assert '<legend>Restriction</legend>' in form and 'for="restrict-until-' in form
    # High risk: a tick to confirm, required in the browser and on the server.
    assert comment_item.high_risk and 'name="needs_confirmation" value="1"' in form and 'name="confirmed"' in form


def _post(client, item, **extra):
    data = {"user": item.author_id, "kind": "hold", "reason": "Your comment went against the policy.", "ends_on": "2031-01-31",
            "needs_confirmation": "1"}
    data.update(extra)
    return client.post("/stokes-wood/channel/restrictions/", data)


def test_a_high_risk_card_restricts_only_when_confirmed(comment_item, login):
    client = login("office@stokes-wood.demo")
    response = _post(client, comment_item)
    page = response.content.decode()
    assert response.status_code == 400 and "Tick the box to confirm the restriction" in page
    assert 'class="error-summary"' in page and 'href="#id_confirmed"' in page
    assert not Restriction.objects.exists()
    response = _post(client, comment_item, confirmed="1")
    assert response.status_code == 302
    restriction = Restriction.objects.get()
    assert restriction.user_id == comment_item.author_id and restriction.kind == "hold"
    # Restricted now: the card no longer offers it again.
    assert "Restrict Kelly Bennett" not in card(client.get(QUEUE).content.decode(), comment_item)


def test_the_restrictions_page_speaks_plainly_about_errors(stokes, login):
    response = login("office@stokes-wood.demo").post("/stokes-wood/channel/restrictions/", {"kind": "hold"})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Choose the parent/carer.", "Give the reason for the restriction", "Enter the last day of the restriction."):
        assert message in page
    assert "This field is required." not in page
    assert 'id="id_reason_error"' in page and 'aria-describedby="id_reason_helptext id_reason_error"' in page
