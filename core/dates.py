"""Calendar arithmetic on plain dates that rules and reports share."""

from __future__ import annotations

import datetime as dt

from core.clock import CHINA_TZ
from core.db import stamp


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month-day `years` later (earlier when negative); 29 February becomes 28 February in a
    common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def stored_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants of the Beijing dates `start` to `end` (inclusive) as a half-open range
    [start 00:00, end + 1 day 00:00), in the form timestamps are stored (UTC, `core.db.stamp`):
    compare with `>= low` and `< high`."""
    low = dt.datetime.combine(start, dt.time(0), tzinfo=CHINA_TZ)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA_TZ)
    return stamp(low), stamp(high)
