"""The blacklist (2021-四-三): thresholds, fewer and shorter codes, correction deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from core.testing_db import row_count

from ..models import TruckPassBlacklistEntry
from .helpers import (
    APPROVE,
    BLACKLIST,
    BLACKLIST_ADD,
    BLACKLIST_LIFT,
    NOW,
    PLUGINS,
    add_violations,
    apply,
    blacklist_add,
    ready_city,
)


@pytest.mark.parametrize(
    "violation_ages,accidents,listed",
    [
        ([dt.timedelta(days=1)] * 4, 1, False),  # below both thresholds (5 violations, 2 accidents)
        ([dt.timedelta(days=1)] * 5, 0, True),
        ([], 2, True),
        # the look-back is 365 days: a violation exactly 365 days old counts, one older does not
        ([dt.timedelta(days=1)] * 4 + [dt.timedelta(days=365)], 0, True),
        ([dt.timedelta(days=1)] * 4 + [dt.timedelta(days=365, minutes=1)], 0, False),
    ],
)
def test_thresholds(make_env, violation_ages, accidents, listed):
    env = make_env(PLUGINS, now=NOW)
    add_violations(env, env.refs["unit_truck"], [NOW - age for age in violation_ages])
    out = blacklist_add(env, acc=accidents)
    if listed:
        assert out["errors"] == []
        counted = sum(1 for age in violation_ages if age <= dt.timedelta(days=365))
        assert out["entry"]["violations"] == counted
    else:
        assert out["errors"][0]["code"] == "TRUCK_PASS_BLACKLIST_THRESHOLD_NOT_MET"
        assert out["errors"][0]["rule"].startswith("M04 2021-四-三")
        assert row_count(env, TruckPassBlacklistEntry) == 0


def test_listing_reduces_and_shortens_codes_and_sets_a_deadline(make_env):
    env = make_env(PLUGINS, now=NOW)
    pid = ready_city(env)
    out = blacklist_add(env, acc=2, days=30)
    assert out["entry"]["correctBy"] == "2024-10-02" and not out["entry"]["correctionOverdue"]
    app = apply(env, pid, days=60)["application"]
    issued = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]
    code = issued["code"]
    assert code["blacklisted"] and code["validUntil"] == "2024-10-01"  # 30 days, not 60
    # a second code for the same owner: blacklisted owners get at most 1
    pid2 = ready_city(env, name="龙蟠路")
    app2 = apply(env, pid2)["application"]
    refused = env.data(APPROVE, {"id": app2["id"]}, as_="clerk")["truckPassApplicationApprove"]
    assert refused["errors"][0]["code"] == "TRUCK_PASS_CODE_LIMIT_REACHED"
    assert "减少通行码" in refused["errors"][0]["rule"]
    # the deadline passes: the entry shows it
    env.clock.set("2024-10-02")
    assert env.data(BLACKLIST, {"city": "320100"}, as_="clerk")["truckPassBlacklist"]["nodes"] == [
        {"correctionOverdue": False}
    ]
    env.clock.set("2024-10-03")
    assert env.data(BLACKLIST, {"city": "320100"}, as_="clerk")["truckPassBlacklist"]["nodes"] == [
        {"correctionOverdue": True}
    ]
    # lifted: the normal limits apply again
    lifted = env.data(BLACKLIST_LIFT, {"id": out["entry"]["id"]}, as_="supervisor")[
        "truckPassBlacklistLift"
    ]
    assert lifted["entry"]["liftedOn"] == "2024-10-03"
    again = env.data(BLACKLIST_LIFT, {"id": out["entry"]["id"]}, as_="supervisor")[
        "truckPassBlacklistLift"
    ]
    assert again["errors"][0]["code"] == "TRUCK_PASS_ALREADY_LIFTED"
    ok = env.data(APPROVE, {"id": app2["id"]}, as_="clerk")["truckPassApplicationApprove"]
    assert ok["errors"] == [] and not ok["code"]["blacklisted"]


def test_vehicle_listing_and_normal_limit(make_env):
    env = make_env(PLUGINS, now=NOW)
    out = blacklist_add(env, u=None, v=env.refs["unit_truck"].id, acc=3)
    assert out["errors"] == [] and out["entry"]["accidents"] == 3
    dup = blacklist_add(env, u=None, v=env.refs["unit_truck"].id, acc=3)
    assert dup["errors"][0]["code"] == "TRUCK_PASS_ALREADY_BLACKLISTED"


@pytest.mark.parametrize(
    "over,code",
    [
        ({"days": 0}, "INVALID_INPUT"),
        ({"days": 181}, "INVALID_INPUT"),
        ({"acc": -1}, "INVALID_INPUT"),
        ({"reason": ""}, "INVALID_INPUT"),
        ({"v": "abc"}, "INVALID_INPUT"),  # both a vehicle and a unit
        ({"u": None}, "INVALID_INPUT"),  # neither
        ({"u": "nope"}, "NOT_FOUND"),
        ({"city": "12"}, "UNKNOWN_CITY"),
    ],
)
def test_malformed_listing(make_env, over, code):
    env = make_env(PLUGINS, now=NOW)
    assert blacklist_add(env, **{"acc": 5, **over})["errors"][0]["code"] == code
    assert row_count(env, TruckPassBlacklistEntry) == 0


def test_roles_and_jurisdiction(make_env):
    env = make_env(PLUGINS, now=NOW)
    variables = {"city": "320100", "u": env.refs["unit"].id, "acc": 5, "days": 30, "reason": "x"}
    for who in ("clerk", "zhang_account", "road_officer"):
        body = env.gql(BLACKLIST_ADD, variables, as_=who)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert blacklist_add(env, city="360100", acc=5)["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(BLACKLIST, {"city": "320100"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    env.clock.set("2021-05-31")
    assert blacklist_add(env, acc=5)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, TruckPassBlacklistEntry) == 0


def test_concurrent_approvals_respect_the_blacklist_limit(make_env):
    from concurrent.futures import ThreadPoolExecutor

    env = make_env(PLUGINS, now=NOW)
    first = ready_city(env)
    second = ready_city(env, name="龙蟠路")
    blacklist_add(env, acc=2)
    ids = [apply(env, pid)["application"]["id"] for pid in (first, second)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda i: env.gql(APPROVE, {"id": i}, as_="clerk"), ids))
    outcomes = sorted(
        (r["data"]["truckPassApplicationApprove"]["errors"] or [{"code": "OK"}])[0]["code"]
        for r in results
    )
    assert outcomes == ["OK", "TRUCK_PASS_CODE_LIMIT_REACHED"]
