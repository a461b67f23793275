"""Pure tests of M16's rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules
from ..rules import BookingStatus, Charge, ChargeItem, CourierBusiness

PAIRS = list(rules.NATIONAL_FEE_STANDARD)


@given(st.sampled_from(PAIRS), st.data())
def test_any_charge_within_the_standard_is_accepted(pair, data):
    business, kind = pair
    standard = rules.fee_standard(business, kind)
    charges = [Charge(item, data.draw(st.integers(0, cap))) for item, cap in standard.items()]
    assert rules.check_charges(business, kind, charges, False, 0) == sum(
        c.amount_yuan for c in charges
    )


@given(st.sampled_from(PAIRS), st.integers(1, 1000))
def test_any_charge_above_the_standard_is_refused(pair, extra):
    business, kind = pair
    item, cap = next(iter(rules.fee_standard(business, kind).items()))
    with pytest.raises(RuleError) as err:
        rules.check_charges(business, kind, [Charge(item, cap + extra)], True, 100)
    assert err.value.code == "FEE_ABOVE_STANDARD"


def test_no_standard_means_nothing_may_be_charged():
    with pytest.raises(RuleError):
        rules.check_charges(
            CourierBusiness.E_BIKE_REGISTRATION,
            "E_BIKE",
            [Charge(ChargeItem.PLATE_FEE, 1)],
            True,
            0,
        )


@given(st.dates(dt.date(2024, 1, 1), dt.date(2030, 1, 1)), st.integers(-5, 40))
def test_visit_window(today, offset):
    visit = today + dt.timedelta(days=offset)
    if 1 <= offset <= 30:
        rules.check_visit_date(today, visit)
    else:
        with pytest.raises(RuleError):
            rules.check_visit_date(today, visit)


def test_inspector_needed_only_for_motorcycle_registration():
    day = dt.date(2024, 9, 5)
    rules.check_inspector(CourierBusiness.PLATE_REPLACEMENT, None, day)
    rules.check_inspector(CourierBusiness.MOTORCYCLE_REGISTRATION, day, day)
    with pytest.raises(RuleError):
        rules.check_inspector(
            CourierBusiness.MOTORCYCLE_REGISTRATION, day - dt.timedelta(days=1), day
        )
    with pytest.raises(RuleError):
        rules.check_inspector(CourierBusiness.MOTORCYCLE_REGISTRATION, None, day)


def test_steps_follow_the_trail():
    rules.step(BookingStatus.APPROVED, BookingStatus.SHIPPED)
    rules.step(BookingStatus.APPROVED, BookingStatus.DELIVERED)  # handed over at the window
    with pytest.raises(RuleError):
        rules.step(BookingStatus.BOOKED, BookingStatus.DELIVERED)
    with pytest.raises(RuleError):
        rules.step(BookingStatus.DELIVERED, BookingStatus.SHIPPED)
