"""Pure tests of M03's date rules, with property-based checks over many dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from .. import rules
from ..reports import max_in_window

CLASSES = st.sampled_from(["C1", "C2", "C5", "A1", "A2", "A3", "B1", "B2", "D"])
KINDS = st.sampled_from([rules.FIRST, rules.ADD])
DAYS = st.dates(dt.date(2020, 6, 1), dt.date(2022, 6, 1))


def test_interval_table():
    new, old = dt.date(2021, 6, 1), dt.date(2021, 5, 31)
    assert rules.interval_days("C2", rules.FIRST, new).value == 20
    assert rules.interval_days("C2", rules.FIRST, old).value == 30
    assert rules.interval_days("C5", rules.FIRST, new).value == 20
    assert rules.interval_days("B1", rules.ADD, new).value == 30
    assert rules.interval_days("B1", rules.ADD, old).value == 40
    assert rules.interval_days("B2", rules.FIRST, new).value == 40
    assert rules.interval_days("A3", rules.FIRST, old).value == 40
    assert rules.interval_days("C1", rules.FIRST, new).value == 30
    assert rules.interval_days("D", rules.FIRST, new, other_days=25).value == 25


def test_location_changes_boundary():
    assert rules.max_location_changes(dt.date(2021, 5, 31)).value == 1
    assert rules.max_location_changes(dt.date(2021, 6, 1)).value == 3


def test_permit_validity_leap_day():
    assert rules.permit_valid_until(dt.date(2020, 2, 29)) == dt.date(2023, 2, 27)
    assert rules.permit_valid_until(dt.date(2021, 6, 1)) == dt.date(2024, 5, 31)


@given(CLASSES, KINDS, DAYS)
def test_earliest_is_the_first_day_that_may_book(cls, kind, permit):
    earliest = rules.earliest_subject3_booking(cls, kind, permit).value
    assert rules.may_book_subject3(cls, kind, permit, earliest).value is True
    assert (
        rules.may_book_subject3(cls, kind, permit, earliest - dt.timedelta(days=1)).value is False
    )
    assert permit + dt.timedelta(days=20) <= earliest <= permit + dt.timedelta(days=40)


@given(CLASSES, KINDS, DAYS, st.integers(0, 120))
def test_booking_is_monotone_after_earliest(cls, kind, permit, extra):
    earliest = rules.earliest_subject3_booking(cls, kind, permit).value
    day = earliest + dt.timedelta(days=extra)
    assert rules.may_book_subject3(cls, kind, permit, day).value is True
    before = earliest - dt.timedelta(days=1 + extra)
    assert rules.may_book_subject3(cls, kind, permit, before).value is False


@given(DAYS)
def test_items_by_exam_date(day):
    items = rules.subject2_items("C2", day).value
    assert len(items) == (4 if day >= rules.EFFECTIVE else 5)
    assert len(rules.subject2_items("C1", day).value) == 5


@given(
    st.lists(st.dates(dt.date(2021, 1, 1), dt.date(2021, 3, 1)), max_size=30), st.integers(1, 20)
)
def test_max_in_window_matches_brute_force(days, window):
    best, _ = max_in_window(days, window)
    brute = max((sum(1 for d in days if 0 <= (d - s).days < window) for s in days), default=0)
    assert best == brute
