"""Review finding: a vehicle is deregistered by one of two paths, the owner's application or a
scrapping firm's scrap report, and whatever the other path left open is settled in the same
transaction, truthfully, with everyone concerned told:

- the owner's application deregisters first: the firm's RECEIVED report becomes SUPERSEDED
  (closed with the certificate's number; the firm and the owner are told), it leaves the office's
  list and is never flagged overdue (before: RECEIVED for ever, neither processable nor honest);
- the scrap report deregisters first: the owner's open application is closed (CANCELLED, with the
  certificate's number; the owner is told), and a later application is refused with
  DEREG_ALREADY_DEREGISTERED naming its rule; the certificate is in the owner's list."""

from __future__ import annotations

import datetime as dt

from core.db import stamp
from core.registries.applications import Application
from core.registries.vehicles import Vehicle
from core.testing_notices import my_notices, notice_templates

from .. import service
from ..models import DeregCertificate, DeregScrapReport
from .helpers import APPLY, PROCESS, REPORT, REPORTS, REVIEW, approve

REJECT = """mutation($id: ID!, $r: String!) { deregistrationScrapReportReject(reportId: $id, reason: $r) {
  errors { code field rule } report { status } } }"""
REPORT_RULE = REPORT.replace("errors { code field }", "errors { code field rule }")
PROCESS_RULE = PROCESS.replace("errors { code }", "errors { code field rule }")
MY_APPS = "{ myApplications { nodes { id measure status decisionNote } } }"
MY_CERTS = "{ myDeregistrationCertificates { number reason vehicleId } }"
MONTHLY = """{ report(name: "online_deregistration.monthly", city: "320100", start: "2024-09-01",
  end: "2024-09-30") { columns rows { values } } }"""


def _report(env, car) -> str:
    today = env.clock.now().date().isoformat()
    body = env.data(REPORT, {"vin": car.vin, "d": today, "c": "310100"}, as_=env.refs["scrapping"])
    assert body["deregistrationScrapReport"]["errors"] == [], body
    return body["deregistrationScrapReport"]["report"]["id"]


def _monthly(env) -> dict:
    table = env.data(MONTHLY, as_="supervisor")["report"]
    return dict(zip(table["columns"], table["rows"][0]["values"], strict=True))


