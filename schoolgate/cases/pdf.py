"""HTML to PDF with WeasyPrint, never fetching anything: only data: URLs may be loaded."""

from __future__ import annotations

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context)
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    return HTML(string=html, base_url="data:,", url_fetcher=fetcher).write_pdf()
