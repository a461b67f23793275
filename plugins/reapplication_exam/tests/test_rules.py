"""Pure tests of M17's rules, with property-based checks over many dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from .. import rules

D = dt.date


def test_cases():
    assert rules.classify({"C1"}, {"C1"}) == 1
    assert rules.classify({"C1"}, {"C2"}) == 1
    assert rules.classify({"A1"}, {"C1"}) == 2
    assert rules.classify({"C1", "C6"}, {"C1"}) == 3
    assert rules.classify({"C1", "C6"}, {"C1", "C6"}) == 4
    assert rules.classify({"C2", "C6"}, {"C2", "C6"}) == 4
    assert rules.classify({"B2"}, {"B2"}) is None
    assert rules.classify({"C1", "E"}, {"E"}) is None


def test_restorable():
    assert rules.restorable({"B2"}, {"C1"}) is None
    assert rules.restorable({"C1"}, {"C2"}) is None
    assert rules.restorable({"C2"}, {"C1"}) == "C1"
    assert rules.restorable({"C1"}, {"C6"}) == "C6"


def test_transition_boundary_day():
    before = rules.plan({"C1"}, {"C1"}, D(2024, 6, 1), set(), D(2024, 6, 30))
    on = rules.plan({"C1"}, {"C1"}, D(2024, 6, 1), set(), D(2024, 7, 1))
    assert before.required == rules.ALL_SUBJECTS and on.required == rules.REDUCED
    assert rules.RULE_TRANSITION_1 in on.rules
    fresh = rules.plan({"C1"}, {"C1"}, D(2024, 7, 1), set(), D(2024, 7, 1))
    assert rules.RULE_TRANSITION_1 not in fresh.rules


def test_overdue_boundary_leap_day():
    assert rules.overdue_three_years(D(2021, 2, 28), D(2024, 2, 28)) is False
    assert rules.overdue_three_years(D(2021, 2, 28), D(2024, 2, 29)) is True
    assert rules.overdue_three_years(D(2020, 2, 29), D(2023, 2, 28)) is False
    assert rules.overdue_three_years(D(2020, 2, 29), D(2023, 3, 1)) is True


@given(st.dates(D(2015, 1, 1), D(2025, 1, 1)), st.integers(-400, 400))
def test_overdue_switches_once(valid_until, offset):
    limit = rules.add_years(valid_until, 3)
    day = limit + dt.timedelta(days=offset)
    assert rules.overdue_three_years(valid_until, day) is (offset > 0)


SUBJECTS = st.sets(st.sampled_from(rules.ALL_SUBJECTS))
REQUESTS = st.sampled_from(
    [
        ({"C1"}, {"C1"}),
        ({"B2"}, {"C1"}),
        ({"C1", "C6"}, {"C2"}),
        ({"C1", "C6"}, {"C1", "C6"}),
        ({"B2"}, {"B2"}),
    ]
)


@given(
    REQUESTS,
    st.dates(D(2023, 1, 1), D(2025, 12, 31)),
    st.dates(D(2023, 1, 1), D(2025, 12, 31)),
    SUBJECTS,
)
def test_plan_invariants(request, registered, day, passed):
    original, requested = request
    p = rules.plan(original, requested, registered, passed, day)
    assert set(p.remaining) <= set(p.required) and not set(p.remaining) & passed
    reduced = day >= rules.EFFECTIVE and p.case is not None
    assert p.required == (rules.REDUCED if reduced else rules.ALL_SUBJECTS)
    if reduced:
        assert rules.S2 not in p.required and rules.S3_SAFETY not in p.required
