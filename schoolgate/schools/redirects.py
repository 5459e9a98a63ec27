"""Sending someone to another step (log in again, the two-factor code) and back to where they were."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def to_step(request, viewname: str, back: str | None = None):
    """Redirect to `viewname` with ?next= the page asked for (home after a POST, which cannot be replayed,
    unless the caller knows a better `back`). An htmx request gets HX-Redirect, so the whole page moves
    rather than the step drawn inside a fragment."""
    target = back or (request.get_full_path() if request.method == "GET" else reverse("home"))
    url = f"{reverse(viewname)}?{urlencode({'next': target})}"
    if request.headers.get("HX-Request"):
        response = redirect(url)
        response.status_code = 200
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)
