"""A new user's trial: a too-short dispute reason was answered "`reason` is required." although
one was given; NOT_MORTGAGED (a release of an unmortgaged vehicle) came back with `rule: null`."""

from __future__ import annotations

from core.testing_db import row_count

from ..models import MortgageDisputeRow, MortgageFilingRow
from ..rules import Rule
from .helpers import DISPUTE_DECIDE, DISPUTE_RAISE, MY_FILING_IDS, PLUGINS, file


def test_a_too_short_dispute_reason_says_how_long_it_must_be(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert file(env, env.refs["zhang_car"])["errors"] == []
    fid = env.data(MY_FILING_IDS, as_="zhang_account")["myMortgageFilings"]["nodes"][0]["id"]
    out = env.data(DISPUTE_RAISE, {"f": fid, "r": "x"}, as_="zhang_account")
    out = out["mortgageDisputeRaise"]
    assert out["dispute"] is None
    assert out["errors"] == [
        {
            "code": "INVALID_INPUT",
            "field": "reason",
            "message": "`reason` must be at least 4 characters.",
        }
    ]
    assert row_count(env, MortgageDisputeRow) == 0
    # a blank reason is still "required"; four characters are enough
    blank = env.data(DISPUTE_RAISE, {"f": fid, "r": "   "}, as_="zhang_account")
    assert blank["mortgageDisputeRaise"]["errors"][0]["message"] == "`reason` is required."
    ok = env.data(DISPUTE_RAISE, {"f": fid, "r": "未签合同"}, as_="zhang_account")
    dispute = ok["mortgageDisputeRaise"]["dispute"]
    assert ok["mortgageDisputeRaise"]["errors"] == [] and dispute["status"] == "OPEN"
    # the office's decision note has its minimum too, and says so
    short = env.data(DISPUTE_DECIDE, {"d": dispute["id"], "up": False, "n": "x"}, as_="clerk")
    assert short["mortgageDisputeDecide"]["errors"] == [
        {
            "code": "INVALID_INPUT",
            "field": "note",
            "message": "`note` must be at least 2 characters.",
        }
    ]


def test_release_of_an_unmortgaged_vehicle_names_its_rule(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    out = file(env, env.refs["zhang_car"], kind="RELEASE")
    assert out["filing"] is None
    (err,) = out["errors"]
    assert (err["code"], err["field"], err["rule"]) == ("NOT_MORTGAGED", "vin", Rule.ONLINE)
    assert "解除抵押" in err["rule"]
    assert row_count(env, MortgageFilingRow) == 0
