"""How long a closed case is kept: one date rule for the page that shows it and the purge that applies it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def years_on(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (earlier when negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def purge_due_on(closed_on: dt.date, years: int) -> dt.date:
    """The last day a case closed on `closed_on` is kept."""
    return years_on(closed_on, years)


def purge_cutoff(years: int, today: dt.date) -> dt.datetime:
    """Cases closed before this moment have passed their last day (`purge_due_on`) by `today`."""
    return timezone.make_aware(dt.datetime.combine(years_on(today, -years), dt.time.min))
