"""Pure tests of M12's rules (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules
from ..rules import Confidentiality, OfferStatus, RequesterType

days = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2030, 12, 31))


@given(delivered=days, today=days)
def test_access_starts_on_the_delivery_day(delivered, today):
    if delivered <= today:
        assert rules.require_delivered(delivered, None, today) == delivered
    else:
        with pytest.raises(RuleError) as err:
            rules.require_delivered(delivered, None, today)
        assert err.value.code == "EVIDENCE_NOT_YET_DELIVERED"


@given(a=days, b=days, today=days)
def test_the_earlier_document_counts(a, b, today):
    ok = min(a, b) <= today
    try:
        rules.require_delivered(a, b, today)
        assert ok
    except RuleError:
        assert not ok


def test_nothing_delivered_is_refused():
    with pytest.raises(RuleError):
        rules.require_delivered(None, None, dt.date(2021, 7, 1))


@pytest.mark.parametrize(
    "kind,deceased,same,allowed",
    [
        (RequesterType.PARTY, False, True, True),
        (RequesterType.PARTY, False, False, False),
        (RequesterType.PARTY, True, True, False),
        (RequesterType.AGENT, False, False, True),
        (RequesterType.AGENT, True, False, False),
        (RequesterType.AGENT, False, True, False),
        (RequesterType.DECEASED_RELATIVE, True, False, True),
        (RequesterType.DECEASED_RELATIVE, False, False, False),
        (RequesterType.RELATIVE_AGENT, True, False, True),
        (RequesterType.RELATIVE_AGENT, False, False, False),
    ],
)
def test_requester_relation(kind, deceased, same, allowed):
    if allowed:
        rules.require_relation(kind, deceased, same)
    else:
        with pytest.raises(RuleError) as err:
            rules.require_relation(kind, deceased, same)
        assert err.value.rule.startswith("M12 2021-十二-一")


@pytest.mark.parametrize("secret", [c for c in Confidentiality if c is not Confidentiality.NONE])
def test_confidential_content_is_never_visible(secret):
    with pytest.raises(RuleError):
        rules.require_offerable(secret)
    assert not rules.visible_to_requester(OfferStatus.APPROVED, secret)


def test_only_approved_items_are_visible():
    assert rules.visible_to_requester(OfferStatus.APPROVED, Confidentiality.NONE)
    for status in (OfferStatus.NOT_OFFERED, OfferStatus.PENDING, OfferStatus.REJECTED):
        assert not rules.visible_to_requester(status, Confidentiality.NONE)


def test_phone_and_code():
    assert rules.parse_phone("139 0000 0001") == "13900000001"
    assert rules.parse_phone("025-84420000") == "025-84420000"
    for bad in ("12345", "23900000001", "abc"):
        with pytest.raises(RuleError):
            rules.parse_phone(bad)
    h = rules.code_hash("R1", "ABCD2345")
    assert rules.code_matches("R1", "ABCD2345", h)
    assert not rules.code_matches("R2", "ABCD2345", h)
