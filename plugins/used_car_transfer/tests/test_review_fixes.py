"""Review findings on M02 through the API: a transfer whose registration became impossible is
rejected with the reason (the buyer told); an unfounded suspicion is cleared by a re-inspection
with the evidence (the buyer told of the suspension and of the clearing); a deregistered vehicle
is not inspected; refusal fields name the mutation's inputs; the invoice date has a lower bound."""

from __future__ import annotations

import datetime as dt

from core.registries.vehicles import Vehicle, VehicleStatus
from core.testing_notices import notice_templates, notice_texts

from ..models import UsedCarTransferRow
from .helpers import PLUGINS, REJECT, WITHDRAW, apply, inspect, register, statuses


def _inspected(env) -> str:
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    assert inspect(env, t["id"])["transfer"]["status"] == "INSPECTED"
    return t["id"]


# --- finding 2: the counterpart city left the pilot ---------------------------------------------
def test_an_inspected_transfer_is_rejected_when_the_pair_left_the_pilot(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _inspected(env)
    env.set_rollout(PLUGINS[0], "310100", enabled=False, valid_from=dt.date(2021, 7, 2))
    env.clock.set("2021-07-02")
    assert register(env, tid)["errors"][0]["code"] == "PILOT_PAIR_REQUIRED"
    out = env.data(REJECT, {"t": tid, "r": "转出地已退出试点，请按原规定办理"}, as_="clerk")
    out = out["usedCarTransferReject"]
    assert out["errors"] == [] and out["transfer"]["status"] == "REJECTED"
    assert statuses(env, tid) == ("REJECTED", "REJECTED")
    texts = notice_texts(env, "zhang_account")
    assert f"您的二手车转移登记申请{tid}未予办理，原因：转出地已退出试点，请按原规定办理。" in texts


def test_an_inspected_transfer_is_rejected_when_the_car_changed_owner(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _inspected(env)
    with env.session() as s:
        s.get(Vehicle, env.refs["li_car"].id).owner_person_id = env.refs["chen"].id
        s.commit()
    out = env.data(REJECT, {"t": tid, "r": "车辆已转让他人"}, as_="clerk")["usedCarTransferReject"]
    assert out["errors"] == [] and out["transfer"]["status"] == "REJECTED"


def test_a_registrable_inspected_transfer_is_still_not_rejected(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _inspected(env)
    out = env.data(REJECT, {"t": tid, "r": "档案未到"}, as_="clerk")["usedCarTransferReject"]
    assert out["errors"][0]["code"] == "REJECTION_FORBIDDEN"
    assert statuses(env, tid) == ("INSPECTED", "UNDER_REVIEW")


# --- finding 3: an unfounded suspicion ----------------------------------------------------------
def _suspected(env) -> str:
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    out = inspect(env, t["id"], suspicion="STOLEN")
    assert out["errors"] == [] and out["transfer"]["status"] == "SUSPECTED"
    return t["id"]


def test_the_buyer_is_told_when_a_suspicion_suspends_the_transfer(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _suspected(env)
    texts = notice_texts(env, "zhang_account")
    assert any(tid in t and "暂停" in t and "STOLEN" in t for t in texts), texts


def test_an_unfounded_suspicion_is_cleared_by_reinspection_with_evidence(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _suspected(env)
    no_note = inspect(env, tid)
    assert (
        no_note["errors"][0]["code"] == "INVALID_INPUT" and no_note["errors"][0]["field"] == "note"
    )
    again = inspect(env, tid, suspicion="SMUGGLED", note="x")
    assert again["errors"][0] == {
        "code": "WRONG_STATE",
        "field": "suspicion",
        "rule": again["errors"][0]["rule"],
    }
    assert statuses(env, tid) == ("SUSPECTED", "UNDER_REVIEW")
    wrong_office = inspect(env, tid, as_="clerk_sh", note="公安核查无被盗记录")
    assert wrong_office["errors"][0]["code"] in ("FORBIDDEN", "OUT_OF_JURISDICTION")
    out = inspect(env, tid, note="经公安机关核查，车辆无被盗抢记录（核查单号 GA-001）")
    assert out["errors"] == [] and out["transfer"]["status"] == "INSPECTED"
    assert "used_car_transfer.suspicion_cleared" in notice_templates(env)
    assert register(env, tid)["transfer"]["status"] == "REGISTERED"


def test_a_cleared_suspicion_with_a_vin_mismatch_goes_to_failed_and_can_be_withdrawn(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _suspected(env)
    out = inspect(env, tid, vinMatches=False, note="嫌疑排除：公安核查无记录")
    assert out["errors"] == [] and out["transfer"]["status"] == "INSPECTION_FAILED"
    assert notice_templates(env).count("used_car_transfer.inspection_failed") == 1
    done = env.data(WITHDRAW, {"t": tid}, as_="zhang_account")["usedCarTransferWithdraw"]
    assert done["transfer"]["status"] == "WITHDRAWN"


# --- finding 1 (M02 side): a vehicle that cannot be transferred is not inspected -------------------
def test_a_deregistered_vehicle_is_neither_inspected_nor_registered(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    with env.session() as s:
        s.get(Vehicle, env.refs["li_car"].id).status = VehicleStatus.DEREGISTERED.value
        s.commit()
    out = inspect(env, t["id"])
    assert out["errors"][0]["code"] == "VEHICLE_NOT_TRANSFERABLE"
    assert out["errors"][0]["field"] == "transferId"
    with env.session() as s:
        assert s.get(UsedCarTransferRow, t["id"]).status == "SUBMITTED"


def test_registration_refusal_names_the_transfer_id(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _inspected(env)
    with env.session() as s:
        s.get(Vehicle, env.refs["li_car"].id).status = VehicleStatus.SEIZED.value
        s.commit()
    err = register(env, tid)["errors"][0]
    assert (err["code"], err["field"]) == ("VEHICLE_NOT_TRANSFERABLE", "transferId")


# --- finding 6: the invoice date has a lower bound ----------------------------------------------
def test_the_invoice_date_is_not_before_the_registration_nor_absurd(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]  # registered 2018-03-01
    for day in ("1900-01-01", "1989-12-31", "2018-02-28"):
        err = apply(env, car, "320100", invoiceDate=day)["errors"][0]
        assert (err["code"], err["field"]) == ("INVALID_DATE", "invoiceDate"), day
    assert apply(env, car, "320100", invoiceDate="2018-03-01")["errors"] == []
