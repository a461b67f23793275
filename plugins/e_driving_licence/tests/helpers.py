"""GraphQL documents and builders shared by the M01 tests: issue an e-licence through the API,
fetch payloads, verify them."""

from __future__ import annotations

from typing import Any

APPLY = """mutation($id: ID!, $photo: String!) { eDrivingLicenceApply(input: {licenceId: $id, photoSha256: $photo}) {
  errors { code field rule measure city } application { id status city } } }"""
REVIEW = """mutation($id: ID!, $ok: Boolean!, $note: String) { eDrivingLicenceReview(input: {applicationId: $id, approve: $ok, note: $note}) {
  errors { code field rule } application { status } eLicence { liveStatus statusReasons issuingOffice paperLicenceStillIssued
  licence { classes firstIssueDate validUntil status points remarks } } } }"""
SHOW = """query($n: Int!) { eDrivingLicenceShow(count: $n) { qrVersion payloads { text notBefore expiresAt length } } }"""
VERIFY = """mutation($in: EDrivingLicenceVerifyInput!) { eDrivingLicenceVerify(input: $in) { errors { code field rule }
  verification { accepted reasons signatureValid kid keyState payloadAgeSeconds payloadExpired liveStatus statusReasons
  claims { name value } licence { classes status points } holderName holderIdNumber receiptId receipt
  auditEntry { logId uid leafHash } } } }"""
MY = "{ myEDrivingLicence { liveStatus statusReasons licence { classes firstIssueDate validUntil status } issuingOffice } }"
REPORT = """query($c: String!) { report(name: "e_driving_licence.monthly", city: $c, start: "2024-09-01", end: "2024-09-30") {
  columns rows { label values } } }"""
LOG = "{ myEDrivingLicenceVerifications { nodes { verifierKind verifierName purpose claims result } } }"
TRAIL = "{ myAuditTrail { nodes { action purpose outcome actorKind } } }"
SETTING = """mutation($s: String!, $v: JSON!) { measureSettingSet(measure: "e_driving_licence",
  scopeCode: $s, key: "partner_verifications_per_minute", value: $v) { errors { code field } } }"""
SEIZE = """mutation($f: String!, $p: EDrivingLicencePresented!, $c: String!) {
  eDrivingLicenceSeize(input: {fileNumber: $f, presented: $p, city: $c, reason: "酒驾"}) { errors { code field rule } licence { status } } }"""
LOCAL = """mutation($c: String!) { eDrivingLicenceLocalVersionRegister(input: {city: $c, name: "本地电子驾照"}) {
  errors { code rule city } localVersionId } }"""
PHOTO = "ab" * 32
SHARE = """mutation { eDrivingLicenceShareCreate(input: {claims: ["first_issue_date"], minutes: 10}) {
  errors { code } code } }"""


def apply(env: Any, who: Any = "zhang_account", licence: Any = "zhang_licence") -> dict:
    """Apply for the e-licence of `licence` (a ref name or a DrivingLicence) as `who`; the
    eDrivingLicenceApply payload (errors, application)."""
    lic = env.refs[licence] if isinstance(licence, str) else licence
    return env.data(APPLY, {"id": lic.id, "photo": PHOTO}, as_=who)["eDrivingLicenceApply"]


def issue(env: Any, who: str = "zhang_account", licence: str = "zhang_licence") -> dict:
    """Apply as the holder and approve as the clerk of the licence's city; returns the review
    answer."""
    lic = env.refs[licence]
    body = apply(env, who, lic)
    assert body["errors"] == [], body
    clerk = {"320100": "clerk", "310100": "clerk_sh", "110100": "clerk_bj"}[lic.issuing_city]
    out = env.data(REVIEW, {"id": body["application"]["id"], "ok": True}, as_=clerk)[
        "eDrivingLicenceReview"
    ]
    assert out["errors"] == [], out
    return out


def show(env: Any, who: str = "zhang_account", n: int = 1) -> dict:
    return env.data(SHOW, {"n": n}, as_=who)["eDrivingLicenceShow"]


def issued_payload(env: Any) -> str:
    """Issue Zhang's e-licence; the text of one QR payload he then shows."""
    issue(env)
    return show(env)["payloads"][0]["text"]


def verify(env: Any, payload: str, as_: Any, purpose: str = "car rental", **extra: Any) -> dict:
    return env.gql(VERIFY, {"in": {"payload": payload, "purpose": purpose, **extra}}, as_=as_)


def share_code(env: Any, who: str = "zhang_account") -> str:
    """A 10-minute share code the holder `who` makes for the first-issue-date claim."""
    made = env.data(SHARE, as_=who)["eDrivingLicenceShareCreate"]
    assert made["errors"] == [], made
    return made["code"]
