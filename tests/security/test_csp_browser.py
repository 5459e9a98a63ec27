"""The Content-Security-Policy in a real browser (issue 13 item 5): key pages of each kind load with no CSP
violation, htmx included (its indicator style is allowed by hash), and the photo check's face boxes are still
placed over the photo without inline styles."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

# The Playwright fixtures (Debian's chromium, never `playwright install`) live with the browser stories.
_spec = importlib.util.spec_from_file_location("browser_fixtures", Path(__file__).resolve().parents[1] / "browser" / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
browser, page, log_in = _fixtures.browser, _fixtures.page, _fixtures.log_in

# Playwright's init scripts are not subject to the page's CSP: this one records every violation the page reports.
RECORD = """window.__csp = []; document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});"""


def watch(page) -> list[str]:
    console = []
    page.add_init_script(RECORD)
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def violations(page, console) -> list[str]:
    return console + page.evaluate("window.__csp || []")


def build_demo():
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()


@pytest.mark.django_db(transaction=True)
def test_key_pages_load_with_no_csp_violation(live_server, page, log_in, fake_judge):
    build_demo()
    console = watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    assert violations(page, console) == []
    log_in("head@stokes-wood.demo")
    page.wait_for_url(f"{live_server.url}/stokes-wood/")
    seen = {}
    for path in ("/stokes-wood/", "/stokes-wood/channel/", "/stokes-wood/queue/", "/stokes-wood/cases/",
                 "/stokes-wood/chats/", "/stokes-wood/concerns/new/", "/stokes-wood/channel/posts/new/"):
        console.clear()
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        seen[path] = violations(page, console)
    # htmx ran (its indicator style is in <head>, allowed by its hash).
    assert page.evaluate("typeof htmx") == "object"
    assert page.locator("head style").count() >= 1
    # A parent's live check: htmx posts the text as they type and swaps the answer in.
    from schoolgate.channel.models import Post
    from schoolgate.channel.posts import submit_post
    from schoolgate.schools.models import School

    head = get_user_model().objects.get(username="head@stokes-wood.demo")
    post = submit_post(School.objects.get(slug="stokes-wood"), author=head, text="Our trip to the museum is on Friday.", audience="school")
    assert post.status == Post.Status.PUBLISHED
    page.context.clear_cookies()
    log_in("parent@stokes-wood.demo")
    page.wait_for_url(f"{live_server.url}/stokes-wood/")
    page.goto(f"{live_server.url}/stokes-wood/channel/posts/{post.pk}/")
    console.clear()
    with page.expect_response(lambda r: "/channel/check/" in r.url):
        page.fill("textarea[name=text]", "What a lovely trip to the museum")
    page.wait_for_timeout(300)
    seen["parent's post page with the live check"] = violations(page, console)
    assert {path: found for path, found in seen.items() if found} == {}


@pytest.mark.django_db(transaction=True)
def test_photo_check_boxes_are_placed_without_inline_styles(live_server, page, log_in, fake_judge):
    from schoolgate.channel.demo_photo import scene_jpeg

    build_demo()
    console = watch(page)
    log_in("office@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/channel/posts/new/")
    page.fill("#id_text", "Sports day")
    page.set_input_files("#id_image", files=[{"name": "day.jpg", "mimeType": "image/jpeg", "buffer": scene_jpeg(3)}])
    page.fill("#id_image_alt", "Three people on the school field")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/photo-check/")
    photo = page.locator("#photo img").bounding_box()
    boxes = page.locator(".face-box")
    assert boxes.count() == 3
    for i in range(3):
        box = boxes.nth(i).bounding_box()
        assert box and box["width"] > 5 and box["height"] > 5, box
        assert photo["x"] <= box["x"] and box["x"] + box["width"] <= photo["x"] + photo["width"] + 1, (box, photo)
        assert photo["y"] <= box["y"] and box["y"] + box["height"] <= photo["y"] + photo["height"] + 1, (box, photo)
    crops = page.locator("svg.face-crop")
    assert crops.count() == 3 and crops.first.bounding_box()["width"] >= 80
    assert violations(page, console) == []
    # "Check your answers": the blurred preview is drawn for this person only (a data: image, never stored).
    page.get_by_role("button", name="Continue").click()  # every face left as "not sure": all blurred
    page.wait_for_selector("#preview")
    assert page.evaluate("document.getElementById('preview').naturalWidth") > 0
    assert violations(page, console) == []


@pytest.mark.django_db(transaction=True)
def test_two_factor_enrolment_and_log_in_in_a_browser(live_server, page, log_in):
    """A member of staff at a school that requires it: sent to set up after the password, the QR code drawn,
    the first code confirms, recovery codes shown; next log-in asks for the code. No CSP violation throughout."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schoolgate.schools.models import School

    build_demo()
    School.objects.filter(slug="stokes-wood").update(two_factor_required=True)
    console = watch(page)
    log_in("office@stokes-wood.demo")
    page.wait_for_url("**/accounts/two-factor/set-up/**")
    assert page.locator("h1").inner_text() == "Set up two-factor log-in"
    qr = page.locator("figure.qr svg").bounding_box()
    assert qr and qr["width"] >= 100 and qr["height"] >= 100
    device = TOTPDevice.objects.get(user__username="office@stokes-wood.demo", confirmed=False)

    def code():
        device.refresh_from_db()
        return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"

    page.fill("#id_code", code())
    page.get_by_role("button", name="Turn on two-factor log-in").click()
    page.wait_for_selector("text=Your recovery codes")
    assert page.locator("ol.recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept my recovery codes: continue").click()
    page.wait_for_url(f"{live_server.url}/stokes-wood/")

    page.context.clear_cookies()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    log_in("office@stokes-wood.demo")
    page.wait_for_url("**/accounts/two-factor/?next=*")
    page.fill("#id_code", code())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/stokes-wood/")
    assert violations(page, console) == []
