"""M13's application workflow through the API (issue 15 item 12): the owner withdraws a pending
application and may apply again; the clerk rejects with the reason; each is told."""

from __future__ import annotations

from core.testing_notices import my_notices

from .helpers import APPLY

WITHDRAW = """mutation($a: ID!, $r: String) { applicationWithdraw(applicationId: $a, reason: $r) {
  errors { code field } application { status } } }"""
REJECT = """mutation($id: ID!, $n: String) { eVehicleLicenceReview(input: {applicationId: $id, approve: false, note: $n}) {
  errors { code field } application { status } } }"""


def _apply(env):
    body = env.data(APPLY, {"id": env.refs["zhang_car"].id}, as_="zhang_account")
    assert body["eVehicleLicenceApply"]["errors"] == []
    return body["eVehicleLicenceApply"]["application"]["id"]


def test_the_owner_withdraws_and_may_apply_again(evl):
    env = evl()
    app_id = _apply(env)
    assert env.gql(WITHDRAW, {"a": app_id}, as_="clerk")["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    out = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert out == {"errors": [], "application": {"status": "CANCELLED"}}
    assert [n["template"] for n in my_notices(env)] == ["e_vehicle_licence.withdrawn"]
    assert _apply(env) != app_id


def test_a_rejection_needs_a_reason_and_tells_the_owner(evl):
    env = evl()
    app_id = _apply(env)
    blank = env.data(REJECT, {"id": app_id}, as_="clerk")["eVehicleLicenceReview"]
    assert blank["errors"][0]["code"] == "EVL_NOTE_REQUIRED" and my_notices(env) == []
    far = env.data(REJECT, {"id": app_id, "n": "x"}, as_="clerk_sh")["eVehicleLicenceReview"]
    assert far["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    out = env.data(REJECT, {"id": app_id, "n": "照片不清晰"}, as_="clerk")["eVehicleLicenceReview"]
    assert out == {"errors": [], "application": {"status": "REJECTED"}}
    assert [n["text"] for n in my_notices(env)] == ["您的电子行驶证申领未通过：照片不清晰"]
