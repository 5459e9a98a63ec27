"""On a phone (390 px) the chat-scans list, a chat scan's report and the case chronologies read well: no word in
a table cell is broken across lines ("Fi nd in gs"), no date wraps, nothing scrolls sideways (neither the page
nor a table inside itself). On a desktop (1280 px) the same tables stay ordinary tables with their headings.
Screenshots: test-output/phone_tables/<SHOTS>-<page>-<width>.png (SHOTS defaults to "after")."""

import os

import pytest

from .conftest import build_demo
from .logins import logged_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DATE_HEADINGS = {"When", "First", "Last", "Original kept until"}

# For every table in <main>: words (letters and digits) broken across lines, date cells (by their column
# heading) on more than one line, and whether the table scrolls inside itself.
MEASURE = r"""(dates) => {
  // A word (letters or digits) is broken when it lies on more than one line although the run of text around it
  // (up to the spaces) would fit on one line of the table less a card's padding; only a run wider than that (a
  // URL, a SHA-256) has to break. (Not the cell's own width: a squeezed column is the fault looked for.)
  const rects = (node, start, end) => {
    const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
    return [...r.getClientRects()].filter(x => x.width > 0);
  };
  const brokenWords = (room, node) => {
    const found = [];
    for (const run of node.data.matchAll(/\S+/g)) {
      if (rects(node, run.index, run.index + run[0].length).reduce((a, x) => a + x.width, 0) > room) continue;
      for (const w of run[0].matchAll(/[\p{L}\p{N}]{2,}/gu)) {
        const at = run.index + w.index;
        if (new Set(rects(node, at, at + w[0].length).map(x => Math.round(x.top))).size > 1) found.push(w[0]);
      }
    }
    return found;
  };
  const out = {page: document.documentElement.scrollWidth, broken: [], wrapped: [], scrolling: [], tables: 0};
  for (const table of document.querySelectorAll('main table')) {
    if (!table.getClientRects().length) continue;
    out.tables++;
    if (table.scrollWidth > table.clientWidth + 1) out.scrolling.push(table.scrollWidth + ' > ' + table.clientWidth);
    const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, i) => {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
          out.broken.push(...brokenWords(table.clientWidth - 24, node));
        }
        if (dates.includes(heads[i]) && cell.textContent.trim()) {
          const r = document.createRange(); r.selectNodeContents(cell);
          const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
          if (tops.size > 1) out.wrapped.push(heads[i] + ': ' + cell.textContent.trim());
        }
      });
    }
  }
  return out;
}"""


def tab_order(page, presses: int = 160) -> list[str]:
    """The controls in <main> that Tab reaches, in order (each named by its place in the document)."""
    stops = []
    page.locator("body").focus()
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("""() => { const e = document.activeElement;
            return e && e.closest('main') ? [...document.querySelectorAll('*')].indexOf(e) + ' ' + e.tagName + ' '
              + (e.getAttribute('href') || e.getAttribute('name') || e.textContent.trim()) : ''; }"""))
    stops = [s for s in stops if s]
    return stops[:stops.index(stops[0], 1)] if stops.count(stops[0]) > 1 else stops  # one pass through the page


def _pages(live_server):
    from schoolgate.cases.models import Case
    from schoolgate.chats.models import ChatScan
    from schoolgate.schools.models import School

    school = School.objects.get(slug="stokes-wood")
    scan = ChatScan.objects.filter(school=school).first()
    case = Case.objects.filter(school=school, parent__isnull=False).order_by("pk").first()
    base = f"{live_server.url}/stokes-wood"
    return {
        "chat-scans": f"{base}/chats/",
        "chat-scan": f"{base}/chats/{scan.pk}/",
        "chronology": f"{base}/cases/{case.pk}/chronology/",
        "parent-chronology": f"{base}/cases/parent/{case.parent_id}/",
    }


@pytest.fixture
def demo_data(transactional_db):
    build_demo()


def test_tables_read_well_on_a_phone_and_stay_tables_on_a_desktop(demo_data, live_server, browser, output_dir):
    shots = output_dir / "phone_tables"
    shots.mkdir(exist_ok=True)
    prefix = os.environ.get("SHOTS", "after")
    pages = _pages(live_server)
    problems = []

    context, page = logged_in(browser, live_server, "head@stokes-wood.demo", PHONE)
    page.goto(pages["chat-scan"])
    phone_tabs = tab_order(page)
    for name, url in pages.items():
        page.goto(url)
        page.screenshot(path=str(shots / f"{prefix}-{name}-390.png"), full_page=True)
        m = page.evaluate(MEASURE, sorted(DATE_HEADINGS))
        assert m["tables"], f"{name}: no table shown"
        if m["page"] > PHONE["width"]:
            problems.append(f"{name}: the page is {m['page']} px wide")
        if m["scrolling"]:
            problems.append(f"{name}: a table scrolls sideways ({', '.join(m['scrolling'])})")
        if m["broken"]:
            problems.append(f"{name}: words broken across lines: {', '.join(sorted(set(m['broken']))[:8])}")
        if m["wrapped"]:
            problems.append(f"{name}: dates on two lines: {'; '.join(m['wrapped'][:3])}")
        # Screen readers still hear a table: every column heading says it heads a column.
        unscoped = page.locator("main table thead th:not([scope=col])").count()
        if unscoped:
            problems.append(f"{name}: {unscoped} column headings without scope=col")
    context.close()

    context, page = logged_in(browser, live_server, "head@stokes-wood.demo", DESKTOP)
    page.goto(pages["chat-scan"])
    # The cards are the same elements restyled: the keyboard reaches the same controls in the same order.
    desktop_tabs = tab_order(page)
    assert phone_tabs == desktop_tabs
    assert phone_tabs[-1].endswith("BUTTON Reveal name"), phone_tabs[-3:]  # the whole page, to the last table
    for name, url in pages.items():
        page.goto(url)
        page.screenshot(path=str(shots / f"{prefix}-{name}-1280.png"), full_page=True)
        m = page.evaluate(MEASURE, sorted(DATE_HEADINGS))
        if m["broken"] or m["wrapped"] or m["page"] > DESKTOP["width"]:
            problems.append(f"{name} at 1280 px: {m}")
        # A desktop keeps ordinary tables: rows side by side cells, visible column headings.
        looks = page.evaluate("""() => [...document.querySelectorAll('main table')].map(t => ({
            display: getComputedStyle(t).display,
            row: t.querySelector('tbody tr') ? getComputedStyle(t.querySelector('tbody tr')).display : 'table-row',
            head: t.tHead ? t.tHead.getBoundingClientRect().height > 0 && getComputedStyle(t.tHead).position !== 'absolute' : true}))""")
        for i, t in enumerate(looks):
            if t["display"] != "table" or t["row"] != "table-row" or not t["head"]:
                problems.append(f"{name} at 1280 px: table {i + 1} is not laid out as a table ({t})")
    context.close()

    assert not problems, "\n".join(problems)
