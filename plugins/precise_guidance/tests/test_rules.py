"""Pure tests of M19's to-do rules and helpers (no database)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules
from ..rules import Business, CorrectionField
from .helpers import TODAY, D, kinds, licence, vehicle


@given(st.integers(min_value=-400, max_value=400))
def test_renewal_opens_90_days_before_expiry(offset):
    lic = licence(valid_until=TODAY + dt.timedelta(days=offset))
    assert (Business.RENEWAL in kinds(rules.licence_todos(lic, None, TODAY))) is (offset <= 90)


@pytest.mark.parametrize("offset,due", [(90, True), (91, False), (0, True), (-5, True)])
def test_inspection_window_boundaries(offset, due):
    v = vehicle(category="MOTORCYCLE_2W", inspection_valid_until=TODAY + dt.timedelta(days=offset))
    assert (Business.INSPECTION in kinds(rules.vehicle_todos(v, TODAY))) is due


@pytest.mark.parametrize(
    "registered,category,use,expected",
    [
        (D(2015, 5, 2), "SMALL_PASSENGER", "NON_OPERATING", Business.EXEMPT_MARK),  # 9 y 364 d
        (D(2015, 5, 1), "SMALL_PASSENGER", "NON_OPERATING", Business.INSPECTION),  # 10 years
        (D(2019, 5, 1), "SMALL_PASSENGER", "OPERATING", Business.INSPECTION),
        (D(2019, 5, 1), "LIGHT_TRUCK", "NON_OPERATING", Business.INSPECTION),
    ],
)
def test_exempt_mark_or_inspection(registered, category, use, expected):
    v = vehicle(
        registered_at=registered, category=category, use=use, inspection_valid_until=D(2025, 5, 1)
    )
    assert kinds(rules.vehicle_todos(v, D(2025, 4, 1))) == {expected}


@pytest.mark.parametrize("offset,due", [(90, True), (91, False)])
def test_scrap_window(offset, due):
    v = vehicle(inspection_valid_until=None, scrap_deadline=TODAY + dt.timedelta(days=offset))
    assert (Business.SCRAP in kinds(rules.vehicle_todos(v, TODAY))) is due


def test_deregistered_vehicles_have_no_todos():
    v = vehicle(status="DEREGISTERED", inspection_valid_until=TODAY)
    assert rules.vehicle_todos(v, TODAY) == []


@pytest.mark.parametrize(
    "today,due",
    [
        (D(2024, 6, 30), False),  # the day before the cycle ends
        (D(2024, 7, 1), True),  # the cycle's last anniversary
        (D(2024, 7, 31), True),  # the 30th day after
        (D(2024, 8, 1), False),  # the 31st day
    ],
)
def test_health_check_for_drivers_aged_70(today, due):
    lic = licence(first_issue_date=D(1990, 7, 1))
    born = D(1950, 1, 1)
    assert (Business.HEALTH_CHECK in kinds(rules.licence_todos(lic, born, today))) is due


def test_health_check_starts_at_age_70():
    lic = licence(first_issue_date=D(1990, 7, 1))
    assert Business.HEALTH_CHECK not in kinds(
        rules.licence_todos(lic, D(1954, 7, 2), D(2024, 7, 1))
    )
    assert Business.HEALTH_CHECK in kinds(rules.licence_todos(lic, D(1954, 7, 1), D(2024, 7, 1)))
    # large classes: every year whatever the age
    big = licence(first_issue_date=D(2010, 7, 1), classes="A2")
    assert Business.HEALTH_CHECK in kinds(rules.licence_todos(big, D(1985, 1, 1), D(2024, 7, 1)))


def test_status_driven_todos():
    assert Business.REVIEW in kinds(
        rules.licence_todos(licence(status="OVERDUE_REVIEW"), None, TODAY)
    )
    assert Business.EXAM in kinds(rules.licence_todos(licence(points=12), None, TODAY))
    assert rules.licence_todos(licence(status="REVOKED", points=12), None, TODAY) == []


def test_violation_and_payment():
    base = dict(id="X", occurred_at=dt.datetime(2024, 8, 1, 8), city_code="320100",
                description="闯红灯", fine_yuan=200)  # fmt: skip
    assert kinds(rules.violation_todos(SimpleNamespace(status="UNHANDLED", **base), TODAY)) == {
        Business.VIOLATION
    }
    assert kinds(rules.violation_todos(SimpleNamespace(status="HANDLED", **base), TODAY)) == {
        Business.PAYMENT
    }
    assert rules.violation_todos(SimpleNamespace(status="PAID", **base), TODAY) == []


def test_keys_are_stable_per_cycle():
    a = rules.licence_todos(licence(valid_until=D(2024, 10, 1)), None, D(2024, 9, 1))
    b = rules.licence_todos(licence(valid_until=D(2024, 10, 1)), None, D(2024, 9, 20))
    assert [t.key for t in a] == [t.key for t in b]


def test_distance_and_location():
    assert rules.distance_km(32.0, 118.8, 32.0, 118.8) == 0
    assert 260 < rules.distance_km(32.06, 118.80, 31.23, 121.47) < 280  # Nanjing - Shanghai
    for lat, lon in [(91, 118), (32, 200), (float("nan"), 118), (60, 118)]:
        with pytest.raises(RuleError):
            rules.parse_location(lat, lon)


def test_corrections_are_validated():
    assert rules.parse_correction(CorrectionField.LOCATION, "32.1, 118.9") == (32.1, 118.9)
    assert rules.parse_correction(CorrectionField.BUSINESSES, "exam,renewal") == ["EXAM", "RENEWAL"]
    for kind, bad in [
        (CorrectionField.LOCATION, "abc"),
        (CorrectionField.BUSINESSES, "FLY"),
        (CorrectionField.PHONE, "123"),
        (CorrectionField.NAME, "x" * 101),
        (CorrectionField.HOURS, " "),
    ]:
        with pytest.raises(RuleError):
            rules.parse_correction(kind, bad)
