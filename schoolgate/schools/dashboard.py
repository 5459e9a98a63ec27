"""What the dashboard shows each role: warnings first, then work waiting.

Every app adds its own panels by defining `dashboard_panels(request) -> list[dict]` in a `dashboard`
module (e.g. `schoolgate/policies/dashboard.py` for the annual review, `schoolgate/cases/dashboard.py` for
overdue deadlines; see `schoolgate.plugins`); each panel is
{"level": "warning"|"info", "title": str, "text": str, "url": str | None}.
"""

from __future__ import annotations

from schoolgate.plugins import hooks


def dashboard_panels(request) -> list[dict]:
    panels = []
    for hook in hooks("dashboard", "dashboard_panels", exclude=frozenset({"schools"})):
        panels.extend(hook(request))
    return sorted(panels, key=lambda p: p["level"] != "warning")
