"""Pure properties of M13's rules."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules

UTC = dt.UTC


@given(st.dates(dt.date(2024, 7, 1), dt.date(2040, 1, 1)), st.integers(-10, 400))
def test_grant_window_property(today, offset):
    until = today + dt.timedelta(days=offset)
    ok = 1 <= offset <= rules.MAX_GRANT_DAYS
    if ok:
        rules.require_grant_window(today, until)
    else:
        with pytest.raises(RuleError):
            rules.require_grant_window(today, until)


@given(st.integers(-86400, 86400))
def test_only_violations_at_or_after_filing(seconds):
    filed = dt.datetime(2024, 9, 1, 8, tzinfo=UTC)
    occurred = filed + dt.timedelta(seconds=seconds)
    if seconds >= 0:
        rules.require_handleable(False, occurred, filed, "UNHANDLED")
    else:
        with pytest.raises(RuleError) as err:
            rules.require_handleable(False, occurred, filed, "UNHANDLED")
        assert err.value.rule == rules.R_AFTER_FILING


def test_on_site_never_handled_by_grantee():
    with pytest.raises(RuleError) as err:
        rules.require_handleable(
            True,
            dt.datetime(2025, 1, 1, tzinfo=UTC),
            dt.datetime(2024, 1, 1, tzinfo=UTC),
            "UNHANDLED",
        )
    assert err.value.code == "EVL_ON_SITE_VIOLATION"


def test_live_status_mapping():
    assert rules.live_status("NORMAL") == (rules.VALID, [])
    assert rules.live_status("DEREGISTERED")[0] == rules.INVALID
    assert rules.live_status("STOLEN")[0] == rules.SUSPENDED


def test_already_handled_names_its_rule():
    with pytest.raises(RuleError) as err:
        rules.require_handleable(
            False,
            dt.datetime(2025, 1, 2, tzinfo=UTC),
            dt.datetime(2025, 1, 1, tzinfo=UTC),
            "HANDLED",
        )
    assert err.value.code == "EVL_ALREADY_HANDLED" and err.value.rule == rules.R_HANDLED_ONCE


@pytest.mark.parametrize(
    "live,signed,expired",
    [
        (dt.date(2024, 9, 2), 20240902, False),  # valid through its last day
        (dt.date(2024, 9, 1), 20240902, True),  # the registry's date has passed
        (dt.date(2024, 9, 3), 20240901, True),  # the signed claim 10 has passed
        (None, 0, False),  # no validity date: not checked
        (None, 20240901, True),
    ],
)
def test_document_expired(live, signed, expired):
    assert rules.document_expired(live, signed, dt.date(2024, 9, 2)) is expired
