"""Review findings on M20 applications (fix round): the vehicle is re-checked when the office
approves and completes (a vehicle deregistered meanwhile is refused, the office cancels with its
reason and the unit is told); the notices go to the unit, seen by its current legal person and
admins; a member removed from the unit no longer sees nor withdraws the unit's applications."""

from __future__ import annotations

from core.accounts import UnitRole
from core.registries.applications import Application
from core.registries.vehicles import Vehicle
from core.testing_db import update_row
from core.testing_notices import my_notices, notice_texts

from .helpers import AFTER, PLUGINS, WINDOW_REMOVE, apply_plates, citizen, errors, member

DECIDE = """mutation($a: ID!, $ok: Boolean!, $n: String) { unitApplicationDecide(applicationId: $a,
  approve: $ok, note: $n) { errors { code field rule } application { status } } }"""
COMPLETE = """mutation($a: ID!) { unitApplicationComplete(applicationId: $a) {
  errors { code field rule } application { status } } }"""
CANCEL = """mutation($a: ID!, $r: String!) { unitApplicationCancel(applicationId: $a, reason: $r) {
  errors { code field rule } application { status } } }"""
WITHDRAW = """mutation($a: ID!) { applicationWithdraw(applicationId: $a) {
  errors { code field } application { status } } }"""
MY_APPS = "{ myApplications { nodes { id status } } }"


def _apply(env, who="zhang_account") -> str:
    body = apply_plates(env, who)
    assert errors(body, "unitPlateReplacementApply") == []
    return body["data"]["unitPlateReplacementApply"]["application"]["id"]


def _deregister(env) -> None:
    update_row(env, Vehicle, env.refs["unit_car"].id, status="DEREGISTERED")


def _status(env, app_id: str) -> str:
    with env.session() as s:
        return s.get(Application, app_id).status


def test_completion_refused_for_a_vehicle_deregistered_after_approval(make_env):
    env = make_env(PLUGINS, now=AFTER)
    app_id = _apply(env)
    ok = env.data(DECIDE, {"a": app_id, "ok": True}, as_="clerk")["unitApplicationDecide"]
    assert ok["errors"] == [] and ok["application"]["status"] == "APPROVED"
    _deregister(env)
    done = env.data(COMPLETE, {"a": app_id}, as_="clerk")["unitApplicationComplete"]
    assert done["errors"][0]["code"] == "UNIT_VEHICLE_NOT_ELIGIBLE"
    assert done["errors"][0]["field"] == "applicationId"
    assert _status(env, app_id) == "APPROVED"
    bare = env.data(CANCEL, {"a": app_id, "r": " "}, as_="clerk")["unitApplicationCancel"]
    assert bare["errors"][0]["code"] == "UNIT_NOTE_REQUIRED"
    assert top_code_of(env.gql(CANCEL, {"a": app_id, "r": "x"}, as_="zhang_account")) == (
        "FORBIDDEN"
    )
    out = env.data(CANCEL, {"a": app_id, "r": "车辆已注销"}, as_="clerk")["unitApplicationCancel"]
    assert out["errors"] == [] and out["application"]["status"] == "CANCELLED"
    texts = notice_texts(env, "zhang_account")
    assert any("已被取消" in t and "车辆已注销" in t for t in texts)


def test_approval_refused_for_a_vehicle_deregistered_before_the_decision(make_env):
    env = make_env(PLUGINS, now=AFTER)
    app_id = _apply(env)
    _deregister(env)
    out = env.data(DECIDE, {"a": app_id, "ok": True}, as_="clerk")["unitApplicationDecide"]
    assert out["errors"][0]["code"] == "UNIT_VEHICLE_NOT_ELIGIBLE"
    assert _status(env, app_id) == "SUBMITTED"
    no = env.data(DECIDE, {"a": app_id, "ok": False, "n": "车辆已注销"}, as_="clerk")
    assert no["unitApplicationDecide"]["application"]["status"] == "REJECTED"


def top_code_of(body) -> str:
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]["code"]


def test_notices_go_to_the_unit_and_a_removed_admin_no_longer_sees_the_application(make_env):
    env = make_env(PLUGINS, now=AFTER)
    admin, _account = citizen(env, "刘管理")
    row = member(env, env.refs["unit"], admin, UnitRole.ADMIN)
    app_id = _apply(env, _account)
    mine = env.data(MY_APPS, as_=_account)["myApplications"]["nodes"]
    assert [n["id"] for n in mine] == [app_id]
    # the legal person (zhang) sees the unit's application too
    assert app_id in [
        n["id"] for n in env.data(MY_APPS, as_="zhang_account")["myApplications"]["nodes"]
    ]
    gone = env.data(WINDOW_REMOVE, {"id": row.id}, as_="clerk")["unitMemberRemoveAtWindow"]
    assert gone["errors"] == []
    ok = env.data(DECIDE, {"a": app_id, "ok": True}, as_="clerk")["unitApplicationDecide"]
    assert ok["errors"] == []
    done = env.data(COMPLETE, {"a": app_id}, as_="clerk")["unitApplicationComplete"]
    assert done["application"]["status"] == "COMPLETED"
    unit_id = env.refs["unit"].id
    told = my_notices(env, "zhang_account")
    ours = [n for n in told if n["template"].startswith("unit_accounts.application_")]
    assert {n["template"] for n in ours} == {
        "unit_accounts.application_approved", "unit_accounts.application_completed"
    }  # fmt: skip
    assert all(n["unitId"] == unit_id for n in ours)
    former = my_notices(env, _account)
    assert not [n for n in former if n["template"].startswith("unit_accounts.application_")]
    assert env.data(MY_APPS, as_=_account)["myApplications"]["nodes"] == []
    # a plain user of the unit (li) is not told and does not see it
    li = my_notices(env, "li_account")
    assert not [n for n in li if n["template"].startswith("unit_accounts.application_")]
    assert app_id not in [
        n["id"] for n in env.data(MY_APPS, as_="li_account")["myApplications"]["nodes"]
    ]


def test_a_removed_member_cannot_withdraw_the_units_application(make_env):
    env = make_env(PLUGINS, now=AFTER)
    admin, account = citizen(env, "刘管理")
    row = member(env, env.refs["unit"], admin, UnitRole.ADMIN)
    app_id = _apply(env, account)
    env.data(WINDOW_REMOVE, {"id": row.id}, as_="clerk")
    out = env.data(WITHDRAW, {"a": app_id}, as_=account)["applicationWithdraw"]
    assert out["errors"][0]["code"] == "NOT_FOUND"
    assert _status(env, app_id) == "SUBMITTED"
