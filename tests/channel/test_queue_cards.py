"""Issue 12, fault 6: compact cards with findings in plain words and a risk label, Reject first on high-risk
items, Approve on them confirmed, decisions in place (htmx) or back to the same place (an anchor), one
Reject form on the item page, a skip link."""

import re

from schoolgate.channel.models import ReviewItem
from schoolgate.channel.posts import submit_comment

QUEUE = "/stokes-wood/queue/"


def card(body, item):
    return re.search(rf'<article[^>]*id="item-{item.pk}".*?</article>', body, re.S).group(0)


def decide_url(item):
    return f"/stokes-wood/queue/{item.pk}/decide/"


def test_a_card_speaks_plainly(comment_item, login):
    body = login("office@stokes-wood.demo").get(QUEUE).content.decode()
    html = card(body, comment_item)
    assert "High risk" in html
    assert "sw-" not in re.sub(r"<[^>]+>", "", html)  # no clause ids on the card (only in form values)
    assert not re.search(r"\b0\.\d\d\b", html)  # no raw scores
    findings = re.findall(r'<li class="finding">(.*?)</li>', html, re.S)
    assert findings and len(findings) == len({(f["category"], f.get("clause")) for f in comment_item.findings})
    assert any("Posting" in f or "abusive" in f.lower() or "allegation" in f.lower() for f in findings)


def test_reject_is_primary_and_approve_asks_first_on_high_risk(comment_item, login):
    client = login("office@stokes-wood.demo")
    html = card(client.get(QUEUE).content.decode(), comment_item)
    reject = re.search(r'<button[^>]*value="reject"[^>]*>', html).group(0)
    approve = re.search(r'<button[^>]*value="approve"[^>]*>', html).group(0)
    assert "secondary" not in reject and "secondary" in approve
    assert html.index('value="reject"') < html.index('value="approve"')
    # Approving a high-risk item asks for confirmation first and changes nothing yet.
    response = client.post(decide_url(comment_item), {"action": "approve", "version": comment_item.version})
    assert response.status_code == 200 and "Approve anyway" in response.content.decode()
    comment_item.refresh_from_db()
    assert comment_item.status == "pending"
    response = client.post(decide_url(comment_item), {"action": "approve", "version": comment_item.version, "confirmed": "1"})
    comment_item.refresh_from_db()
    assert response.status_code == 302 and comment_item.status == "approved"


def test_a_clean_item_has_approve_primary_without_confirmation(post, user, login):
    clean = submit_comment(post, author=user("shah@stokes-wood.demo"), text="Will there be a cake stall this year?").review_items.get()
    client = login("office@stokes-wood.demo")
    html = card(client.get(QUEUE).content.decode(), clean)
    assert "Looks fine" in html
    approve = re.search(r'<button[^>]*value="approve"[^>]*>', html).group(0)
    assert "secondary" not in approve
    assert client.post(decide_url(clean), {"action": "approve", "version": clean.version}).status_code == 302


def test_without_js_a_decision_returns_to_the_next_item(post, comment_item, user, login):
    nxt = submit_comment(post, author=user("shah@stokes-wood.demo"), text="Will there be a cake stall this year?").review_items.get()
    response = login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "reject", "version": comment_item.version,
                                                                                 "reason_clause": "sw-conduct-allegations", "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}#item-{nxt.pk}"


def test_with_htmx_a_decision_updates_the_card_in_place(comment_item, login):
    response = login("office@stokes-wood.demo").post(decide_url(comment_item), {"action": "reject", "version": comment_item.version,
                                                                                 "reason_clause": "sw-conduct-allegations"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="item-{comment_item.pk}"' in body and "Rejected" in body
    assert ReviewItem.objects.get(pk=comment_item.pk).status == "rejected"


def test_the_item_page_has_one_reject_form(comment_item, login):
    body = login("office@stokes-wood.demo").get(f"/stokes-wood/queue/{comment_item.pk}/").content.decode()
    assert body.count('value="reject"') == 1


def test_a_skip_link_leads_to_the_main_content(comment_item, login):
    body = login("office@stokes-wood.demo").get(QUEUE).content.decode()
    assert re.search(r'<a[^>]*class="skip-link"[^>]*href="#main"', body) and 'id="main"' in body
    assert body.index("skip-link") < body.index("<header")
