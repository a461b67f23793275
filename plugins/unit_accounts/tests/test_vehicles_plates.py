"""Unit vehicles, filed drivers and violations for members; online 补换领牌证 (八-三)."""

from __future__ import annotations

from core.accounts import UnitRole
from core.registries.vehicles import Vehicle, VehicleStatus
from core.testing_answers import top_code
from core.testing_db import audit_events, update_row

from .helpers import (
    AFTER,
    GRANT,
    PLATES,
    PLUGINS,
    VEHICLE,
    VEHICLES,
    apply_plates,
    citizen,
    errors,
    member,
    plate_applications,
    unit,
    with_driver_and_violation,
)


def test_members_see_vehicles_drivers_and_violations(make_env):
    env = make_env(PLUGINS, now=AFTER)
    with_driver_and_violation(env)
    for who in ("zhang_account", "li_account"):
        got = env.data(VEHICLES, {"unit": env.refs["unit"].id}, as_=who)["unitVehicles"]
        assert got["totalCount"] == 2
        by_id = {n["vehicle"]["id"]: n for n in got["nodes"]}
        car = by_id[env.refs["unit_car"].id]
        assert car["filedDrivers"][0]["name"] == "王秀英"
        assert "*" in car["filedDrivers"][0]["idNumberMasked"]
        truck = by_id[env.refs["unit_truck"].id]
        assert truck["violations"] == [
            {"description": "违反禁令标志", "points": 3, "status": "UNHANDLED"}
        ]
        assert truck["vehicle"]["status"] == "NORMAL"
    reads = audit_events(env, "unit_accounts.vehicles")
    assert len(reads) == 2  # reading filed drivers (others' data) is audited
    one = env.data(
        VEHICLE,
        {"unit": env.refs["unit"].id, "vehicle": env.refs["unit_truck"].id},
        as_="li_account",
    )
    assert one["unitVehicle"]["violations"] == [{"points": 3}]


def test_member_of_another_unit_cannot_reach_this_units_vehicles(make_env):
    env = make_env(PLUGINS, now=AFTER)
    other = unit(env, "南京另一家公司")
    boss, boss_account = citizen(env, "别家法人")
    member(env, other, boss, UnitRole.LEGAL_PERSON)
    assert (
        top_code(env.gql(VEHICLES, {"unit": env.refs["unit"].id}, as_=boss_account)) == "NOT_FOUND"
    )
    # through their own unit, another unit's vehicle id answers NOT_FOUND too
    cross = env.gql(
        VEHICLE, {"unit": other.id, "vehicle": env.refs["unit_car"].id}, as_=boss_account
    )
    assert top_code(cross) == "NOT_FOUND"
    own = env.data(VEHICLES, {"unit": other.id}, as_=boss_account)["unitVehicles"]
    assert own["totalCount"] == 0
    # a non-member citizen, staff and anonymous callers are refused
    assert (
        top_code(env.gql(VEHICLES, {"unit": env.refs["unit"].id}, as_="elder_account"))
        == "NOT_FOUND"
    )
    assert top_code(env.gql(VEHICLES, {"unit": env.refs["unit"].id}, as_="clerk")) == "FORBIDDEN"
    assert top_code(env.gql(VEHICLES, {"unit": env.refs["unit"].id})) == "UNAUTHENTICATED"
    plate = apply_plates(env, boss_account, unit_id=other.id)
    assert errors(plate, "unitPlateReplacementApply")[0]["code"] == "NOT_FOUND"
    assert plate_applications(env) == []


def test_vehicles_not_in_force_and_malformed(make_env):
    env = make_env(PLUGINS, now=AFTER)
    env.set_rollout("unit_accounts", "320100", enabled=False)
    body = env.gql(VEHICLES, {"unit": env.refs["unit"].id}, as_="zhang_account")
    assert top_code(body) == "FEATURE_NOT_ENABLED"
    assert body["errors"][0]["extensions"]["measure"] == "unit_accounts"
    env2 = make_env(PLUGINS, now=AFTER)
    response = env2.post(VEHICLES, {"unit": "Z" * 500}, as_="zhang_account")
    assert (
        response.status_code == 200
        and response.json()["errors"][0]["extensions"]["code"] == "TOO_LONG"
    )
    response = env2.post(VEHICLES, {"unit": 12}, as_="zhang_account")  # coerced ID, unknown unit
    assert (
        response.status_code == 200
        and response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    )
    bad = env2.post(VEHICLES, {"unit": None}, as_="zhang_account")
    assert bad.status_code == 200 and bad.json()["errors"]


