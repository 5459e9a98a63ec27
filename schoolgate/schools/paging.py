"""Long lists a page at a time (a roster of 20,000, an audit log, a case with hundreds of items).

`paged()` gives Django's Page with the links to the pages before and after it, keeping the request's other
query parameters (a page can hold two lists, each with its own parameter). `schools/_pages.html` shows them.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_number(raw: str | None) -> str | None:
    """The page asked for, with 0 and negative numbers read as the first page: Django's `get_page` sends any
    number outside the list to its last page, which is right for "page 999" but not for "page 0"."""
    try:
        return "1" if raw is not None and int(raw) < 1 else raw
    except ValueError:
        return raw  # not a number: `get_page` answers the first page


def paged(request, items, *, per_page: int, name: str = "page", anchor: str = "") -> Page:
    page = Paginator(items, per_page).get_page(page_number(request.GET.get(name)))
    fragment = f"#{anchor}" if anchor else ""

    def link(number: int) -> str:
        query = request.GET.copy()
        query[name] = str(number)
        return f"?{query.urlencode()}{fragment}"

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page
