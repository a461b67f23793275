"""Issue 15 items 10 and 8 through the API: a failed inspection without suspicion is no dead end
(re-inspection after correction, withdrawal by the new owner, rejection with a reason by the
office), and 退档 rests only on a suspicion established by the inspection or the registry."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.errors import CORE_RULES, Code
from core.registries.vehicles import ArchiveFile, Vehicle, VehicleStatus
from core.testing_answers import payload
from core.testing_notices import notice_templates, notice_texts

from ..models import UsedCarTransferRow
from .helpers import (
    CLOSE_FIELDS,
    PLUGINS,
    REJECT,
    RETURN,
    WITHDRAW,
    apply,
    inspect,
    register,
    statuses,
)

INPUT_RULE = CORE_RULES[Code.INVALID_INPUT]

RETURN_FULL = (
    "mutation($t: ID!, $r: UsedCarTransferReturnReason!, $n: String!) { "
    "usedCarTransferArchiveReturn(transferId: $t, reason: $r, note: $n) { "
    "errors { code field rule } transfer { " + CLOSE_FIELDS + " } } }"
)


def _failed(env) -> str:
    """A transfer whose inspection failed without suspicion (the VIN does not match)."""
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    out = inspect(env, t["id"], vinMatches=False, note="车架号锈蚀无法辨认")
    assert out["errors"] == [] and out["transfer"]["status"] == "INSPECTION_FAILED"
    return t["id"]


def test_failed_inspection_is_reinspected_after_correction_and_registered(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _failed(env)
    assert "used_car_transfer.inspection_failed" in notice_templates(env)
    again = inspect(env, tid)  # the owner had the VIN plate restored: inspected again
    assert again["errors"] == [] and again["transfer"]["status"] == "INSPECTED"
    assert register(env, tid)["transfer"]["status"] == "REGISTERED"
    assert statuses(env, tid) == ("REGISTERED", "COMPLETED")
    with env.session() as s:
        kinds = [
            f.kind for f in s.exec(select(ArchiveFile)) if f.vehicle_id == env.refs["li_car"].id
        ]
        assert kinds.count("INSPECTION") == 2  # both inspections stay in the archive


def test_reinspection_is_only_for_a_failed_inspection(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    inspect(env, t["id"])
    out = inspect(env, t["id"])  # passed already: nothing to re-inspect
    assert out["errors"][0]["code"] == "WRONG_STATE"


def test_the_new_owner_withdraws_a_failed_transfer_and_may_apply_again(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _failed(env)
    out = env.data(WITHDRAW, {"t": tid, "r": "不买了"}, as_="zhang_account")
    out = out["usedCarTransferWithdraw"]
    assert out["errors"] == [] and out["transfer"]["status"] == "WITHDRAWN"
    assert out["transfer"]["closeNote"] == "不买了"
    assert statuses(env, tid) == ("WITHDRAWN", "CANCELLED")
    assert "used_car_transfer.withdrawn" in notice_templates(env)
    again = env.data(WITHDRAW, {"t": tid}, as_="zhang_account")["usedCarTransferWithdraw"]
    assert again["errors"][0]["code"] == "WRONG_STATE"
    # no longer an open transfer: the buyer (or another) can apply anew
    assert apply(env, env.refs["li_car"], "320100")["errors"] == []


def test_only_the_new_owner_withdraws(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _failed(env)
    other = env.data(WITHDRAW, {"t": tid}, as_="li_account")["usedCarTransferWithdraw"]
    assert other["errors"][0]["code"] == "NOT_FOUND"
    body = env.gql(WITHDRAW, {"t": tid}, as_="clerk")
    assert payload(body, "usedCarTransferWithdraw")["errors"][0]["code"] == "FORBIDDEN"
    assert statuses(env, tid) == ("INSPECTION_FAILED", "UNDER_REVIEW")


def test_the_office_rejects_a_failed_transfer_with_its_reason(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _failed(env)
    blank = env.data(REJECT, {"t": tid, "r": "  "}, as_="clerk")["usedCarTransferReject"]
    assert blank["errors"][0] == {"code": "INVALID_INPUT", "field": "reason", "rule": INPUT_RULE}
    wrong = env.data(REJECT, {"t": tid, "r": "车架号不符"}, as_="clerk_sh")
    assert wrong["usedCarTransferReject"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(REJECT, {"t": tid, "r": "车架号不符"}, as_="inspector")
    assert payload(body, "usedCarTransferReject")["errors"][0]["code"] == "FORBIDDEN"
    assert statuses(env, tid) == ("INSPECTION_FAILED", "UNDER_REVIEW")
    out = env.data(REJECT, {"t": tid, "r": "车架号与档案不符，逾期未整改"}, as_="clerk")
    out = out["usedCarTransferReject"]
    assert out["errors"] == [] and out["transfer"]["status"] == "REJECTED"
    assert statuses(env, tid) == ("REJECTED", "REJECTED")
    texts = notice_texts(env, "zhang_account")
    assert f"您的二手车转移登记申请{tid}未予办理，原因：车架号与档案不符，逾期未整改。" in texts
    with env.session() as s:
        outcomes = {
            e.outcome for e in s.exec(select(AuditEvent)) if e.action == "used_car_transfer.reject"
        }
        assert "OK" in outcomes


def test_a_passed_inspection_is_registered_not_rejected(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    inspect(env, t["id"])
    out = env.data(REJECT, {"t": t["id"], "r": "档案未到"}, as_="clerk")["usedCarTransferReject"]
    assert out["errors"][0]["code"] == "REJECTION_FORBIDDEN"
    assert "二-四-1" in out["errors"][0]["rule"]
    assert statuses(env, t["id"]) == ("INSPECTED", "UNDER_REVIEW")
    with env.session() as s:  # since then the car was seized: now the office may refuse it
        s.get(Vehicle, env.refs["li_car"].id).status = VehicleStatus.SEIZED.value
        s.commit()
    out = env.data(REJECT, {"t": t["id"], "r": "车辆已被查封"}, as_="clerk")
    assert out["usedCarTransferReject"]["transfer"]["status"] == "REJECTED"


def test_the_ways_out_work_where_the_measure_is_switched_off(make_env):
    """A way out works whatever the rollout (docs/plugins.md rule 2)."""
    env = make_env(PLUGINS, now="2021-07-01")
    tid = _failed(env)
    env.set_rollout(PLUGINS[0], "320100", enabled=False)
    refused = apply(env, env.refs["li_car"], "320100")
    assert refused["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    out = env.data(WITHDRAW, {"t": tid}, as_="zhang_account")["usedCarTransferWithdraw"]
    assert out["errors"] == []
    assert statuses(env, tid)[0] == "WITHDRAWN"


# --- item 8: 退档 rests on an established suspicion, with its evidence -----------------------------
def test_no_archive_return_after_a_passed_inspection(make_env):
    """The issue's loophole: inspection passes with no suspicion, the transfer-in clerk then
    returns the archive as STOLEN. Refused; nothing changes."""
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    inspect(env, t["id"])
    out = env.data(RETURN, {"t": t["id"], "r": "STOLEN", "n": "怀疑被盗"}, as_="clerk")
    err = out["usedCarTransferArchiveReturn"]["errors"][0]
    assert err["code"] == "ARCHIVE_RETURN_FORBIDDEN" and "二-四-1" in err["rule"]
    assert statuses(env, t["id"]) == ("INSPECTED", "UNDER_REVIEW")


@pytest.mark.parametrize("reason", ["STOLEN", "SMUGGLED"])
def test_no_archive_return_on_the_clerks_word_before_inspection(make_env, reason):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    out = env.data(RETURN, {"t": t["id"], "r": reason, "n": "怀疑"}, as_="clerk")
    assert out["usedCarTransferArchiveReturn"]["errors"][0]["code"] == "ARCHIVE_RETURN_FORBIDDEN"
    assert statuses(env, t["id"]) == ("SUBMITTED", "SUBMITTED")


def test_no_archive_return_for_another_suspicion_than_the_inspection_found(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    assert inspect(env, t["id"], suspicion="SMUGGLED")["transfer"]["status"] == "SUSPECTED"
    out = env.data(RETURN, {"t": t["id"], "r": "ILLEGALLY_ASSEMBLED", "n": "x"}, as_="clerk")
    assert out["usedCarTransferArchiveReturn"]["errors"][0]["code"] == "ARCHIVE_RETURN_FORBIDDEN"
    # a suspected car is neither withdrawn by the buyer nor rejected: the office returns it
    w = env.data(WITHDRAW, {"t": t["id"]}, as_="zhang_account")["usedCarTransferWithdraw"]
    assert w["errors"][0]["code"] == "WRONG_STATE" and "二-三-3" in w["errors"][0]["rule"]
    assert statuses(env, t["id"]) == ("SUSPECTED", "UNDER_REVIEW")


def test_archive_return_records_the_inspections_evidence(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    inspect(env, t["id"], suspicion="ILLEGALLY_ASSEMBLED", videoRef="av://nj/0042")
    out = env.data(
        RETURN_FULL, {"t": t["id"], "r": "ILLEGALLY_ASSEMBLED", "n": "拼装嫌疑"}, as_="clerk"
    )
    got = out["usedCarTransferArchiveReturn"]
    assert got["errors"] == [] and got["transfer"]["status"] == "ARCHIVE_RETURNED"
    assert got["transfer"]["returnBasis"] == "INSPECTION"
    evidence = json.loads(got["transfer"]["returnEvidence"])
    assert (evidence["suspicion"], evidence["video"]) == ("ILLEGALLY_ASSEMBLED", "av://nj/0042")
    with env.session() as s:
        files = [f for f in s.exec(select(ArchiveFile)) if f.kind == "ARCHIVE_RETURN"]
        assert len(files) == 1 and files[0].vehicle_id == env.refs["li_car"].id
    assert "used_car_transfer.archive_returned" in notice_templates(env)


def test_archive_return_on_the_registry_status_after_a_passed_inspection(make_env):
    """A car reported 被盗抢 after its inspection passed: the registry establishes STOLEN."""
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    inspect(env, t["id"])
    with env.session() as s:
        s.get(Vehicle, env.refs["li_car"].id).status = VehicleStatus.STOLEN.value
        s.commit()
    smuggled = env.data(RETURN, {"t": t["id"], "r": "SMUGGLED", "n": "x"}, as_="clerk")
    assert smuggled["usedCarTransferArchiveReturn"]["errors"][0]["code"] == (
        "ARCHIVE_RETURN_FORBIDDEN"
    )
    out = env.data(RETURN_FULL, {"t": t["id"], "r": "STOLEN", "n": "系统显示被盗抢"}, as_="clerk")
    got = out["usedCarTransferArchiveReturn"]["transfer"]
    assert (got["status"], got["returnBasis"]) == ("ARCHIVE_RETURNED", "VEHICLE_STATUS")
    assert json.loads(got["returnEvidence"])["vehicleStatus"] == "STOLEN"
    assert statuses(env, t["id"]) == ("ARCHIVE_RETURNED", "REJECTED")


# --- issue 16 item 3: the offices settle archive problems by ticket, not by 退档 -----------------
def test_an_archive_problem_goes_to_an_office_ticket_not_back_to_the_buyer(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    inspect(env, t["id"])
    refused = env.data(RETURN, {"t": t["id"], "r": "INCOMPLETE_ARCHIVE", "n": "缺件"}, as_="clerk")
    assert (
        refused["usedCarTransferArchiveReturn"]["errors"][0]["code"] == "ARCHIVE_RETURN_FORBIDDEN"
    )
    with env.session() as s:
        app_id = s.get(UsedCarTransferRow, t["id"]).application_id
    raise_ = """mutation($a: ID!) { officeTicketRaise(input: {applicationId: $a,
      kind: ARCHIVE_INCOMPLETE, description: "缺登记证书"}) { errors { code } ticket {
      status counterpartCity } } }"""
    out = env.data(raise_, {"a": app_id}, as_="clerk")["officeTicketRaise"]
    assert out == {"errors": [], "ticket": {"status": "OPEN", "counterpartCity": "310100"}}
    assert register(env, t["id"])["transfer"]["status"] == "REGISTERED"  # not blocked meanwhile
