"""Pure tests of M09's rules (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError
from core.identifiers import parse_vin

from .. import rules
from ..errors import EntrustmentErrorCode


def test_the_table_has_the_seed_businesses() -> None:
    labels = {b.label_zh for b in rules.BUSINESSES.values()}
    for must in [
        "注册登记",
        "转移登记（辖区内）",
        "补换领驾驶证",
        "驾驶证延期",
        "提交身体条件证明",
    ]:
        assert must in labels
    assert len(rules.BUSINESSES) == 21
    assert not set(rules.EXCLUDED) & set(rules.BUSINESSES)


@pytest.mark.parametrize(
    "code", ["CHANGE_CO_OWNER", "TRANSFER_OUT_OF_JURISDICTION", "DRIVING_EXAM"]
)
def test_excluded_or_unknown_business_is_refused(code: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.business(code)
    assert err.value.code == EntrustmentErrorCode.NOT_ENTRUSTABLE
    assert "九-一" in (err.value.rule or "")


@given(
    st.dates(min_value=dt.date(2021, 6, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(min_value=1, max_value=30),
)
def test_validity_never_exceeds_30_days(today: dt.date, days: int) -> None:
    end = rules.validity_end(today, days)
    assert (end - today).days == days <= rules.MAX_VALID_DAYS


@given(
    st.dates(min_value=dt.date(2021, 6, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(min_value=31, max_value=10_000),
)
def test_validity_over_30_days_is_refused(today: dt.date, days: int) -> None:
    with pytest.raises(RuleError) as err:
        rules.validity_end(today, days)
    assert err.value.code == EntrustmentErrorCode.VALIDITY_TOO_LONG


@pytest.mark.parametrize("days", [0, -1])
def test_validity_below_one_day_is_bad_input(days: int) -> None:
    with pytest.raises(RuleError) as err:
        rules.validity_end(dt.date(2021, 7, 1), days)
    assert err.value.code == "INVALID_INPUT"


def test_status_boundaries() -> None:
    until = dt.date(2021, 7, 31)
    assert rules.status_of(None, None, until, until) is rules.GrantStatus.ACTIVE
    assert (
        rules.status_of(None, None, until, until + dt.timedelta(days=1))
        is rules.GrantStatus.EXPIRED
    )
    now = dt.datetime(2021, 7, 2, tzinfo=dt.UTC)
    assert rules.status_of(now, None, until, until) is rules.GrantStatus.USED
    assert rules.status_of(None, now, until, until) is rules.GrantStatus.REVOKED


def test_agent_must_match_type_number_and_name() -> None:
    granted = ("MAINLAND_ID", "320102198506150011", "李娜")
    rules.require_same_agent(granted, ("MAINLAND_ID", "320102198506150011", "李 娜"))
    for other in [
        ("PASSPORT", "320102198506150011", "李娜"),
        ("MAINLAND_ID", "320102198506150029", "李娜"),
        ("MAINLAND_ID", "320102198506150011", "李四"),
    ]:
        with pytest.raises(RuleError) as err:
            rules.require_same_agent(granted, other)
        assert err.value.code == EntrustmentErrorCode.AGENT_MISMATCH
        assert "320102198506150011" not in err.value.message


def test_business_must_match() -> None:
    rules.require_same_business("REPLACE_PLATES", "REPLACE_PLATES")
    with pytest.raises(RuleError) as err:
        rules.require_same_business("REPLACE_PLATES", "REPLACE_VEHICLE_LICENCE")
    assert err.value.code == EntrustmentErrorCode.BUSINESS_MISMATCH


@pytest.mark.parametrize("vin", ["", "ABC", "LSVIO0000000000000", "LSV0000000000000I"])
def test_bad_vin(vin: str) -> None:
    with pytest.raises(RuleError):
        parse_vin(vin)
