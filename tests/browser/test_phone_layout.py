"""Issue 12, fault 5: on a phone (390 x 844) every page each demo role reaches from the menu fits the
screen (no sideways scroll) and the header takes at most a fifth of the first screen."""

import re

import pytest

from .conftest import build_demo
from .logins import logged_in

PHONE = {"width": 390, "height": 844}
HEADER_MAX = 844 // 5  # 168.8 px
ROLES = ["head@stokes-wood.demo", "dsl@stokes-wood.demo", "office@stokes-wood.demo", "hughes@stokes-wood.demo",
         "governor@stokes-wood.demo", "parent@stokes-wood.demo"]
# Pages owned by other apps that still scroll sideways at 390 px (reported on issue 12, not fixed here).
OTHER_APPS_WIDE: set[str] = set()




def measure(page):
    return page.evaluate("""() => ({
        width: document.documentElement.scrollWidth,
        header: document.querySelector('header.top').getBoundingClientRect().height,
        wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391 && getComputedStyle(e).position !== 'fixed')
               .slice(0, 3).map(e => e.tagName + '.' + e.className)
    })""")


@pytest.mark.django_db(transaction=True)
def test_every_menu_page_fits_a_phone(live_server, browser, output_dir):
    build_demo()

    problems = []
    for email in ROLES:
        context, page = logged_in(browser, live_server, email, PHONE)
        page.goto(f"{live_server.url}/stokes-wood/")  # a governor here is a parent elsewhere: their home is a school chooser
        role = email.split("@")[0]
        # The menu is folded behind a button on a phone; opening it shows the links.
        toggle = page.locator("header.top .menu-toggle")
        assert toggle.is_visible(), f"{email}: no menu button at 390 px"
        first = measure(page)
        assert first["header"] <= HEADER_MAX, f"{email}: header {first['header']} px"
        toggle.click()
        links = page.locator("header.top nav a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert links, f"{email}: no links in the menu"
        page.screenshot(path=str(output_dir / f"phone_{role}_menu.png"))
        for href in dict.fromkeys(links):
            page.goto(live_server.url + href)
            m = measure(page)
            name = re.sub(r"[^a-z0-9]+", "-", href.strip("/")) or "home"
            page.screenshot(path=str(output_dir / f"phone_{role}_{name}.png"), full_page=True)
            if m["header"] > HEADER_MAX:
                problems.append(f"{email} {href}: header {m['header']:.0f} px")
            if m["width"] > PHONE["width"] and href not in OTHER_APPS_WIDE:
                problems.append(f"{email} {href}: {m['width']} px wide ({', '.join(m['wide'])})")
        context.close()
    assert not problems, "\n".join(problems)
