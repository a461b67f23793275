"""Pure tests of M07's date rules, with property-based checks over many dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from .. import rules

D = dt.date


def test_examples():
    assert rules.first_issue_date(D(2010, 10, 15), D(2021, 10, 15), None, ["C1"]).day == D(
        2010, 10, 15
    )
    assert rules.first_issue_date(D(2010, 10, 15), D(2021, 10, 14), None, ["C1"]).day == D(
        2011, 10, 14
    )
    assert rules.first_issue_date(D(2010, 10, 15), D(2021, 10, 16), None, ["C1"]).day == D(
        2010, 10, 16
    )
    # exchange on 29 February, military year common: 28 February
    assert rules.first_issue_date(D(2010, 1, 5), D(2024, 2, 29), None, ["C1"]).day == D(2010, 2, 28)
    # military licence less than a year before the exchange, later month-day: capped at the exchange
    assert rules.first_issue_date(D(2021, 8, 1), D(2021, 7, 1), None, ["C1"]).day == D(2021, 7, 1)


def test_validity_and_prefixes():
    assert rules.validity(D(2021, 6, 1)) == (D(2021, 6, 1), D(2027, 6, 1))
    assert rules.validity(D(2024, 2, 29)) == (D(2024, 2, 29), D(2030, 2, 28))
    assert len(rules.NEW_FORMAT_PREFIXES) == 28
    assert rules.prefix_listed("JW123") and not rules.prefix_listed("JX123")


def test_min_age_tables_by_exchange_day():
    assert rules.min_age_for(["B1"], D(2022, 3, 31)) == 21
    assert rules.min_age_for(["B1"], D(2022, 4, 1)) == 20
    assert rules.min_age_for(["A1"], D(2021, 6, 1)) == 26
    assert rules.min_age_for(["A1", "C1"], D(2022, 4, 1)) == 22
    # B1 first obtained at 20 years 6 months: under 139 (21) the birthday counts, under 162 not
    birth, military = D(1990, 1, 1), D(2010, 7, 1)
    assert rules.first_issue_date(military, D(2022, 3, 31), birth, ["B1"]).day == D(2011, 1, 1)
    assert rules.first_issue_date(military, D(2022, 4, 1), birth, ["B1"]).day == D(2011, 4, 1)


def test_reached_age_leap_day():
    assert rules.reached_age(D(2004, 2, 29), 18) == D(2022, 3, 1)
    assert rules.reached_age(D(2002, 2, 28), 18) == D(2020, 2, 28)


DAYS = st.dates(D(1990, 1, 1), D(2030, 12, 31))


@given(DAYS, DAYS)
def test_year_rule_properties(military, exchange):
    if military > exchange:
        military, exchange = exchange, military
    got = rules.first_issue_date(military, exchange, None, ["C1"]).day
    assert military <= got <= exchange
    assert got.year in (military.year, military.year + 1)
    if got != exchange:
        assert (got.month, got.day) == (exchange.month, exchange.day) or (
            exchange.month,
            exchange.day,
            got.day,
        ) == (2, 29, 28)
    later = (military.month, military.day) > (exchange.month, exchange.day)
    assert got.year == min(military.year + (1 if later else 0), exchange.year)


@given(
    DAYS,
    DAYS,
    st.dates(D(1960, 1, 1), D(2012, 12, 31)),
    st.sampled_from([["C1"], ["B2"], ["A1"], ["C1", "B2"]]),
)
def test_never_before_the_civil_minimum_age(military, exchange, birth, classes):
    if military > exchange:
        military, exchange = exchange, military
    of_age = rules.reached_age(birth, rules.min_age_for(classes, exchange))
    got = rules.first_issue_date(military, exchange, birth, classes).day
    assert got >= of_age
    if military < of_age:
        assert got == of_age
