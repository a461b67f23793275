"""Pure tests of M06's rules (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError
from core.identity import DocumentType

from .. import rules
from ..errors import ElderProxyErrorCode


def test_exactly_the_eight_businesses() -> None:
    assert len(rules.BUSINESSES) == 8
    labels = {b.label_zh for b in rules.BUSINESSES.values()}
    assert "机动车驾驶证期满换证" in labels and "免检车申领检验标志" in labels


@pytest.mark.parametrize("code", ["TRANSFER_REGISTRATION", "REGISTRATION", "MORTGAGE"])
def test_other_businesses_are_refused(code: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.business(code)
    assert err.value.code == ElderProxyErrorCode.BUSINESS_NOT_ALLOWED
    assert "六-一-2" in (err.value.rule or "")


def test_sixtieth_birthday_boundary() -> None:
    birth = dt.date(1961, 7, 10)
    with pytest.raises(RuleError) as err:
        rules.require_elderly(birth, dt.date(2021, 7, 9))
    assert err.value.code == ElderProxyErrorCode.UNDER_60
    assert rules.require_elderly(birth, dt.date(2021, 7, 10)) == 60


def test_leap_day_birth_turns_60_on_1_march() -> None:
    birth = dt.date(1964, 2, 29)
    assert not rules.is_priority(birth, dt.date(2024, 2, 28))  # 2024 is a leap year
    assert rules.is_priority(birth, dt.date(2024, 2, 29))
    assert not rules.is_priority(dt.date(1960, 2, 29), dt.date(2020, 2, 28))
    assert rules.is_priority(dt.date(1960, 2, 29), dt.date(2020, 2, 29))
    assert rules.is_priority(dt.date(1961, 2, 28), dt.date(2021, 2, 28))
    assert not rules.is_priority(dt.date(1961, 3, 1), dt.date(2021, 2, 28))
    assert not rules.is_priority(None, dt.date(2021, 2, 28))


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2010, 12, 31)),
    st.dates(min_value=dt.date(2021, 6, 1), max_value=dt.date(2035, 12, 31)),
)
def test_accepted_exactly_from_the_60th_birthday(birth: dt.date, day: dt.date) -> None:
    try:
        sixtieth = birth.replace(year=birth.year + 60)
    except ValueError:  # 29 February: the birthday falls on 1 March in a common year
        sixtieth = dt.date(birth.year + 60, 3, 1)
    accepted = True
    try:
        rules.require_elderly(birth, day)
    except RuleError as err:
        assert err.code == ElderProxyErrorCode.UNDER_60
        accepted = False
    assert accepted == (day >= sixtieth)
    assert rules.is_priority(birth, day) == accepted


def test_only_resident_id_or_residence_permit() -> None:
    rules.require_accepted_document(DocumentType.MAINLAND_ID)
    rules.require_accepted_document(DocumentType.HMT_RESIDENCE_PERMIT)
    with pytest.raises(RuleError) as err:
        rules.require_accepted_document(DocumentType.PASSPORT)
    assert err.value.code == ElderProxyErrorCode.DOCUMENT_NOT_ACCEPTED


@pytest.mark.parametrize("ref", ["", "abc", "x" * 65, "bad ref with spaces", "<script>"])
def test_bad_liveness_reference(ref: str) -> None:
    with pytest.raises(RuleError):
        rules.liveness_ref(ref)


def test_one_target_per_proxy() -> None:
    plates = rules.business("REPLACE_PLATES")
    rules.require_one_target(plates, "v1", None)
    for vehicle, licence in [("v1", "l1"), (None, "l1"), (None, None)]:
        with pytest.raises(RuleError) as err:
            rules.require_one_target(plates, vehicle, licence)
        assert err.value.code == ElderProxyErrorCode.ONE_BUSINESS
