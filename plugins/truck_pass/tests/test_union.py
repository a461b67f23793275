"""The union of a city's policies in force on each day is checked, per road and area
(2021-四-一; issue 15 item 3): halves of a ban recorded one at a time are refused."""

from __future__ import annotations

import pytest

from core.testing_db import row_count

from ..models import TruckPassPolicy
from .helpers import PLUGINS, POLICIES, WITHDRAW, create_policy


def test_two_city_wide_halves_make_a_full_day_ban(make_env):
    """Nanjing records CITY_WIDE 00:00-12:00, then CITY_WIDE 12:00-24:00: refused."""
    env = make_env(PLUGINS, now="2021-07-01")
    first = create_policy(env, scope="CITY_WIDE", name="全市上午", coreArea=False,
                          vehicleUses=["DANGEROUS_GOODS"], restrictedWindows=["00:00-12:00"])  # fmt: skip
    assert first["errors"] == []
    out = create_policy(env, scope="CITY_WIDE", name="全市下午", coreArea=False,
                        vehicleUses=["DANGEROUS_GOODS"], restrictedWindows=["12:00-24:00"])  # fmt: skip
    err = out["errors"][0]
    assert err["code"] == "TRUCK_PASS_CITY_WIDE_24H_BAN" and err["field"] == "restrictedWindows"
    assert "24小时" in err["rule"]
    assert row_count(env, TruckPassPolicy) == 1


def test_two_city_wide_halves_for_ordinary_trucks(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert (
        create_policy(env, scope="CITY_WIDE", name="早", restrictedWindows=["00:00-12:00"])[
            "errors"
        ]
        == []
    )
    out = create_policy(env, scope="CITY_WIDE", name="晚", restrictedWindows=["12:00-24:00"])
    assert out["errors"][0]["code"] in {"TRUCK_PASS_CITY_WIDE_24H_BAN"}
    # 12:00-18:00 leaves 6 hours: accepted
    out = create_policy(env, scope="CITY_WIDE", name="午", restrictedWindows=["12:00-18:00"])
    assert out["errors"] == []
    assert row_count(env, TruckPassPolicy) == 2


def test_two_road_policies_leaving_two_hours_are_refused(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert create_policy(env, name="中山路", restrictedWindows=["00:00-12:00"])["errors"] == []
    out = create_policy(env, name="中山路", restrictedWindows=["12:00-22:00"])
    err = out["errors"][0]
    assert err["code"] == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT" and err["rule"].startswith(
        "M04 2021-四-一"
    )
    assert row_count(env, TruckPassPolicy) == 1
    # another road is another place; the same road spelt with a full-width blank is the same
    assert create_policy(env, name="北京东路", restrictedWindows=["12:00-22:00"])["errors"] == []
    out = create_policy(env, name="中山路\u3000", restrictedWindows=["12:00-22:00"])
    assert out["errors"][0]["code"] == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT"


def test_city_wide_plus_road_counts_on_that_road(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert create_policy(env, name="中山路", restrictedWindows=["06:00-14:00"])["errors"] == []
    out = create_policy(env, scope="CITY_WIDE", name="全市",
                        restrictedWindows=["14:00-24:00", "00:00-01:00"])  # fmt: skip
    assert out["errors"][0]["code"] == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT"  # 中山路: 5 h open
    out = create_policy(env, scope="CITY_WIDE", name="全市", restrictedWindows=["14:00-24:00"])
    assert out["errors"] == []  # 中山路: 00:00-06:00 open, exactly 6 h


def test_core_area_road_is_excepted_and_must_be_consistent(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert create_policy(env, name="新街口", scope="AREA", coreArea=True,
                         restrictedWindows=["00:00-12:00"])["errors"] == []  # fmt: skip
    assert create_policy(env, name="新街口", scope="AREA", coreArea=True,
                         restrictedWindows=["12:00-23:00"])["errors"] == []  # fmt: skip
    out = create_policy(env, name="新街口", scope="AREA", coreArea=False,
                        restrictedWindows=["23:00-23:30"])  # fmt: skip
    assert out["errors"][0]["field"] == "coreArea"


def test_a_withdrawn_policy_no_longer_counts(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    pid = create_policy(env, name="中山路", restrictedWindows=["00:00-12:00"])["policy"]["id"]
    assert create_policy(env, name="中山路", restrictedWindows=["12:00-22:00"])["errors"]
    env.data(WITHDRAW, {"id": pid}, as_="supervisor")
    assert create_policy(env, name="中山路", restrictedWindows=["12:00-22:00"])["errors"] == []


@pytest.mark.parametrize(
    "second,ok",
    [
        # between the first (ends 07-31) and the later one (from 09-15): never together
        ({"validFrom": "2021-08-01", "validUntil": "2021-09-14"}, True),
        ({"validFrom": "2021-07-31", "validUntil": "2021-09-14"}, False),  # one day with the first
        ({"validFrom": "2021-08-01"}, False),  # open-ended: meets the later one on 09-15
        ({"validFrom": "2021-09-01", "validUntil": "2021-09-15"}, False),
    ],
)
def test_policies_are_checked_on_each_day_they_are_in_force(make_env, second, ok):
    env = make_env(PLUGINS, now="2021-07-01")
    out = create_policy(env, name="中山路", restrictedWindows=["00:00-12:00"],
                        validUntil="2021-07-31")  # fmt: skip
    assert out["errors"] == [] and out["policy"]["id"]
    later = create_policy(env, name="中山路", restrictedWindows=["00:00-12:00"],
                          validFrom="2021-09-15")  # fmt: skip
    assert later["errors"] == []
    out = create_policy(env, name="中山路", restrictedWindows=["12:00-22:00"], **second)
    assert (out["errors"] == []) is ok, out
    if not ok:
        assert out["errors"][0]["code"] == "TRUCK_PASS_OPEN_HOURS_TOO_SHORT"


def test_valid_until_before_valid_from_is_a_typed_error(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    out = create_policy(env, validFrom="2021-07-10", validUntil="2021-07-09")
    assert out["errors"][0]["code"] == "INVALID_INPUT" and out["errors"][0]["field"] == "validUntil"
    assert row_count(env, TruckPassPolicy) == 0


def test_a_policy_past_its_last_day_no_longer_counts_nor_lists(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    out = create_policy(
        env, name="中山路", restrictedWindows=["00:00-12:00"], validUntil="2021-07-31"
    )
    assert out["errors"] == []
    assert env.data(POLICIES, {"city": "320100"})["truckPassPolicies"]["totalCount"] == 1
    env.clock.set("2021-08-01")
    assert env.data(POLICIES, {"city": "320100"})["truckPassPolicies"]["totalCount"] == 0
    assert create_policy(env, name="中山路", restrictedWindows=["12:00-22:00"])["errors"] == []
