"""The blacklist takes effect (2021-四-三; issue 16 item 6, item 1 for M04): listing a firm reduces
and shortens the codes it already holds, the firm is told with its correction deadline, it can
appeal once, and coming off the list (lifted, or overturned on appeal) is recorded and told."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.testing_notices import my_notices, notice_templates

from ..models import TruckPassCode
from .helpers import (
    APPROVE,
    BLACKLIST_LIFT,
    NOW,
    PLUGINS,
    VERIFY,
    add_violations,
    apply,
    blacklist_add,
    ready_city,
)

ENTRY = """entry { id status codesRevoked codesShortened correctBy appealReason appealedOn
  appealNote appealDecidedOn liftedOn liftNote }"""
APPEAL = (
    """mutation($id: ID!, $r: String!) { truckPassBlacklistAppeal(entryId: $id, reason: $r) {
  errors { code field rule measure city } """
    + ENTRY
    + " } }"
)
DECIDE = (
    """mutation($id: ID!, $u: Boolean!, $n: String!) {
  truckPassBlacklistAppealDecide(entryId: $id, uphold: $u, note: $n) { errors { code field } """
    + ENTRY
    + " } }"
)
MY_BLACKLIST = """query($city: String!) { myTruckPassBlacklist(city: $city) { totalCount
  nodes { id status correctBy } } }"""
MY_CODES = """query($city: String!) { myTruckPassCodes(city: $city) { nodes { id status validUntil
  originalValidUntil revokedOn revokeReason qr } } }"""


def two_codes(env) -> list[dict]:  # noqa: ANN001
    """Nanjing ready (3 codes, 90 days; blacklisted: 1 code, 30 days); the unit's truck gets a
    code on 中山路 (60 days) and one on 龙蟠路 (80 days), both approved; their payloads."""
    pid = ready_city(env)
    pid2 = ready_city(env, name="龙蟠路")
    codes = []
    for policy, days in ((pid, 60), (pid2, 80)):
        app = apply(env, policy, days=days)["application"]
        out = env.data(APPROVE, {"id": app["id"]}, as_="clerk")["truckPassApplicationApprove"]
        assert out["errors"] == []
        codes.append(out["code"])
        env.clock.advance(dt.timedelta(minutes=5))  # the second is issued later
    return codes


def listed(env) -> dict:  # noqa: ANN001
    add_violations(env, env.refs["unit_truck"], [NOW - dt.timedelta(days=1)] * 5)
    out = blacklist_add(env, days=30)
    assert out["errors"] == []
    return out["entry"]


def codes_by_id(env) -> dict[str, TruckPassCode]:  # noqa: ANN001
    with env.session() as s:
        return {c.id: c for c in s.exec(select(TruckPassCode)).all()}


def templates(env, who) -> list[str]:  # noqa: ANN001
    return notice_templates(env, who, first=50)


def test_listing_reduces_and_shortens_the_codes_already_held(make_env):
    env = make_env(PLUGINS, now=NOW)
    first, second = two_codes(env)
    assert (first["validUntil"], second["validUntil"]) == ("2024-10-31", "2024-11-20")
    entry = listed(env)
    assert (entry["status"], entry["codesRevoked"], entry["codesShortened"]) == ("LISTED", 1, 1)
    rows = codes_by_id(env)
    kept, gone = rows[first["id"]], rows[second["id"]]
    # fewer codes: the oldest is kept, the other revoked; shorter: 30 days from the listing day
    assert (kept.status, kept.valid_until, kept.original_valid_until) == (
        "ACTIVE", dt.date(2024, 10, 1), dt.date(2024, 10, 31),
    )  # fmt: skip
    assert (gone.status, gone.revoke_reason, gone.revoked_on) == (
        "REVOKED", "BLACKLIST", dt.date(2024, 9, 2),
    )  # fmt: skip
    mine = env.data(MY_CODES, {"city": "320100"}, as_="zhang_account")["myTruckPassCodes"]["nodes"]
    by_id = {c["id"]: c for c in mine}
    assert by_id[first["id"]]["originalValidUntil"] == "2024-10-31"
    assert by_id[second["id"]]["revokeReason"] == "BLACKLIST"
    # the road officer sees it live: the revoked code is refused, the kept one ends on 10-01
    check = env.data(VERIFY, {"qr": second["qr"]}, as_="road_officer")["truckPassVerify"]
    assert (check["valid"], check["reason"]) == (False, "REVOKED")
    env.clock.set("2024-10-02")
    check = env.data(VERIFY, {"qr": first["qr"]}, as_="road_officer")["truckPassVerify"]
    assert (check["valid"], check["reason"]) == (False, "EXPIRED")


def test_the_firm_is_told_with_its_correction_deadline(make_env):
    env = make_env(PLUGINS, now=NOW)
    two_codes(env)
    entry = listed(env)
    notes = my_notices(env, "zhang_account", first=50)  # the unit's legal person
    told = [n for n in notes if n["template"] == "truck_pass.blacklisted"]
    assert len(told) == 1 and told[0]["unitId"] == env.refs["unit"].id
    assert "2024-10-02前完成整改" in told[0]["text"] and entry["id"] in told[0]["text"]
    assert "减少1个" in told[0]["text"] and "缩短有效期1个" in told[0]["text"]
    assert templates(env, "zhang_account").count("truck_pass.code_restricted") == 2
    assert "truck_pass.blacklisted" not in templates(env, "li_account")  # a plain unit user
    mine = env.data(MY_BLACKLIST, {"city": "320100"}, as_="zhang_account")["myTruckPassBlacklist"]
    assert mine["nodes"] == [{"id": entry["id"], "status": "LISTED", "correctBy": "2024-10-02"}]
    theirs = env.data(MY_BLACKLIST, {"city": "320100"}, as_="li_account")["myTruckPassBlacklist"]
    assert theirs["totalCount"] == 0


def test_a_listed_vehicle_owner_is_told_too(make_env):
    env = make_env(PLUGINS, now=NOW)
    car = env.refs["zhang_car"]
    add_violations(env, car, [NOW - dt.timedelta(days=1)] * 5)
    out = blacklist_add(env, v=car.id, u=None)
    assert out["errors"] == []
    assert "truck_pass.blacklisted" in templates(env, "zhang_account")


def test_appeal_upheld_then_no_second_appeal(make_env):
    env = make_env(PLUGINS, now=NOW)
    two_codes(env)
    entry = listed(env)
    body = env.gql(APPEAL, {"id": entry["id"], "r": "违法系车辆被盗用期间发生"}, as_="li_account")
    assert body["data"]["truckPassBlacklistAppeal"]["errors"][0]["code"] == "NOT_FOUND"
    env.clock.set("2024-09-03")
    out = env.data(APPEAL, {"id": entry["id"], "r": "违法系车辆被盗用期间发生"},
                   as_="zhang_account")["truckPassBlacklistAppeal"]  # fmt: skip
    assert out["errors"] == []
    assert (out["entry"]["status"], out["entry"]["appealedOn"]) == ("APPEALED", "2024-09-03")
    assert "truck_pass.blacklist_appealed" in templates(env, "zhang_account")
    # still listed while the appeal is pending: a new code gets the blacklist limits
    out = env.data(DECIDE, {"id": entry["id"], "u": True, "n": "被盗用证明不足"},
                   as_="supervisor")["truckPassBlacklistAppealDecide"]  # fmt: skip
    assert out["errors"] == []
    assert (out["entry"]["status"], out["entry"]["appealNote"]) == ("LISTED", "被盗用证明不足")
    assert out["entry"]["liftedOn"] is None
    assert "truck_pass.blacklist_upheld" in templates(env, "zhang_account")
    again = env.data(APPEAL, {"id": entry["id"], "r": "再次申诉"}, as_="zhang_account")
    err = again["truckPassBlacklistAppeal"]["errors"][0]
    assert err["code"] == "TRUCK_PASS_APPEAL_ALREADY_MADE" and err["rule"].startswith("M04")
    # deciding again is not a declared move from LISTED
    out = env.data(DECIDE, {"id": entry["id"], "u": False, "n": "x"}, as_="supervisor")
    assert out["truckPassBlacklistAppealDecide"]["errors"][0]["code"] == "INVALID_TRANSITION"


def test_appeal_overturned_takes_the_firm_off_and_restores_its_codes(make_env):
    env = make_env(PLUGINS, now=NOW)
    first, second = two_codes(env)
    entry = listed(env)
    env.data(APPEAL, {"id": entry["id"], "r": "违法记录系错录"}, as_="zhang_account")
    out = env.data(DECIDE, {"id": entry["id"], "u": False, "n": "违法记录已更正"},
                   as_="supervisor")["truckPassBlacklistAppealDecide"]  # fmt: skip
    assert out["errors"] == []
    assert (out["entry"]["status"], out["entry"]["liftedOn"]) == ("OVERTURNED", "2024-09-02")
    rows = codes_by_id(env)
    assert (rows[first["id"]].status, rows[first["id"]].valid_until) == (
        "ACTIVE", dt.date(2024, 10, 31),
    )  # fmt: skip
    assert (rows[second["id"]].status, rows[second["id"]].revoke_reason) == ("ACTIVE", None)
    assert "truck_pass.blacklist_overturned" in templates(env, "zhang_account")
    check = env.data(VERIFY, {"qr": second["qr"]}, as_="road_officer")["truckPassVerify"]
    assert check["valid"] is True


def test_coming_off_the_list_is_recorded_and_told(make_env):
    env = make_env(PLUGINS, now=NOW)
    entry = listed(env)
    env.clock.set("2024-09-20")
    out = env.data(BLACKLIST_LIFT, {"id": entry["id"]}, as_="supervisor")["truckPassBlacklistLift"]
    assert out["errors"] == [] and out["entry"]["liftedOn"] == "2024-09-20"
    mine = env.data(MY_BLACKLIST, {"city": "320100"}, as_="zhang_account")["myTruckPassBlacklist"]
    assert mine["nodes"][0]["status"] == "LIFTED"
    notes = my_notices(env, "zhang_account", first=50)
    lifted = [n["text"] for n in notes if n["template"] == "truck_pass.blacklist_lifted"]
    assert lifted and "整改完成" in lifted[0]
    # a lifted listing cannot be appealed
    body = env.data(APPEAL, {"id": entry["id"], "r": "x"}, as_="zhang_account")
    assert body["truckPassBlacklistAppeal"]["errors"][0]["code"] == "TRUCK_PASS_ALREADY_LIFTED"


@pytest.mark.parametrize(
    "who,operation,code",
    [
        ("supervisor", "appeal", "FORBIDDEN"),
        ("clerk", "decide", "FORBIDDEN"),
        ("zhang_account", "decide", "FORBIDDEN"),
    ],
)
def test_roles(make_env, who, operation, code):
    env = make_env(PLUGINS, now=NOW)
    entry = listed(env)
    if operation == "appeal":
        body = env.gql(APPEAL, {"id": entry["id"], "r": "x"}, as_=who)
    else:
        body = env.gql(DECIDE, {"id": entry["id"], "u": True, "n": "x"}, as_=who)
    assert body["errors"][0]["extensions"]["code"] == code


def test_other_city_and_measure_off(make_env):
    env = make_env(PLUGINS, now=NOW)
    entry = listed(env)
    env.data(APPEAL, {"id": entry["id"], "r": "有异议"}, as_="zhang_account")
    with env.session() as s:
        from core.accounts import Role

        head = env.factory(s).staff("head.nc", [Role.SUPERVISOR], "360100")
        s.commit()
        s.refresh(head)
    out = env.data(DECIDE, {"id": entry["id"], "u": True, "n": "x"}, as_=head)
    assert out["truckPassBlacklistAppealDecide"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    env.set_rollout("truck_pass", "320100", enabled=False, valid_from=dt.date(2024, 9, 1))
    # an appeal's decision and the firm's own listing work whatever the rollout (plugins.md 2)
    out = env.data(DECIDE, {"id": entry["id"], "u": True, "n": "x"}, as_="supervisor")
    assert out["truckPassBlacklistAppealDecide"]["errors"] == []
    body = env.gql(MY_BLACKLIST, {"city": "320100"}, as_="zhang_account")
    assert "errors" not in body
