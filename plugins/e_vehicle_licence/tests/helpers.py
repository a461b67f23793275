"""GraphQL documents and builders shared by the M13 tests: issue an e-vehicle licence through the
API, fetch a payload."""

from __future__ import annotations

from typing import Any

APPLY = """mutation($id: ID!) { eVehicleLicenceApply(input: {vehicleId: $id, photoSha256: "%s"}) {
  errors { code field rule city } application { id status } } }""" % ("cd" * 32)
REVIEW = """mutation($id: ID!) { eVehicleLicenceReview(input: {applicationId: $id, approve: true}) {
  errors { code } application { status } eLicence { liveStatus paperLicenceMustBeCarried vehicle { plate } } } }"""
SHOW = """query($id: ID!) { eVehicleLicenceShow(vehicleId: $id) { payloads { text length } } }"""
VERIFY = """mutation($p: String!) { eVehicleLicenceVerify(input: {payload: $p, purpose: "承保"}) { errors { code field }
  verification { accepted reasons liveStatus claims { name value } vehicle { plate } receipt } } }"""
ROADSIDE = """mutation($plate: String!, $p: EVehicleLicencePresented!, $c: String!, $q: String) {
  eVehicleLicenceRoadsideCheck(input: {plate: $plate, presented: $p, city: $c, payload: $q}) {
  errors { code field } check { outcome fineAllowed rule } } }"""
GRANT = """mutation($v: ID!, $g: ID!, $u: Date!) { eVehicleLicenceGrantCreate(input: {vehicleId: $v, granteePersonId: $g, validUntil: $u}) {
  errors { code field rule } grant { id validUntil revoked } } }"""
REVOKE = """mutation($id: ID!) { eVehicleLicenceGrantRevoke(grantId: $id) { errors { code } grant { revoked } } }"""
HANDLE = """mutation($id: ID!) { eVehicleLicenceViolationHandle(violationId: $id) { errors { code rule } status } }"""


def issue(
    env: Any, car: str = "zhang_car", who: str = "zhang_account", clerk: str = "clerk"
) -> dict:
    """Apply as the owner and approve as `clerk`; returns the review answer."""
    body = env.data(APPLY, {"id": env.refs[car].id}, as_=who)["eVehicleLicenceApply"]
    assert body["errors"] == [], body
    out = env.data(REVIEW, {"id": body["application"]["id"]}, as_=clerk)["eVehicleLicenceReview"]
    assert out["errors"] == [], out
    return out


def payload(env: Any, car: str = "zhang_car", who: str = "zhang_account") -> str:
    """The text of the first QR payload `who` is shown for `car`."""
    return env.data(SHOW, {"id": env.refs[car].id}, as_=who)["eVehicleLicenceShow"]["payloads"][0][
        "text"
    ]