def test_the_owners_deregistration_supersedes_a_pending_scrap_report(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    report_id = _report(env, car)
    number = approve(env)["certificate"]["number"]
    # settled in the same transaction: no longer the office's case
    listed = env.data(REPORTS, {"c": "320100", "o": False}, as_="clerk")
    assert listed["deregistrationScrapReports"] == []
    with env.session() as s:
        report = s.get(DeregScrapReport, report_id)
        assert report.status == "SUPERSEDED"
        assert number in report.close_reason and report.closed_at is not None
        assert report.processed_at is None  # not deregistered on this report
    # neither processed nor rejected afterwards, and never flagged
    out = env.data(PROCESS_RULE, {"id": report_id}, as_="clerk")["deregistrationScrapProcess"]
    assert [e["code"] for e in out["errors"]] == ["DEREG_REPORT_ALREADY_PROCESSED"]
    assert out["errors"][0]["rule"]
    out = env.data(REJECT, {"id": report_id, "r": "已注销"}, as_="clerk")
    assert out["deregistrationScrapReportReject"]["errors"][0]["code"] == (
        "DEREG_REPORT_ALREADY_PROCESSED"
    )
    env.clock.set(env.clock.now() + dt.timedelta(days=3))
    assert service.flag_overdue_scrap_reports(env.platform, env.clock.now())["flagged"] == 0
    # the firm learns the outcome, with the certificate's number; so does the owner
    firm = my_notices(env, env.refs["scrapping"])
    assert [n["template"] for n in firm] == ["online_deregistration.scrap_report_superseded"]
    assert number in firm[0]["text"] and "HS-1" in firm[0]["text"]
    owner = my_notices(env, "zhang_account")
    closed = [
        n for n in owner if n["template"] == "online_deregistration.scrap_already_deregistered"
    ]
    assert len(closed) == 1 and number in closed[0]["text"]
    # and the month's figures say so
    figures = _monthly(env)
    assert (figures["superseded"], figures["still_open"], figures["rejected"]) == ("1", "0", "0")


def test_a_firm_reporting_after_the_owners_deregistration_is_refused_with_the_rule(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    approve(env)
    today = env.clock.now().date().isoformat()
    body = env.data(
        REPORT_RULE, {"vin": car.vin, "d": today, "c": "310100"}, as_=env.refs["scrapping"]
    )["deregistrationScrapReport"]
    (err,) = body["errors"]
    assert (err["code"], err["field"]) == ("DEREG_ALREADY_DEREGISTERED", "vin")
    assert "三-三-2" in err["rule"]


def test_the_scrap_report_closes_the_owners_open_application(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    out = env.data(APPLY, {"id": car.id, "r": "SCRAPPED"}, as_="zhang_account")
    app_id = out["deregistrationApply"]["application"]["id"]
    report_id = _report(env, car)
    done = env.data(PROCESS, {"id": report_id}, as_="clerk")["deregistrationScrapProcess"]
    assert done["errors"] == []
    number = done["certificate"]["number"]
    apps = env.data(MY_APPS, as_="zhang_account")["myApplications"]["nodes"]
    (mine,) = [a for a in apps if a["id"] == app_id]
    assert mine["status"] == "CANCELLED" and number in mine["decisionNote"]
    texts = [n["text"] for n in my_notices(env, "zhang_account")]
    assert any(app_id in t and number in t for t in texts), texts
    assert "online_deregistration.certificate" in notice_templates(env, "zhang_account")
    # the clerk cannot decide it any more (typed refusal), the vehicle stays deregistered once
    review = env.data(REVIEW, {"id": app_id, "ok": True}, as_="clerk")["deregistrationReview"]
    assert review["errors"] and review["certificate"] is None
    with env.session() as s:
        assert s.get(Application, app_id).status == "CANCELLED"


def test_the_owner_applying_after_the_scrap_report_is_refused_and_has_the_certificate(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    report_id = _report(env, car)
    done = env.data(PROCESS, {"id": report_id}, as_="clerk")["deregistrationScrapProcess"]
    out = env.data(APPLY, {"id": car.id, "r": "SCRAPPED"}, as_="zhang_account")
    (err,) = out["deregistrationApply"]["errors"]
    assert (err["code"], err["field"]) == ("DEREG_ALREADY_DEREGISTERED", "vehicleId")
    assert "三-三-2" in err["rule"]
    assert out["deregistrationApply"]["application"] is None
    certs = env.data(MY_CERTS, as_="zhang_account")["myDeregistrationCertificates"]
    assert certs == [
        {"number": done["certificate"]["number"], "reason": "SCRAPPED", "vehicleId": car.id}
    ]


def test_the_job_settles_a_report_left_open_before_the_fix(dereg):
    """A report stranded by a deregistration made before this fix is superseded by the hourly
    job (the firm told), not flagged overdue."""
    env = dereg()
    car = env.refs["zhang_car"]
    report_id = _report(env, car)
    number = "ZX32010020240901000000"
    with env.session() as s:  # deregistered without settling the report, as before the fix
        update = s.get(Vehicle, car.id)
        update.status = "DEREGISTERED"
        s.add(update)
        s.add(
            DeregCertificate(
                number=number, vehicle_id=car.id, owner_person_id=car.owner_person_id,
                reason="SCRAPPED", deregistered_on=dt.date(2024, 9, 1), city_code="320100",
                handle="H-LEGACY", issued_at=stamp(env.clock.now()),
            )
        )  # fmt: skip
        s.commit()
    env.clock.set(env.clock.now() + dt.timedelta(days=3))
    done = service.flag_overdue_scrap_reports(env.platform, env.clock.now())
    assert (done["flagged"], done["superseded"]) == (0, 1)
    with env.session() as s:
        report = s.get(DeregScrapReport, report_id)
        assert report.status == "SUPERSEDED" and number in report.close_reason
        assert report.overdue_flagged_at is None
    firm = my_notices(env, env.refs["scrapping"])
    assert [n["template"] for n in firm] == ["online_deregistration.scrap_report_superseded"]
    assert number in firm[0]["text"]
