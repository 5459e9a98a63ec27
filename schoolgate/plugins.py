"""How a later app adds itself to an earlier app's pages without the earlier app importing it.

An app offers a hook by defining a function in a module named for the page (for example
`schoolgate/cases/dashboard.py: dashboard_panels(request)` or `schoolgate/cases/review_queue.py:
author_badges(school, user_ids)`). The page asks `hooks("dashboard", "dashboard_panels")` and calls
whatever the installed apps provide, in `INSTALLED_APPS` order. The dependency stays one way: the
later app imports the earlier one, never the reverse.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def hooks(module: str, function: str, *, exclude: frozenset[str] = frozenset()) -> list:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("schoolgate.") or config.label in exclude:
            continue
        name = f"{config.name}.{module}"
        if find_spec(name) is not None:
            hook = getattr(import_module(name), function, None)
            if hook is not None:
                found.append(hook)
    return found
