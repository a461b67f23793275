"""Pure tests of M08's date rules, with property-based checks over many dates."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from .. import rules

D = dt.date


def test_civil_month_counting():
    assert rules.add_months_civil(D(2021, 6, 1), 6) == D(2021, 12, 1)
    assert rules.add_months_civil(D(2021, 8, 31), 6) == D(2022, 2, 28)
    assert rules.add_months_civil(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert rules.add_months_civil(D(2021, 12, 15), 6) == D(2022, 6, 15)


def test_window_counts_from_2021_06_01_for_earlier_returns():
    assert rules.window(D(2021, 5, 31)).last_day == D(2021, 12, 1)
    assert rules.window(D(2021, 6, 1)).last_day == D(2021, 12, 1)
    assert rules.window(D(2021, 6, 2)).last_day == D(2021, 12, 2)


def test_period_boundaries():
    assert not rules.in_relief_period(D(2020, 1, 19))
    assert rules.in_relief_period(D(2020, 1, 20)) and rules.in_relief_period(D(2021, 12, 31))
    assert not rules.in_relief_period(D(2022, 1, 1))


def test_abroad_and_return():
    c = [(D(2020, 1, 1), "EXIT"), (D(2021, 2, 1), "ENTRY"), (D(2021, 5, 1), "EXIT")]
    assert not rules.abroad_on(c, D(2019, 12, 31))
    assert rules.abroad_on(c, D(2020, 1, 1)) and rules.abroad_on(c, D(2021, 1, 31))
    assert not rules.abroad_on(c, D(2021, 2, 1))
    assert rules.first_return_after(c, D(2020, 6, 1)) == D(2021, 2, 1)
    assert rules.first_return_after(c, D(2021, 5, 2)) is None
    assert rules.needs_subject1("CANCELLED") and not rules.needs_subject1("CANCELLED_RESTORABLE")


@given(st.dates(D(2019, 1, 1), D(2030, 12, 31)), st.integers(1, 24))
def test_add_months_properties(start, months):
    end = rules.add_months_civil(start, months)
    assert end > start
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last)


@given(st.dates(D(2020, 1, 1), D(2023, 12, 31)))
def test_window_properties(back):
    w = rules.window(back)
    assert w.starts == max(back, rules.WINDOW_FROM)
    assert w.last_day >= D(2021, 12, 1)
    assert w.last_day == rules.add_months_civil(w.starts, 6)
