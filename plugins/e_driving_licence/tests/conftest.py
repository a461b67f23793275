"""Helpers shared by the M01 tests: issue an e-licence through the API, fetch payloads."""

from __future__ import annotations

import pytest

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
PHOTO = "ab" * 32


def issue(env, who="zhang_account", licence="zhang_licence"):
    """Apply as the holder and approve as the Nanjing clerk; returns the review answer."""
    lic = env.refs[licence]
    body = env.data(APPLY, {"id": lic.id, "photo": PHOTO}, as_=who)["eDrivingLicenceApply"]
    assert body["errors"] == [], body
    clerk = {"320100": "clerk", "310100": "clerk_sh", "110100": "clerk_bj"}[lic.issuing_city]
    out = env.data(REVIEW, {"id": body["application"]["id"], "ok": True}, as_=clerk)[
        "eDrivingLicenceReview"
    ]
    assert out["errors"] == [], out
    return out


def show(env, who="zhang_account", n=1):
    return env.data(SHOW, {"n": n}, as_=who)["eDrivingLicenceShow"]


def verify(env, payload, as_, purpose="car rental", **extra):
    return env.gql(VERIFY, {"in": {"payload": payload, "purpose": purpose, **extra}}, as_=as_)


@pytest.fixture
def edl(make_env):
    def make(now="2024-09-02"):
        return make_env(["e_driving_licence"], now=now)

    return make
