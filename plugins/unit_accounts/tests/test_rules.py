"""Pure tests of rules.py: the clean-up plan's boundaries and invariants, the date rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules
from ..models import CleanupRule
from ..rules import plan_cleanup
from .helpers import row


def test_one_account_per_identity_per_unit_latest_kept():
    plan = plan_cleanup(
        [row(1, "U", "P"), row(3, "U", "P"), row(2, "U", "P"), row(4, "V", "P")], {}
    )
    assert plan.removed == {"R0001": CleanupRule.DUPLICATE_ID, "R0002": CleanupRule.DUPLICATE_ID}
    assert set(plan.kept) == {"R0003", "R0004"}


def test_exactly_10_accounts_stay_11th_oldest_goes():
    ten = [row(i, "U", f"P{i}") for i in range(10)]
    assert plan_cleanup(ten, {}).removed == {}
    eleven = [*ten, row(10, "U", "P10")]
    assert plan_cleanup(eleven, {}).removed == {"R0000": CleanupRule.UNIT_OVER_10}


def test_duplicates_go_before_the_10_limit_counts():
    rows = [row(i, "U", f"P{i}") for i in range(10)] + [row(20, "U", "P3")]
    plan = plan_cleanup(rows, {})
    assert plan.removed == {"R0003": CleanupRule.DUPLICATE_ID}
    assert len(plan.kept) == 10


def test_3_units_stay_4th_oldest_goes():
    three = [row(i, f"U{i}", "P") for i in range(3)]
    assert plan_cleanup(three, {}).removed == {}
    four = [*three, row(3, "U3", "P")]
    assert plan_cleanup(four, {}).removed == {"R0000": CleanupRule.PERSON_OVER_3}


def test_legal_person_accounts_are_excepted_from_the_3_unit_rule():
    rows = [row(i, f"U{i}", "P") for i in range(4)]
    plan = plan_cleanup(rows, {"U0": "P"})  # the oldest is a legal-person account
    assert plan.removed == {}
    assert plan.kept["R0000"] == "LEGAL_PERSON"
    assert {plan.kept[f"R000{i}"] for i in (1, 2, 3)} == {"USER"}
    five = [*rows, row(4, "U4", "P")]
    plan = plan_cleanup(five, {"U0": "P"})
    assert plan.removed == {"R0001": CleanupRule.PERSON_OVER_3}


def test_ties_keep_the_larger_id():
    plan = plan_cleanup([row(1, "U", "P", day=5), row(2, "U", "P", day=5)], {})
    assert plan.removed == {"R0001": CleanupRule.DUPLICATE_ID}


def test_conversion_by_identity():
    plan = plan_cleanup([row(1, "U", "LP"), row(2, "U", "X")], {"U": "LP"})
    assert plan.kept == {"R0001": "LEGAL_PERSON", "R0002": "USER"}
    assert plan.figures()["kept_legal_person"] == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 14), st.integers(0, 30)),
        max_size=120,
    ),
    st.dictionaries(st.integers(0, 5), st.integers(0, 14), max_size=6),
)
def test_plan_invariants(data, lps):
    rows = [row(i, f"U{u}", f"P{p}", day=d) for i, (u, p, d) in enumerate(data)]
    legal = {f"U{u}": f"P{p}" for u, p in lps.items()}
    plan = plan_cleanup(rows, legal)
    assert set(plan.kept) | set(plan.removed) == {r.id for r in rows}
    assert not set(plan.kept) & set(plan.removed)
    kept = [r for r in rows if r.id in plan.kept]
    pairs = [(r.unit_id, r.person_id) for r in kept]
    assert len(pairs) == len(set(pairs))  # 八-一-1
    for unit in {r.unit_id for r in rows}:
        in_unit = [r for r in kept if r.unit_id == unit]
        assert len(in_unit) <= rules.UNIT_MAX_ACCOUNTS  # 八-一-2
        if any(
            plan.removed.get(r.id) is CleanupRule.UNIT_OVER_10 for r in rows if r.unit_id == unit
        ):
            survivors = [
                r
                for r in rows
                if r.unit_id == unit
                and plan.removed.get(r.id)
                not in (CleanupRule.DUPLICATE_ID, CleanupRule.UNIT_OVER_10)
            ]
            assert len(survivors) == rules.UNIT_MAX_ACCOUNTS
    for person in {r.person_id for r in rows}:
        users = [r for r in kept if r.person_id == person and legal.get(r.unit_id) != person]
        assert len(users) <= rules.PERSON_MAX_UNITS  # 八-一-3
        removed3 = [
            r
            for r in rows
            if r.person_id == person and plan.removed.get(r.id) is CleanupRule.PERSON_OVER_3
        ]
        if removed3:
            assert len(users) == rules.PERSON_MAX_UNITS
            newest_removed = max((r.registered_at, r.id) for r in removed3)
            assert all((r.registered_at, r.id) > newest_removed for r in users)  # latest kept
        for r in rows:
            if r.person_id == person and legal.get(r.unit_id) == person:
                assert plan.removed.get(r.id) is not CleanupRule.PERSON_OVER_3


@given(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))
def test_new_rules_from_2024_07_01(day):
    assert rules.new_rules_in_force(day) is (day >= dt.date(2024, 7, 1))
    assert rules.cleanup_mode(day) == ("DISABLE" if day >= dt.date(2024, 7, 1) else "FLAG")


def test_require_new_rules_boundary_and_plate_permission():
    rules.require_new_rules(dt.date(2024, 7, 1))
    try:
        rules.require_new_rules(dt.date(2024, 6, 30), "unitId")
    except RuleError as error:
        assert error.code == "UNIT_ACCOUNTS_NOT_YET_EFFECTIVE" and error.field == "unitId"
    else:
        raise AssertionError("2024-06-30 must be refused")
    assert rules.may_replace_plates("LEGAL_PERSON", False)
    assert rules.may_replace_plates("ADMIN", False)
    assert not rules.may_replace_plates("USER", False)
    assert rules.may_replace_plates("USER", True)


def test_qr_state_boundaries():
    exp = dt.datetime(2024, 9, 2, 9, 2)
    before = exp - dt.timedelta(seconds=1)
    assert rules.qr_state_error(before, exp, False, False, redeeming=False) is None
    assert rules.qr_state_error(exp, exp, False, False, redeeming=False).code == "UNIT_QR_EXPIRED"
    assert rules.qr_state_error(before, exp, True, False, redeeming=True) is None
    assert (
        rules.qr_state_error(before, exp, False, False, redeeming=True).code
        == "UNIT_QR_NOT_APPROVED"
    )
    assert (
        rules.qr_state_error(before, exp, True, True, redeeming=True).code == "UNIT_QR_ALREADY_USED"
    )
