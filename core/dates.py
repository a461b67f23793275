"""Calendar arithmetic on plain dates that rules share (validity periods counted in years)."""

from __future__ import annotations

import datetime as dt


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month-day `years` later (earlier when negative); 29 February becomes 28 February in a
    common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
