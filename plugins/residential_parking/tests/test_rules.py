"""Pure tests of rules.py, with hypothesis properties of the time windows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import HolidayCalendar
from core.clock import CHINA_TZ
from core.errors import RuleError

from .. import rules

CAL = HolidayCalendar()
instants = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2025, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=CHINA_TZ)
)
SIGNED = dt.date(2023, 1, 1)


@given(instants)
def test_night_window_ignores_the_kind_of_day(at):
    windows = [{"kind": "NIGHT", "start": 19 * 60, "end": 7 * 60}]
    got = rules.answer("ACTIVE", windows, SIGNED, CAL, at)
    minute = at.hour * 60 + at.minute
    assert got.allowed == (minute >= 19 * 60 or minute < 7 * 60)


@given(instants)
def test_all_day_weekend_window_follows_the_calendar(at):
    windows = [{"kind": "WEEKEND", "start": 0, "end": 24 * 60}]
    got = rules.answer("ACTIVE", windows, SIGNED, CAL, at)
    day = at.date()
    expected = day.weekday() >= 5 and not CAL.is_workday(day)
    assert got.allowed == expected


@given(instants)
def test_all_day_holiday_window_follows_statutory_holidays(at):
    windows = [{"kind": "HOLIDAY", "start": 0, "end": 24 * 60}]
    got = rules.answer("ACTIVE", windows, SIGNED, CAL, at)
    assert got.allowed == CAL.is_statutory_holiday(at.date())


@given(instants)
def test_withdrawn_or_unsigned_is_never_allowed(at):
    windows = [{"kind": "NIGHT", "start": 17 * 60, "end": 9 * 60}]
    assert not rules.answer("WITHDRAWN", windows, SIGNED, CAL, at).allowed
    assert not rules.answer(None, windows, SIGNED, CAL, at).allowed
    assert not rules.answer("ACTIVE", windows, None, CAL, at).allowed


def test_day_types():
    assert rules.day_type(CAL, dt.date(2024, 9, 29)) == "SWAPPED_WORKDAY"
    assert rules.day_type(CAL, dt.date(2024, 9, 28)) == "WEEKEND"
    assert rules.day_type(CAL, dt.date(2024, 10, 1)) == "HOLIDAY"
    assert rules.day_type(CAL, dt.date(2024, 9, 30)) == "WORKDAY"


def test_weekend_window_covers_a_saturday_inside_a_holiday():
    at = dt.datetime(2024, 2, 10, 12, 0, tzinfo=CHINA_TZ)  # Saturday, Spring Festival
    windows = [{"kind": "WEEKEND", "start": 0, "end": 24 * 60}]
    assert rules.day_type(CAL, at.date()) == "HOLIDAY"
    assert rules.answer("ACTIVE", windows, SIGNED, CAL, at).allowed


@pytest.mark.parametrize("start,end", [(17 * 60, 9 * 60), (22 * 60, 24 * 60), (0, 6 * 60)])
def test_night_windows_inside_the_night(start, end):
    assert rules.check_window("NIGHT", start, end)["kind"] == "NIGHT"


@pytest.mark.parametrize("start,end", [(16 * 60 + 59, 9 * 60), (17 * 60, 9 * 60 + 1), (0, 24 * 60)])
def test_night_windows_outside_the_night(start, end):
    with pytest.raises(RuleError) as caught:
        rules.check_window("NIGHT", start, end)
    assert caught.value.code == "RESIDENTIAL_PARKING_NOT_A_NIGHT_WINDOW"


def test_markings():
    rules.check_marking("SIGN_ONLY", 0, False)
    rules.check_marking("BAYS", 5, True)
    for args in [("SIGN_ONLY", 1, False), ("BAYS", 0, True), ("BAYS", 5, False)]:
        with pytest.raises(RuleError):
            rules.check_marking(*args)