def test_legal_person_and_admin_apply_for_plate_replacement_by_default(make_env):
    env = make_env(PLUGINS, now=AFTER)
    admin_person, admin_account = citizen(env, "刘管理")
    member(env, env.refs["unit"], admin_person, UnitRole.ADMIN)
    ok = apply_plates(env, "zhang_account")
    assert errors(ok, "unitPlateReplacementApply") == []
    app = ok["data"]["unitPlateReplacementApply"]["application"]
    assert (
        app["business"] == "补换领牌证:PLATE"
        and app["status"] == "SUBMITTED"
        and app["city"] == "320100"
    )
    by_admin = apply_plates(env, admin_account, item="VEHICLE_LICENCE")
    assert errors(by_admin, "unitPlateReplacementApply") == []
    assert len(plate_applications(env)) == 2


def test_user_applies_only_after_a_window_grant(make_env):
    env = make_env(PLUGINS, now=AFTER)
    refused = apply_plates(env, "li_account")
    err = errors(refused, "unitPlateReplacementApply")[0]
    assert err["code"] == "UNIT_PLATE_GRANT_REQUIRED" and err["rule"].startswith("M20 2024-八-三")
    assert plate_applications(env) == []
    env.data(GRANT, {"id": env.refs["unit_user"].id, "granted": True}, as_="clerk")
    assert errors(apply_plates(env, "li_account"), "unitPlateReplacementApply") == []
    env.data(GRANT, {"id": env.refs["unit_user"].id, "granted": False}, as_="clerk")
    again = apply_plates(env, "li_account")
    assert errors(again, "unitPlateReplacementApply")[0]["code"] == "UNIT_PLATE_GRANT_REQUIRED"


def test_plate_replacement_refusals(make_env):
    env = make_env(PLUGINS, now=AFTER)
    not_unit = apply_plates(env, "zhang_account", vehicle=env.refs["zhang_car"].id)  # his own car
    assert errors(not_unit, "unitPlateReplacementApply")[0]["code"] == "NOT_FOUND"
    empty = apply_plates(env, "zhang_account", reason="   ")
    assert errors(empty, "unitPlateReplacementApply")[0]["field"] == "reason"
    long = apply_plates(env, "zhang_account", reason="x" * 201)
    assert errors(long, "unitPlateReplacementApply")[0]["code"] == "TOO_LONG"
    bad_item = env.post(
        PLATES,
        {
            "input": {
                "unitId": env.refs["unit"].id,
                "vehicleId": env.refs["unit_car"].id,
                "item": "HAT",
                "reason": "x",
            }
        },
        as_="zhang_account",
    )
    assert bad_item.status_code == 200 and bad_item.json()["errors"]
    update_row(env, Vehicle, env.refs["unit_car"].id, status=VehicleStatus.DEREGISTERED.value)
    gone = apply_plates(env, "zhang_account")
    assert errors(gone, "unitPlateReplacementApply")[0]["code"] == "UNIT_VEHICLE_NOT_ELIGIBLE"
    assert top_code(apply_plates(env, "clerk")) == "FORBIDDEN"
    assert plate_applications(env) == []


def test_plate_replacement_boundary_2024_07_01(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    before = apply_plates(env, "zhang_account")
    assert (
        errors(before, "unitPlateReplacementApply")[0]["code"] == "UNIT_ACCOUNTS_NOT_YET_EFFECTIVE"
    )
    assert plate_applications(env) == []
    env.clock.set("2024-07-01")
    assert errors(apply_plates(env, "zhang_account"), "unitPlateReplacementApply") == []
