"""M13's application workflow through the API (issue 15 item 12): the owner withdraws a pending
application and may apply again; the clerk rejects with the reason; each is told."""

from __future__ import annotations

from core.testing_notices import my_notices

from .. import rules
from .helpers import APPLY, REVIEW

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


APPLY_RULE = """mutation($id: ID!) { eVehicleLicenceApply(input: {vehicleId: $id, photoSha256: "%s"}) {
  errors { code field rule } } }""" % ("cd" * 32)
REJECT_RULE = """mutation($id: ID!) { eVehicleLicenceReview(input: {applicationId: $id, approve: false}) {
  errors { code field rule } } }"""
VIEW_RULE = """query($id: ID!) { eVehicleLicence(vehicleId: $id) { liveStatus } }"""


def test_every_refusal_of_the_application_names_its_rule(evl):
    """NOTE_REQUIRED, PENDING_APPLICATION, ALREADY_ISSUED and NOT_ISSUED carry their clause."""
    env = evl()
    car = env.refs["zhang_car"].id
    view = env.gql(VIEW_RULE, {"id": car}, as_="zhang_account")["errors"][0]["extensions"]
    assert view["code"] == "EVL_NOT_ISSUED" and view["rule"] == rules.R_UNIFORM, view
    app_id = _apply(env)
    again = env.data(APPLY_RULE, {"id": car}, as_="zhang_account")["eVehicleLicenceApply"]
    assert again["errors"] == [
        {"code": "EVL_PENDING_APPLICATION", "field": "vehicleId", "rule": rules.R_ONE_LICENCE}
    ]
    blank = env.data(REJECT_RULE, {"id": app_id}, as_="clerk")["eVehicleLicenceReview"]
    assert blank["errors"] == [
        {"code": "EVL_NOTE_REQUIRED", "field": "note", "rule": rules.R_REVIEW}
    ]
    approved = env.data(REVIEW, {"id": app_id}, as_="clerk")["eVehicleLicenceReview"]
    assert approved["errors"] == [], approved
    issued = env.data(APPLY_RULE, {"id": car}, as_="zhang_account")["eVehicleLicenceApply"]
    assert issued["errors"] == [
        {"code": "EVL_ALREADY_ISSUED", "field": "vehicleId", "rule": rules.R_ONE_LICENCE}
    ]
    for error in (again, blank, issued):
        assert all(e["rule"] for e in error["errors"])
