"""This app's kinds of background job (asked by `background.kinds()`)."""

from __future__ import annotations

from .roster import import_job


def job_kinds() -> dict:
    return {"roster_import": import_job}
