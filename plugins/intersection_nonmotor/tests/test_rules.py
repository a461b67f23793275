"""Pure tests of M18's rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules
from ..rules import Design, LeftTurn, Separation


def two_stage(area: float, demand: int) -> Design:
    return Design(True, 60, 10, Separation.MARKING, False, LeftTurn.TWO_STAGE, non_motor_signal=True,
                  guide_lines=True, second_stage_area_m2=area, peak_left_turn_bikes=demand,
                  two_stage_sign=True)  # fmt: skip


@given(st.floats(0.5, 1000), st.integers(0, 1000))
def test_second_stage_area_fits_the_demand_exactly_when_capacity_covers_it(area, demand):
    findings = rules.check_design(two_stage(area, demand), 1.5, 1.5)
    assert findings.valid is (rules.capacity(area, 1.5) >= demand)


@given(st.dates(dt.date(2024, 7, 1), dt.date(2030, 1, 1)), st.integers(-40, 40))
def test_record_dates_between_earliest_and_today(today, offset):
    earliest = today - dt.timedelta(days=30)
    day = today + dt.timedelta(days=offset)
    if -30 <= offset <= 0:
        rules.check_record_date(day, today, earliest, rules.R_WINDOW)
    else:
        with pytest.raises(RuleError):
            rules.check_record_date(day, today, earliest, rules.R_WINDOW)


def test_capacity():
    assert rules.capacity(30, 1.5) == 20
    assert rules.capacity(29.9, 1.5) == 19
    assert rules.capacity(None, 1.5) == 0


def test_key_reasons_dedupe():
    assert rules.check_key_reasons(["ACCIDENTS", "ACCIDENTS", "DISORDER"]) == [
        "ACCIDENTS",
        "DISORDER",
    ]
