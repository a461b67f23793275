"""Pass-code applications, approval, time limits and verification (2021-四-二), via GraphQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.accounts import Role
from core.audit import AuditEvent
from core.registries.applications import Application
from core.registries.vehicles import FiledDriver, VehicleCategory, VehicleUse
from core.testing_db import add_staff, row_count

from ..models import TruckPassCode
from .helpers import (
    APPLY,
    APPROVE,
    MY_APPLICATIONS,
    MY_APPLICATIONS_OLD,
    MY_CODES,
    MY_CODES_OLD,
    OVERDUE,
    PLUGINS,
    POLICY_CREATE,
    REJECT,
    VERIFY,
    apply,
    policy_input,
    ready_city,
)


def test_unit_legal_person_applies_clerk_approves_officer_verifies(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    out = apply(env, pid)
    assert out["errors"] == []
    app = out["application"]
    assert app["applicantKind"] == "UNIT" and app["status"] == "SUBMITTED"
    approved = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]
    assert approved["errors"] == []
    code = approved["code"]
    assert code["qr"].startswith("TP1:")
    assert (code["validFrom"], code["validUntil"]) == ("2024-09-02", "2024-10-31")  # 60 days
    assert not code["blacklisted"]
    checked = env.data(VERIFY, {"qr": code["qr"]}, as_="road_officer")["truckPassVerify"]
    assert checked["valid"] and checked["reason"] == "OK"
    assert checked["plate"] == env.refs["unit_truck"].plate
    mine = env.data(MY_CODES, {"city": "320100"}, as_="zhang_account")["myTruckPassCodes"]
    assert mine["totalCount"] == 1
    # the deprecated name answers the same
    old = env.data(MY_CODES_OLD, {"city": "320100"}, as_="zhang_account")["truckPassMyCodes"]
    assert [n["id"] for n in old["nodes"]] == [n["id"] for n in mine["nodes"]]
    # the applicant was told (outbox) and the verification audited
    with env.session() as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert "truck_pass.verify" in actions


def test_validity_capped_by_published_days(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    app = apply(env, pid, days=200)["application"]
    code = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]["code"]
    assert code["validUntil"] == (dt.date(2024, 9, 2) + dt.timedelta(days=89)).isoformat()


def test_verification_dates_and_tampering(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    app = apply(env, pid, valid_from="2024-09-05", days=10)["application"]
    code = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]["code"]
    assert (code["validFrom"], code["validUntil"]) == ("2024-09-05", "2024-09-14")
    for day, reason in [
        ("2024-09-04", "NOT_YET_VALID"),
        ("2024-09-05", "OK"),
        ("2024-09-14", "OK"),
        ("2024-09-15", "EXPIRED"),
    ]:
        env.clock.set(day)
        got = env.data(VERIFY, {"qr": code["qr"]}, as_="road_officer")["truckPassVerify"]
        assert got["reason"] == reason, day
    tampered = code["qr"][:-3] + ("AAA" if not code["qr"].endswith("AAA") else "BBB")
    got = env.data(VERIFY, {"qr": tampered}, as_="road_officer")["truckPassVerify"]
    assert not got["valid"] and got["plate"] is None
    got = env.data(VERIFY, {"qr": "hello"}, as_="road_officer")["truckPassVerify"]
    assert got["reason"] == "MALFORMED"
    body = env.gql(VERIFY, {"qr": code["qr"]}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = env.gql(VERIFY, {"qr": "x" * 2001}, as_="road_officer")
    assert body["errors"][0]["extensions"]["code"] == "TOO_LONG"


@pytest.mark.parametrize("offset,ok", [(-1, False), (0, True), (30, True), (31, False)])
def test_start_day_boundaries(make_env, offset, ok):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    day = (dt.date(2024, 9, 2) + dt.timedelta(days=offset)).isoformat()
    out = apply(env, pid, valid_from=day)
    if ok:
        assert out["errors"] == []
    else:
        assert out["errors"][0]["code"] == "TRUCK_PASS_START_OUT_OF_RANGE"
        assert row_count(env, Application) == 0


def test_due_date_counts_working_days_and_overdue_report(make_env):
    # Friday 2024-09-27; Sunday 09-29 is a swapped working day; 10-01..10-07 National Day
    env = make_env(PLUGINS, now="2024-09-27")
    pid = ready_city(env)
    app = apply(env, pid)["application"]
    assert app["dueDate"] == "2024-10-08"  # 09-29, 09-30, 10-08
    env.clock.set("2024-10-08")
    assert (
        env.data(OVERDUE, {"city": "320100"}, as_="supervisor")["truckPassOverdueApplications"][
            "totalCount"
        ]
        == 0
    )
    env.clock.set("2024-10-09")
    got = env.data(OVERDUE, {"city": "320100"}, as_="clerk")["truckPassOverdueApplications"]
    assert got["totalCount"] == 1 and got["nodes"][0]["overdue"] is True
    body = env.gql(OVERDUE, {"city": "320100"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = env.gql(OVERDUE, {"city": "320100"}, as_="clerk_sh")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    # once decided it leaves the report
    env.data(APPROVE, {"id": app["id"]}, as_="clerk")
    assert (
        env.data(OVERDUE, {"city": "320100"}, as_="clerk")["truckPassOverdueApplications"][
            "totalCount"
        ]
        == 0
    )


def test_who_may_apply_for_which_truck(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    # a unit USER (li) is neither owner, manager nor filed driver: not found (no probing)
    assert apply(env, pid, as_="li_account")["errors"][0]["code"] == "NOT_FOUND"
    # once filed as the truck's driver, li may apply
    with env.session() as s:
        s.add(FiledDriver(vehicle_id=env.refs["unit_truck"].id, person_id=env.refs["li"].id,
                          filed_at=env.clock.now()))  # fmt: skip
        s.commit()
    out = apply(env, pid, as_="li_account")
    assert out["errors"] == [] and out["application"]["applicantKind"] == "DRIVER"
    # a passenger car is not a truck
    assert apply(env, pid, vehicle="zhang_car")["errors"][0]["code"] == "TRUCK_PASS_NOT_A_TRUCK"
    # a clerk cannot apply
    body = env.gql(APPLY, {"v": "x", "p": pid, "from": "2024-09-02", "days": 1}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_own_truck_duplicate_and_not_needed(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env, vehicleCategories=["HEAVY_TRUCK"])
    with env.session() as s:
        f = env.factory(s)
        heavy = f.vehicle(env.refs["zhang"], category=VehicleCategory.HEAVY_TRUCK)
        dg = f.vehicle(env.refs["zhang"], category=VehicleCategory.LIGHT_TRUCK,
                       use=VehicleUse.DANGEROUS_GOODS)  # fmt: skip
        s.commit()
        env.refs["heavy"], env.refs["dg"] = heavy, dg
    out = apply(env, pid, vehicle="heavy")
    assert out["application"]["applicantKind"] == "OWNER"
    assert (
        apply(env, pid, vehicle="heavy")["errors"][0]["code"] == "TRUCK_PASS_DUPLICATE_APPLICATION"
    )
    # the policy restricts heavy trucks only: a light truck needs no pass
    err = apply(env, pid, vehicle="dg")["errors"][0]
    assert err["code"] == "TRUCK_PASS_NOT_NEEDED" and err["rule"].startswith("M04 2021-四-二")


def test_conditions_must_be_published_first(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = env.data(POLICY_CREATE, {"input": policy_input()}, as_="supervisor")[
        "truckPassPolicyCreate"
    ]["policy"]["id"]
    assert apply(env, pid)["errors"][0]["code"] == "TRUCK_PASS_CONDITIONS_NOT_PUBLISHED"


@pytest.mark.parametrize(
    "variables,code",
    [
        ({"days": 0}, "INVALID_INPUT"),
        ({"days": 367}, "INVALID_INPUT"),
        ({"p": "nope"}, "NOT_FOUND"),
        ({"v": "x" * 40}, "TOO_LONG"),
    ],
)
def test_malformed_application(make_env, variables, code):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    base = {"v": env.refs["unit_truck"].id, "p": pid, "from": "2024-09-02", "days": 10}
    base.update(variables)
    out = env.data(APPLY, base, as_="zhang_account")["truckPassApplicationCreate"]
    assert out["errors"][0]["code"] == code
    assert row_count(env, Application) == 0


def test_bad_date_is_a_graphql_error(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    response = env.post(
        APPLY, {"v": env.refs["unit_truck"].id, "p": pid, "from": "2024-02-30", "days": 1},
        as_="zhang_account",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["errors"]
    assert row_count(env, Application) == 0


def test_clerk_of_another_city_and_not_in_force(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    app = apply(env, pid)["application"]
    out = env.data(APPROVE, {"id": app["id"]}, as_="clerk_sh")["truckPassApplicationApprove"]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(APPROVE, {"id": app["id"]}, as_="supervisor")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    env.set_rollout("truck_pass", "320100", enabled=False, valid_from=dt.date(2024, 9, 2))
    out = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, TruckPassCode) == 0
    out = apply(env, pid, vehicle="unit_truck")
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"


def test_reject_and_no_second_decision(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    app = apply(env, pid)["application"]
    out = env.data(REJECT, {"id": app["id"], "r": "材料不全"}, as_="clerk")
    assert out["truckPassApplicationReject"]["application"]["status"] == "REJECTED"
    out = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]
    assert out["errors"][0]["code"] == "INVALID_TRANSITION"
    assert row_count(env, TruckPassCode) == 0


def test_officer_of_another_city_sees_other_city(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    app = apply(env, pid)["application"]
    code = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]["code"]
    officer_nc = add_staff(env, "officer.nc", [Role.ROAD_OFFICER], "360100")
    officer_sh = add_staff(env, "officer.sh", [Role.ROAD_OFFICER], "310100")
    got = env.data(VERIFY, {"qr": code["qr"]}, as_=officer_nc)["truckPassVerify"]
    assert (got["valid"], got["reason"]) == (False, "OTHER_CITY")
    body = env.gql(VERIFY, {"qr": code["qr"]}, as_=officer_sh)  # Shanghai: not in force
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"


def test_my_applications_lists_only_mine(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    pid = ready_city(env)
    apply(env, pid)
    city = {"city": "320100"}
    mine = env.data(MY_APPLICATIONS, city, as_="zhang_account")["myTruckPassApplications"]
    assert mine["totalCount"] == 1 and mine["nodes"][0]["applicantKind"] == "UNIT"
    assert env.data(MY_APPLICATIONS, city, as_="li_account")["myTruckPassApplications"] == {
        "totalCount": 0,
        "nodes": [],
    }
    body = env.gql(MY_APPLICATIONS, city, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the deprecated name answers the same
    old = env.data(MY_APPLICATIONS_OLD, city, as_="zhang_account")["truckPassMyApplications"]
    assert old == {"totalCount": 1, "nodes": [{"status": "SUBMITTED"}]}
