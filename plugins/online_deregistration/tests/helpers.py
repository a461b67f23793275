"""GraphQL documents and builders shared by the M15 tests."""

from __future__ import annotations

from typing import Any

APPLY = """mutation($id: ID!, $r: DeregistrationReason!) { deregistrationApply(input: {vehicleId: $id, reason: $r}) {
  errors { code field rule city } application { id status } } }"""
REVIEW = """mutation($id: ID!, $ok: Boolean!) { deregistrationReview(input: {applicationId: $id, approve: $ok, note: "ok"}) {
  errors { code } application { status } certificate { id number reason deregisteredOn paperIssued } } }"""
SHOW = """query($id: ID!) { deregistrationCertificateShow(certificateId: $id) { text } }"""
VERIFY = """mutation($p: String!) { deregistrationCertificateVerify(input: {payload: $p, purpose: "以旧换新补贴"}) {
  errors { code field } verification { accepted reasons certificateNumber deregisteredOn reason vehicleCategory } } }"""
REPORT = """mutation($vin: String!, $d: Date!, $c: String!) { deregistrationScrapReport(input: {vin: $vin,
  recyclingCertificateNo: "HS-1", scrappedOn: $d, scrapCity: $c}) { errors { code field } report { id dueBy overdue } } }"""
PROCESS = """mutation($id: ID!) { deregistrationScrapProcess(reportId: $id) { errors { code } certificate { number reason } } }"""
REPORTS = """query($c: String!, $o: Boolean!) { deregistrationScrapReports(city: $c, overdueOnly: $o) { id overdue dueBy } }"""


def approve(env: Any, car: str = "zhang_car") -> dict:
    """The owner applies to deregister `car` (SCRAPPED) and the Nanjing clerk approves; returns
    the review answer."""
    app = env.data(APPLY, {"id": env.refs[car].id, "r": "SCRAPPED"}, as_="zhang_account")[
        "deregistrationApply"
    ]
    assert app["errors"] == [], app
    out = env.data(REVIEW, {"id": app["application"]["id"], "ok": True}, as_="clerk")[
        "deregistrationReview"
    ]
    assert out["errors"] == [], out
    return out
