"""Restriction policies (2021-四-一), published conditions (四-二) and rollout, through GraphQL."""

from __future__ import annotations

import pytest

from core.testing_db import row_count

from ..models import TruckPassPolicy
from .helpers import (
    CONDITIONS,
    CONDITIONS_PUBLISH,
    PLUGINS,
    POLICIES,
    POLICY_CREATE,
    WITHDRAW,
    conditions_input,
    create_policy,
    policy_input,
)


def test_supervisor_records_policy_and_public_reads_it(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = create_policy(env)
    assert out["errors"] == []
    assert out["policy"]["openMinutesPerDay"] == 24 * 60 - 240
    body = env.data(POLICIES, {"city": "320100"}, as_=None)  # anonymous: public
    assert body["truckPassPolicies"]["totalCount"] == 1


@pytest.mark.parametrize("who", ["zhang_account", "clerk", "road_officer", "province_admin"])
def test_other_roles_may_not_record_policies(make_env, who):
    env = make_env(PLUGINS, now="2024-09-02")
    body = env.gql(POLICY_CREATE, {"input": policy_input()}, as_=who)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert row_count(env, TruckPassPolicy) == 0


def test_supervisor_of_another_city_is_refused(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = create_policy(env, city="360100")  # Nanchang: in force, not the Nanjing supervisor's
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert row_count(env, TruckPassPolicy) == 0


@pytest.mark.parametrize(
    "windows,ok",
    [
        (["06:00-24:00"], True),  # 18 h restricted, exactly 6 h open
        (["05:59-24:00"], False),  # 6 h minus one minute open
        (["00:00-12:00", "12:00-18:00"], True),
        (["00:00-12:00", "11:00-18:01"], False),  # overlaps counted once: 18h01 restricted
        (["20:00-08:00", "08:00-14:00"], True),  # crosses midnight, 18 h
        (["20:00-08:00", "08:00-14:01"], False),
    ],
)
def test_six_open_hours_outside_core_areas(make_env, windows, ok):
    env = make_env(PLUGINS, now="2024-09-02")
    out = create_policy(env, restrictedWindows=windows)
    if ok:
        assert out["errors"] == []
        assert out["policy"]["openMinutesPerDay"] == 360
    else:
        err = out["errors"][0]
        assert err["code"] == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT"
        assert err["field"] == "restrictedWindows" and err["rule"].startswith("M04 2021-四-一")
        assert row_count(env, TruckPassPolicy) == 0


def test_core_area_and_special_vehicles_are_excepted(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = create_policy(env, name="新街口", coreArea=True, restrictedWindows=["00:00-24:00"])
    assert out["errors"] == []
    out = create_policy(
        env, vehicleUses=["DANGEROUS_GOODS", "CONSTRUCTION"], restrictedWindows=["00:00-23:00"]
    )
    assert out["errors"] == []
    # one ordinary use in the list removes the exception
    out = create_policy(
        env, vehicleUses=["DANGEROUS_GOODS", "OPERATING"], restrictedWindows=["00:00-23:00"]
    )
    assert out["errors"][0]["code"] == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT"


def test_no_city_wide_24_hour_ban(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = create_policy(
        env, scope="CITY_WIDE", vehicleUses=["DANGEROUS_GOODS"], restrictedWindows=["00:00-24:00"]
    )
    assert out["errors"][0]["code"] == "TRUCK_PASS_CITY_WIDE_24H_BAN"
    assert "24小时" in out["errors"][0]["rule"]
    out = create_policy(
        env, scope="CITY_WIDE", vehicleUses=["DANGEROUS_GOODS"], restrictedWindows=["00:01-24:00"]
    )
    assert out["errors"] == []  # 23h59 city-wide for dangerous goods only is allowed
    assert create_policy(env, scope="CITY_WIDE", coreArea=True)["errors"][0]["field"] == "coreArea"


@pytest.mark.parametrize(
    "over,field,code",
    [
        ({"restrictedWindows": ["25:00-26:00"]}, "restrictedWindows", "TRUCK_PASS_INVALID_WINDOW"),
        ({"restrictedWindows": ["08:00-08:00"]}, "restrictedWindows", "TRUCK_PASS_INVALID_WINDOW"),
        ({"restrictedWindows": ["8-9"]}, "restrictedWindows", "TRUCK_PASS_INVALID_WINDOW"),
        ({"restrictedWindows": []}, "restrictedWindows", "INVALID_INPUT"),
        ({"vehicleCategories": ["SMALL_PASSENGER"]}, "vehicleCategories", "TRUCK_PASS_NOT_A_TRUCK"),
        ({"vehicleCategories": []}, "vehicleCategories", "INVALID_INPUT"),
        ({"name": "x" * 101}, "name", "TOO_LONG"),
        ({"name": "  "}, "name", "INVALID_INPUT"),
        ({"city": "999999"}, "city", "UNKNOWN_CITY"),
    ],
)
def test_malformed_policy_is_a_typed_error(make_env, over, field, code):
    env = make_env(PLUGINS, now="2024-09-02")
    out = create_policy(env, **over)
    assert (out["errors"][0]["code"], out["errors"][0]["field"]) == (code, field)
    assert row_count(env, TruckPassPolicy) == 0


@pytest.mark.parametrize("window", ["25:00-26:00", "08:00-08:00", "8-9"])
def test_invalid_window_names_the_input_field_and_its_rule(make_env, window):
    # the refusal names the GraphQL input field the client sent and the 四-一 clause it serves
    env = make_env(PLUGINS, now="2024-09-02")
    err = create_policy(env, restrictedWindows=["07:00-09:00", window])["errors"][0]
    assert err["code"] == "TRUCK_PASS_INVALID_WINDOW"
    assert err["field"] == "restrictedWindows"
    assert err["rule"] and err["rule"].startswith("M04 2021-四-一")
    assert env.data(POLICIES, {"city": "320100"})["truckPassPolicies"]["totalCount"] == 0


@pytest.mark.parametrize(
    "over,field",
    [
        ({"validFrom": "9999-12-31", "validUntil": "9999-12-31"}, "validFrom"),
        ({"validFrom": "9999-12-31"}, "validFrom"),
        ({"validFrom": "2029-09-03"}, "validFrom"),  # one day past 5 years after today
        ({"validFrom": "1999-12-31"}, "validFrom"),
        ({"validUntil": "9999-12-31"}, "validUntil"),
        ({"validUntil": "2029-09-03"}, "validUntil"),
    ],
)
def test_implausible_policy_dates_are_refused_and_nothing_written(make_env, over, field):
    env = make_env(PLUGINS, now="2024-09-02")
    err = create_policy(env, **over)["errors"][0]
    assert (err["code"], err["field"]) == ("INVALID_DATE", field)
    assert err["rule"] and err["rule"].startswith("M04 platform rule")
    assert env.data(POLICIES, {"city": "320100"})["truckPassPolicies"]["totalCount"] == 0
    assert row_count(env, TruckPassPolicy) == 0


def test_policy_dates_at_the_bounds_are_accepted(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    assert create_policy(env, name="甲", validFrom="2000-01-01")["errors"] == []
    out = create_policy(env, name="乙", validFrom="2029-09-02", validUntil="2029-09-02")
    assert out["errors"] == []
    assert env.data(POLICIES, {"city": "320100"})["truckPassPolicies"]["totalCount"] == 2


def test_bad_enum_is_a_graphql_error_not_a_500(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    response = env.post(POLICY_CREATE, {"input": policy_input(scope="GALAXY")}, as_="supervisor")
    assert response.status_code == 200
    assert response.json()["errors"]
    assert row_count(env, TruckPassPolicy) == 0


@pytest.mark.parametrize(
    "city,day,in_force",
    [
        ("320100", "2021-05-31", False),  # Nanjing pilot
        ("320100", "2021-06-01", True),
        ("650100", "2021-06-01", True),  # Urumqi pilot
        ("120100", "2021-08-31", False),  # Tianjin: 70 cities from 2021-09-01
        ("120100", "2021-09-01", True),
        ("310100", "2024-09-02", False),  # Shanghai: not named by the seed
    ],
)
def test_default_rollout(make_env, city, day, in_force):
    env = make_env(PLUGINS, now=day)
    body = env.gql(CONDITIONS, {"city": city}, as_="zhang_account")
    if in_force:
        assert not body.get("errors")
    else:
        ext = body["errors"][0]["extensions"]
        assert ext["code"] == "FEATURE_NOT_ENABLED" and ext["city"] == city and ext["date"] == day


def test_write_refused_when_not_in_force_writes_nothing(make_env):
    env = make_env(PLUGINS, now="2021-05-31")
    out = create_policy(env)
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, TruckPassPolicy) == 0


def test_conditions_published_and_read_publicly(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    assert env.data(CONDITIONS, {"city": "320100"})["truckPassConditions"] is None
    body = env.data(CONDITIONS_PUBLISH, {"input": conditions_input()}, as_="supervisor")
    assert body["truckPassConditionsPublish"]["errors"] == []
    got = env.data(CONDITIONS, {"city": "320100"})["truckPassConditions"]
    assert got == {"city": "320100", "timeLimitWorkdays": 3}
    # a citizen or clerk may not publish
    body = env.gql(CONDITIONS_PUBLISH, {"input": conditions_input()}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "over,field",
    [
        ({"blacklistMaxCodes": 3}, "blacklistMaxCodes"),  # must reduce the number
        ({"blacklistValidityDays": 90}, "blacklistValidityDays"),  # must shorten validity
        ({"timeLimitWorkdays": 0}, "timeLimitWorkdays"),
        ({"timeLimitWorkdays": 21}, "timeLimitWorkdays"),
        ({"conditions": ""}, "conditions"),
    ],
)
def test_conditions_input_checked(make_env, over, field):
    env = make_env(PLUGINS, now="2024-09-02")
    body = env.data(CONDITIONS_PUBLISH, {"input": conditions_input(**over)}, as_="supervisor")
    assert body["truckPassConditionsPublish"]["errors"][0]["field"] == field


def test_withdrawal_keeps_the_policy(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = create_policy(env)["policy"]["id"]
    body = env.gql(WITHDRAW, {"id": pid}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    out = env.data(WITHDRAW, {"id": pid}, as_="supervisor")["truckPassPolicyWithdraw"]
    assert out["policy"]["status"] == "WITHDRAWN"
    again = env.data(WITHDRAW, {"id": pid}, as_="supervisor")["truckPassPolicyWithdraw"]
    assert again["errors"][0]["code"] == "TRUCK_PASS_POLICY_WITHDRAWN"
    assert row_count(env, TruckPassPolicy) == 1
    assert env.data(POLICIES, {"city": "320100"})["truckPassPolicies"]["totalCount"] == 0


def test_demo_data_loads(make_env):
    from .. import demo as demo_data

    env = make_env(PLUGINS, now="2024-09-02")
    with env.session() as s:
        demo_data.load(s, env.world)
        s.commit()
    nodes = env.data(POLICIES, {"city": "320100"})["truckPassPolicies"]["nodes"]
    assert nodes == [{"name": "中山路（鼓楼—新街口）", "openMinutesPerDay": 750}]
