"""Closed scrap reports can be read (found by a fresh-user review: a SUPERSEDED report and its
close reason were visible nowhere): the office lists its city's reports in any status, the
scrapping firm lists the reports it filed; the roles and cities that matter."""

from __future__ import annotations

from core.testing_answers import top_code

from .helpers import approve

REPORT = """mutation($vin: String!, $d: Date!) { deregistrationScrapReport(input: {vin: $vin,
  recyclingCertificateNo: "HS-9", scrappedOn: $d, scrapCity: "310100"}) { errors { code } report { id } } }"""
BY_STATUS = """query($c: String!, $s: DeregistrationScrapReportStatus!) {
  deregistrationScrapReports(city: $c, status: $s) { id status closeReason } }"""
PENDING = """query($c: String!) { deregistrationScrapReports(city: $c) { id status } }"""
MINE = "{ myDeregistrationScrapReports { id status closeReason vehicleId } }"


def _superseded(env) -> tuple[str, str]:
    car = env.refs["zhang_car"]
    today = env.clock.now().date().isoformat()
    body = env.data(REPORT, {"vin": car.vin, "d": today}, as_=env.refs["scrapping"])
    report_id = body["deregistrationScrapReport"]["report"]["id"]
    number = approve(env)["certificate"]["number"]  # the owner's application goes first
    return report_id, number


def test_the_office_lists_closed_reports_by_status(dereg):
    env = dereg()
    report_id, number = _superseded(env)
    assert env.data(PENDING, {"c": "320100"}, as_="clerk")["deregistrationScrapReports"] == []
    closed = env.data(BY_STATUS, {"c": "320100", "s": "SUPERSEDED"}, as_="supervisor")
    (row,) = closed["deregistrationScrapReports"]
    assert row["id"] == report_id and row["status"] == "SUPERSEDED" and number in row["closeReason"]
    rejected = env.data(BY_STATUS, {"c": "320100", "s": "REJECTED"}, as_="clerk")
    assert rejected["deregistrationScrapReports"] == []
    # another city's office: refused, nothing shown
    other = env.gql(BY_STATUS, {"c": "320100", "s": "SUPERSEDED"}, as_="clerk_sh")
    assert top_code(other) == "OUT_OF_JURISDICTION"
    # not an office role
    assert (
        top_code(env.gql(BY_STATUS, {"c": "320100", "s": "SUPERSEDED"}, as_="zhang_account"))
        == "FORBIDDEN"
    )


def test_the_firm_lists_the_reports_it_filed_with_their_outcome(dereg):
    env = dereg()
    report_id, number = _superseded(env)
    (mine,) = env.data(MINE, as_=env.refs["scrapping"])["myDeregistrationScrapReports"]
    assert mine["id"] == report_id and mine["status"] == "SUPERSEDED"
    assert number in mine["closeReason"] and mine["vehicleId"] == env.refs["zhang_car"].id
    # nobody else's list: a citizen or an insurer may not call it
    assert top_code(env.gql(MINE, as_="zhang_account")) == "FORBIDDEN"
    assert top_code(env.gql(MINE, as_=env.refs["insurer"])) == "FORBIDDEN"
