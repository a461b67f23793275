"""Working days and statutory holidays (法定节假日) of mainland China.

Backed by the `holidays` package, which knows the State Council's yearly holiday schedule including
the weekend days turned into working days (调休). Rules that speak of "nights, weekends and statutory
holidays" or of "working days" ask this calendar.
"""

from __future__ import annotations

import datetime as dt

import holidays


class HolidayCalendar:
    """Statutory holidays and weekends; `is_workday` accounts for swapped working weekends."""

    def __init__(self) -> None:
        self._holidays = holidays.country_holidays("CN", years=range(2019, 2031))
        self._workdays = _swapped_workdays()

    def is_statutory_holiday(self, day: dt.date) -> bool:
        return day in self._holidays

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def is_weekend(self, day: dt.date) -> bool:
        return day.weekday() >= 5

    def is_workday(self, day: dt.date) -> bool:
        if day in self._workdays:
            return True
        return not (self.is_weekend(day) or self.is_statutory_holiday(day))

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The date `count` working days after `day` (count >= 0)."""
        current = day
        while count > 0:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count -= 1
        return current


def _swapped_workdays() -> frozenset[dt.date]:
    """Weekend days declared working days (调休), as published by the holidays package."""
    calendar = holidays.country_holidays("CN", years=range(2019, 2031))
    return frozenset(getattr(calendar, "weekend_workdays", set()))
