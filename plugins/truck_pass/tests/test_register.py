"""The restriction register (2021-四-一) is nationwide from 2021-06-01; only the online pass
codes (四-二) follow the pilot rollout (issue 15 item 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.accounts import Role
from core.testing_db import row_count

from ..models import TruckPassConditions, TruckPassPolicy
from .helpers import (
    CONDITIONS,
    CONDITIONS_PUBLISH,
    PLUGINS,
    POLICIES,
    WITHDRAW,
    conditions_input,
    create_policy,
)


def beijing_supervisor(env):  # noqa: ANN001, ANN201
    """A supervisor of the Beijing office (the demo world has only a Beijing clerk)."""
    with env.session() as s:
        account = env.factory(s).staff(
            "head.bj", [Role.SUPERVISOR], "110100", office=env.refs["office:110100"]
        )
        s.commit()
        s.refresh(account)
        return account


def test_beijing_supervisor_records_a_policy_on_2021_07_01(make_env):
    """Beijing is not a pass-code city, yet the 四-一 limits and the register apply there."""
    env = make_env(PLUGINS, now="2021-07-01")
    head = beijing_supervisor(env)
    out = create_policy(env, as_=head, city="110100", name="长安街")
    assert out["errors"] == [] and out["policy"]["city"] == "110100"
    listed = env.data(POLICIES, {"city": "110100"}, as_=None)["truckPassPolicies"]
    assert listed["totalCount"] == 1
    # the limits are checked in Beijing too
    out = create_policy(env, as_=head, city="110100", scope="CITY_WIDE", name="全市",
                        restrictedWindows=["00:00-24:00"])  # fmt: skip
    assert out["errors"][0]["code"] == "TRUCK_PASS_CITY_WIDE_24H_BAN"
    out = create_policy(
        env, as_=head, city="110100", name="二环", restrictedWindows=["05:00-24:00"]
    )
    assert out["errors"][0]["code"] == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT"
    assert row_count(env, TruckPassPolicy) == 1
    # withdrawal works there as well
    with env.session() as s:
        pid = s.exec(select(TruckPassPolicy.id)).one()
    out = env.data(WITHDRAW, {"id": pid}, as_=head)["truckPassPolicyWithdraw"]
    assert out["errors"] == [] and out["policy"]["status"] == "WITHDRAWN"


def test_pass_codes_stay_a_pilot_in_beijing(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    head = beijing_supervisor(env)
    body = env.data(CONDITIONS_PUBLISH, {"input": conditions_input(city="110100")}, as_=head)
    err = body["truckPassConditionsPublish"]["errors"][0]
    assert (err["code"], err["field"]) == ("FEATURE_NOT_ENABLED", "city")
    assert row_count(env, TruckPassConditions) == 0
    body = env.gql(CONDITIONS, {"city": "110100"})
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"


@pytest.mark.parametrize(
    "day,open_", [("2021-05-31", False), ("2021-06-01", True), ("2024-09-02", True)]
)
def test_register_opens_everywhere_on_2021_06_01(make_env, day, open_):
    env = make_env(PLUGINS, now=day)
    head = beijing_supervisor(env)
    out = create_policy(env, as_=head, city="110100")
    body = env.gql(POLICIES, {"city": "440300"})  # Shenzhen: never a pass-code city by default
    if open_:
        assert out["errors"] == [] and not body.get("errors")
    else:
        err = out["errors"][0]
        assert (err["code"], err["measure"], err["city"]) == (
            "FEATURE_NOT_ENABLED",
            "truck_pass",
            "110100",
        )
        assert "2021-四-一" in err["rule"]
        assert row_count(env, TruckPassPolicy) == 0
        assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"


def test_switching_off_pass_codes_leaves_the_register_open(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    env.set_rollout("truck_pass", "320100", enabled=False, valid_from=dt.date(2024, 9, 1))
    assert create_policy(env)["errors"] == []
    body = env.gql(CONDITIONS, {"city": "320100"})
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"


def test_register_keeps_jurisdiction_and_roles(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    out = create_policy(env, city="110100")  # the Nanjing supervisor on a Beijing road
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(
        "mutation($i: TruckPassPolicyInput!) { truckPassPolicyCreate(input: $i) { errors { code } } }",
        {"i": {"city": "110100", "name": "x", "scope": "ROAD", "coreArea": False,
               "vehicleCategories": ["HEAVY_TRUCK"], "restrictedWindows": ["07:00-09:00"]}},
        as_="clerk_bj",
    )  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert row_count(env, TruckPassPolicy) == 0
