"""HTML to PDF with WeasyPrint, never fetching anything: only inline `data:` URLs may be loaded.

Letters, evidence packs and chat reports quote parents' own words, which can hold any URL; the
templates escape them, and this fetcher refuses the rest, so rendering never reaches the network or disk.
"""

from __future__ import annotations

from django.template.loader import render_to_string


def safe_fetcher():
    from weasyprint.urls import URLFetcher

    class InlineOnlyFetcher(URLFetcher):
        refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"external resources are not fetched: {url[:80]}")
            return super().fetch(url, headers)

    return InlineOnlyFetcher()


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=None, url_fetcher=safe_fetcher()).write_pdf()
