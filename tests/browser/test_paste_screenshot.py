"""Issue 15: on "Try the policy check" a member of staff can paste a screenshot (Ctrl+V) as well as choose one; the pasted
picture becomes the form's file, the page says so, and each message in it is read and checked."""

import base64
import io

import pytest
from PIL import Image, ImageDraw, ImageFont


def _demo():
    from schoolgate.policies.loader import SEED_SLUGS, load_seed
    from schoolgate.schools.demo import build

    for slug in SEED_SLUGS:
        load_seed(slug)
    build()


def _screenshot_png() -> str:
    image = Image.new("RGB", (780, 220), "white")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
    ImageDraw.Draw(image).text((24, 80), "Mr Hughes is a liar and everyone knows it", font=font, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.django_db(transaction=True)
def test_a_pasted_screenshot_is_read_and_checked(live_server, log_in, fake_judge, output_dir):
    _demo()
    page = log_in("head@stokes-wood.demo")
    page.goto(f"{live_server.url}/stokes-wood/judge/")
    page.focus("textarea")
    page.evaluate(
        """(b64) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const data = new DataTransfer();
            data.items.add(new File([bytes], "image.png", {type: "image/png"}));
            const paste = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
            document.activeElement.dispatchEvent(paste);
        }""",
        _screenshot_png(),
    )
    assert page.locator("#pasted").is_visible()
    assert "Screenshot pasted" in page.locator("#pasted").inner_text()
    assert page.evaluate("document.getElementById('id_screenshot').files.length") == 1
    assert page.input_value("textarea") == ""  # the picture is not pasted into the text as well
    page.locator("#main form button[type=submit]").click()
    page.locator("#result").get_by_text("everyone knows it").first.wait_for(timeout=60000)
    page.screenshot(path=str(output_dir / "try-judge-pasted-screenshot.png"), full_page=True)
