"""Pure tests of rules.py (no database)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules

D = dt.date


def test_live_status_reasons():
    today = D(2024, 9, 2)
    assert rules.live_status("NORMAL", D(2030, 1, 1), 0, today) == (rules.VALID, [])
    assert rules.live_status("SEIZED", D(2030, 1, 1), 0, today) == (rules.SUSPENDED, ["SUSPENDED"])
    assert rules.live_status("REVOKED", D(2030, 1, 1), 0, today) == (rules.INVALID, ["REVOKED"])
    assert rules.live_status("NORMAL", D(2030, 1, 1), 12, today) == (
        rules.SUSPENDED,
        ["POINTS_EXCEEDED"],
    )
    assert rules.live_status("NORMAL", D(2030, 1, 1), 11, today) == (rules.VALID, [])


@given(st.dates(D(2000, 1, 1), D(2040, 12, 31)), st.integers(-400, 400))
def test_expiry_boundary_property(valid_until, offset):
    """Valid through its last day, expired from the next day on."""
    today = valid_until + dt.timedelta(days=offset)
    code, reasons = rules.live_status("NORMAL", valid_until, 0, today)
    assert (code == rules.INVALID) == (offset > 0)
    assert ("EXPIRED" in reasons) == (offset > 0)


def test_seizure_needs_paper():
    rules.require_paper_for_seizure("PAPER")
    with pytest.raises(RuleError) as err:
        rules.require_paper_for_seizure("E_LICENCE")
    assert err.value.rule.startswith("M01 2021-一-五-1")


def test_disclosed_claims_respect_registration_and_consent():
    both = ["status", "holds_class"]
    assert rules.disclosed_claims(None, both, holds_class="C1") == both
    assert rules.disclosed_claims(None, both) == ["status"]  # no class asked about: no predicate
    with pytest.raises(RuleError) as asked:
        rules.disclosed_claims(["holds_class"], both)
    assert (asked.value.code, asked.value.field) == ("INVALID_INPUT", "holdsClass")
    with pytest.raises(RuleError) as err:
        rules.disclosed_claims(["first_issue_date"], ["status"])
    assert err.value.code == "EDL_CLAIM_NOT_ALLOWED"
    assert rules.disclosed_claims(["first_issue_date"], ["status"], ["first_issue_date"]) == [
        "first_issue_date"
    ]


def test_windows_are_consecutive_and_bounded():
    now = dt.datetime(2024, 9, 2, 9, tzinfo=dt.UTC)
    w = rules.windows(now, 3)
    assert w[0][1] == w[1][0] and w[1][0] - w[0][0] == 180
    for bad in (0, 11):
        with pytest.raises(RuleError):
            rules.windows(now, bad)
