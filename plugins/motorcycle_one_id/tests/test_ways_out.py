"""Issue 15 item 12 for M14 through the API: every open application has a way out. The applicant
withdraws (the core's applicationWithdraw) and can apply again for the same motorcycle; the
office cancels one it cannot carry out (approved, then the motorcycle was seized) with a reason."""

from __future__ import annotations

from core.registries.applications import Application
from core.registries.vehicles import Vehicle, VehicleStatus
from core.testing_answers import codes, top_code
from core.testing_notices import notice_texts

from ..models import MotorcycleCase
from .helpers import COMPLETE, PLUGINS, REVIEW, SHA, SUBMIT, move_in

WITHDRAW = """mutation($a: ID!) { applicationWithdraw(applicationId: $a, reason: "不迁了") {
  errors { code field } application { status } } }"""
CANCEL = """mutation($a: ID!, $r: String!) { motorcycleApplicationCancel(applicationId: $a, reason: $r) {
  errors { code field } application { id status decisionNote } } }"""


def _submit(env) -> str:
    sub = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    return sub["motorcycleApplicationSubmit"]["application"]["id"]


def _approve(env, app_id: str) -> None:
    rev = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": ["RESIDENT_ID"]}}
    assert env.data(REVIEW, rev, as_="clerk_sh")["motorcycleApplicationReview"]["errors"] == []


def test_the_applicant_withdraws_and_may_apply_again(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    app_id = _submit(env)
    out = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert out == {"errors": [], "application": {"status": "CANCELLED"}}
    texts = notice_texts(env, "zhang_account")
    assert f"您的摩托车登记申请{app_id}已撤回。" in texts
    again = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    assert again["motorcycleApplicationSubmit"]["errors"] == []
    with env.session() as s:
        assert s.get(MotorcycleCase, app_id).open_vin is None


def test_an_approved_application_that_cannot_be_carried_out_is_cancelled(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    app_id = _submit(env)
    _approve(env, app_id)
    # approved: the applicant can no longer withdraw (the business is the office's to do)
    late = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert codes(late) == ["INVALID_TRANSITION"]
    with env.session() as s:
        s.get(Vehicle, env.refs["zhang_moto"].id).status = VehicleStatus.SEIZED.value
        s.commit()
    files = [{"kind": "IDENTITY", "title": "身份证", "sha256": SHA}]
    stuck = env.data(COMPLETE, {"input": {"applicationId": app_id, "archiveFiles": files}},
                     as_="clerk_sh")["motorcycleApplicationComplete"]  # fmt: skip
    assert codes(stuck) == ["VEHICLE_NOT_ELIGIBLE"]
    assert codes(env.data(CANCEL, {"a": app_id, "r": "车辆已被查封"}, as_="clerk")[
        "motorcycleApplicationCancel"]) == ["OUT_OF_JURISDICTION"]  # fmt: skip
    blank = env.data(CANCEL, {"a": app_id, "r": ""}, as_="clerk_sh")["motorcycleApplicationCancel"]
    assert blank["errors"] == [{"code": "INVALID_INPUT", "field": "reason"}]
    assert top_code(env.gql(CANCEL, {"a": app_id, "r": "x"}, as_="zhang_account")) == "FORBIDDEN"
    out = env.data(CANCEL, {"a": app_id, "r": "车辆已被查封"}, as_="clerk_sh")
    out = out["motorcycleApplicationCancel"]
    assert out["errors"] == [] and out["application"]["status"] == "CANCELLED"
    texts = notice_texts(env, "zhang_account")
    assert (
        f"您的摩托车登记申请{app_id}已被车辆管理所取消，原因：车辆已被查封。可重新申请。" in texts
    )
    again = env.data(CANCEL, {"a": app_id, "r": "再次"}, as_="clerk_sh")
    assert codes(again["motorcycleApplicationCancel"]) == ["INVALID_TRANSITION"]
    with env.session() as s:
        assert s.get(Application, app_id).status == "CANCELLED"
        assert s.get(MotorcycleCase, app_id).open_vin is None


def test_cancel_works_even_where_the_measure_is_off(make_env):
    """A way out works whatever the rollout (docs/plugins.md rule 2)."""
    env = make_env(PLUGINS, now="2024-07-01")
    app_id = _submit(env)
    env.clock.set("2024-06-30")
    out = env.data(CANCEL, {"a": app_id, "r": "x"}, as_="clerk_sh")["motorcycleApplicationCancel"]
    assert codes(out) == [] and out["application"]["status"] == "CANCELLED"
