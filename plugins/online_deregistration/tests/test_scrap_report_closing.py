"""Issue 15 item 11 through the API: a scrap report the office cannot process (the car is still
mortgaged) is closed with the reason, the scrapping firm and the owner are told, the overdue job
stops flagging it, and the firm can report again once the mortgage is released."""

from __future__ import annotations

import datetime as dt

from core.registries.applications import Application
from core.registries.vehicles import Vehicle
from core.testing_notices import my_notices, notice_templates, notice_texts

from .. import service
from .helpers import APPLY, PROCESS, REPORT, REPORTS

REJECT = """mutation($id: ID!, $r: String!) { deregistrationScrapReportReject(reportId: $id, reason: $r) {
  errors { code field } report { id status closeReason processed } } }"""
WITHDRAW = """mutation($a: ID!) { applicationWithdraw(applicationId: $a, reason: "改主意") {
  errors { code field } application { status } } }"""
REVIEW_NO = """mutation($id: ID!) { deregistrationReview(input: {applicationId: $id, approve: false,
  note: "车辆仍在抵押"}) { errors { code } application { status } } }"""


def _mortgaged_report(env) -> str:
    car = env.refs["zhang_car"]
    with env.session() as s:
        s.get(Vehicle, car.id).mortgaged = True
        s.commit()
    today = env.clock.now().date().isoformat()
    body = env.data(REPORT, {"vin": car.vin, "d": today, "c": "310100"}, as_=env.refs["scrapping"])
    assert body["deregistrationScrapReport"]["errors"] == []
    report_id = body["deregistrationScrapReport"]["report"]["id"]
    out = env.data(PROCESS, {"id": report_id}, as_="clerk")["deregistrationScrapProcess"]
    assert out["errors"][0]["code"] == "DEREG_NOT_DEREGISTRABLE"
    return report_id


def test_a_mortgaged_cars_scrap_report_is_closed_with_its_reason(dereg):
    env = dereg()
    report_id = _mortgaged_report(env)
    out = env.data(REJECT, {"id": report_id, "r": "车辆抵押未解除"}, as_="clerk")
    got = out["deregistrationScrapReportReject"]
    assert got["errors"] == []
    assert got["report"] == {
        "id": report_id, "status": "REJECTED", "closeReason": "车辆抵押未解除", "processed": False
    }  # fmt: skip
    firm = my_notices(env, env.refs["scrapping"])
    assert [n["template"] for n in firm] == ["online_deregistration.scrap_report_rejected"]
    assert "车辆抵押未解除" in firm[0]["text"]
    owner = notice_templates(env, "zhang_account")
    assert "online_deregistration.scrap_not_deregistered" in owner
    # closed: no longer in the office's list, never flagged, not processed later
    assert env.data(REPORTS, {"c": "320100", "o": False}, as_="clerk")[
        "deregistrationScrapReports"
    ] == []  # fmt: skip
    env.clock.set(env.clock.now() + dt.timedelta(days=3))
    assert service.flag_overdue_scrap_reports(env.platform, env.clock.now())["flagged"] == 0
    again = env.data(PROCESS, {"id": report_id}, as_="clerk")["deregistrationScrapProcess"]
    assert again["errors"][0]["code"] == "DEREG_REPORT_ALREADY_PROCESSED"
    twice = env.data(REJECT, {"id": report_id, "r": "重复"}, as_="clerk")
    assert twice["deregistrationScrapReportReject"]["errors"][0]["code"] == (
        "DEREG_REPORT_ALREADY_PROCESSED"
    )


def test_after_release_the_firm_reports_again_and_it_is_processed(dereg):
    env = dereg()
    report_id = _mortgaged_report(env)
    env.data(REJECT, {"id": report_id, "r": "车辆抵押未解除"}, as_="clerk")
    car = env.refs["zhang_car"]
    with env.session() as s:
        s.get(Vehicle, car.id).mortgaged = False
        s.commit()
    today = env.clock.now().date().isoformat()
    body = env.data(REPORT, {"vin": car.vin, "d": today, "c": "310100"}, as_=env.refs["scrapping"])
    new_id = body["deregistrationScrapReport"]["report"]["id"]
    out = env.data(PROCESS, {"id": new_id}, as_="clerk")["deregistrationScrapProcess"]
    assert out["errors"] == []
    firm = notice_templates(env, env.refs["scrapping"])
    assert sorted(firm) == [
        "online_deregistration.scrap_report_processed",
        "online_deregistration.scrap_report_rejected",
    ]


def test_closing_is_for_the_registration_office_only(dereg):
    env = dereg()
    report_id = _mortgaged_report(env)
    wrong = env.data(REJECT, {"id": report_id, "r": "抵押"}, as_="clerk_sh")
    assert wrong["deregistrationScrapReportReject"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(REJECT, {"id": report_id, "r": "抵押"}, as_=env.refs["scrapping"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    blank = env.data(REJECT, {"id": report_id, "r": " "}, as_="clerk")
    assert blank["deregistrationScrapReportReject"]["errors"][0] == {
        "code": "INVALID_INPUT", "field": "reason"
    }  # fmt: skip
    listed = env.data(REPORTS, {"c": "320100", "o": False}, as_="clerk")
    assert [r["id"] for r in listed["deregistrationScrapReports"]] == [report_id]


def test_closing_works_even_where_the_measure_is_not_in_force(dereg):
    """A way out works whatever the rollout (docs/plugins.md rule 2)."""
    env = dereg()
    report_id = _mortgaged_report(env)
    env.clock.set("2024-06-30")
    out = env.data(REJECT, {"id": report_id, "r": "抵押"}, as_="clerk")
    assert out["deregistrationScrapReportReject"]["errors"] == []


def test_the_owner_withdraws_a_pending_application_and_a_rejection_is_told(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    app = env.data(APPLY, {"id": car.id, "r": "SCRAPPED"}, as_="zhang_account")
    app_id = app["deregistrationApply"]["application"]["id"]
    out = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert out == {"errors": [], "application": {"status": "CANCELLED"}}
    second = env.data(APPLY, {"id": car.id, "r": "SCRAPPED"}, as_="zhang_account")
    second_id = second["deregistrationApply"]["application"]["id"]
    no = env.data(REVIEW_NO, {"id": second_id}, as_="clerk")["deregistrationReview"]
    assert no["application"]["status"] == "REJECTED"
    texts = notice_texts(env, "zhang_account")
    assert f"您的注销登记申请{second_id}未通过：车辆仍在抵押。" in texts
    assert f"您的注销登记申请{app_id}已撤回。" in texts
    with env.session() as s:
        assert s.get(Application, app_id).status == "CANCELLED"
