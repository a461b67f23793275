"""Pure properties of M15's date rules."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules

days = st.dates(dt.date(2024, 7, 1), dt.date(2040, 12, 31))


@given(days, st.integers(0, 30))
def test_overdue_exactly_after_the_day_following_receipt(received, later):
    today = received + dt.timedelta(days=later)
    assert rules.is_overdue(received, today) == (later >= 2)


@given(days, st.integers(-5, 40), st.integers(1, 60))
def test_reminder_window_is_today_through_n_days(today, offset, window):
    deadline = today + dt.timedelta(days=offset)
    assert rules.reminder_due(deadline, today, window) == (0 <= offset <= window)


def test_deregistrable_states():
    rules.require_deregistrable("NORMAL", False)
    rules.require_deregistrable("SCRAP_DUE", False)
    for status, mortgaged in (
        ("SEIZED", False),
        ("STOLEN", False),
        ("NORMAL", True),
        ("DEREGISTERED", False),
    ):
        with pytest.raises(RuleError):
            rules.require_deregistrable(status, mortgaged)
