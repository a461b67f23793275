"""Pure tests of rules.py, with hypothesis for the daily-window arithmetic (2021-四-一)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError
from core.registries.vehicles import VehicleCategory, VehicleUse

from .. import rules

minute = st.integers(min_value=0, max_value=1439)


def fmt(start: int, end: int) -> str:
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


@given(st.lists(st.tuples(minute, minute).filter(lambda t: t[0] != t[1]), min_size=1, max_size=6))
def test_six_hour_rule_accepts_exactly_when_six_hours_stay_open(windows):
    texts = [fmt(a, b) for a, b in windows]
    covered = set()
    for a, b in windows:
        covered |= {m % 1440 for m in range(a, b if b > a else b + 1440)}
    open_minutes = 1440 - len(covered)
    try:
        got = rules.check_policy("ROAD", False, [VehicleCategory.HEAVY_TRUCK], [], texts)
        assert open_minutes >= 360 and got == len(covered)
    except RuleError as error:
        assert error.code == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT" and open_minutes < 360


@given(st.lists(st.tuples(minute, minute).filter(lambda t: t[0] != t[1]), min_size=1, max_size=6))
def test_core_areas_never_hit_the_six_hour_rule(windows):
    texts = [fmt(a, b) for a, b in windows]
    assert rules.check_policy("AREA", True, [VehicleCategory.LIGHT_TRUCK], [], texts) >= 1


def test_special_only():
    assert rules.special_only([VehicleUse.DANGEROUS_GOODS])
    assert not rules.special_only([])
    assert not rules.special_only([VehicleUse.CONSTRUCTION, VehicleUse.OPERATING])


@given(st.integers(1, 366), st.integers(1, 366), st.integers(0, 30))
def test_code_window_never_exceeds_the_limit(requested, limit, ahead):
    today = dt.date(2024, 9, 2)
    start, until = rules.code_window(today, today + dt.timedelta(days=ahead), requested, limit)
    assert start >= today and (until - start).days + 1 == min(requested, limit)


def test_limits_and_overdue():
    assert rules.code_limits(True, 5, 90, 1, 30)[:2] == (1, 30)
    assert rules.code_limits(False, 5, 90, 1, 30)[:2] == (5, 90)
    with pytest.raises(RuleError):
        rules.check_code_count(1, 1, "r")
    rules.check_code_count(0, 1, "r")
    due = dt.date(2024, 10, 8)
    assert not rules.is_overdue(due, due, True)
    assert rules.is_overdue(due + dt.timedelta(days=1), due, True)
    assert not rules.is_overdue(due + dt.timedelta(days=1), due, False)


@pytest.mark.parametrize("text", ["24:00-01:00", "00:60-01:00", "1:00-2:00", "", "07:00-07:00"])
def test_bad_windows(text):
    with pytest.raises(RuleError):
        rules.parse_window(text)
