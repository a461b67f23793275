"""M12 timeliness report (issue 16 item 2; 十二-四 及时性): delivery-to-approval lag and overdue
cases, per city and rolled up to the province; delivered to the province monthly."""

from __future__ import annotations

from sqlmodel import select

from core.outbox import OutboxMessage
from core.reports import ReportDeliveryRow

from .helpers import (
    DELIVER,
    PLUGINS,
    REVIEW,
    SUBMIT,
    add_item,
    confirm,
    ready_case,
    register_case,
)

NAME = "accident_evidence.timeliness"
REPORT = """query($n: String!, $c: String, $p: String, $of: Date!) {
  report(name: $n, city: $c, province: $p, periodOf: $of) { start end columns
  rows { label values } notes } }"""


def _delivered(env, number: str, submit: bool) -> None:
    assert register_case(env, number)["errors"] == []
    item = add_item(env, number)
    if submit:
        confirm(env, number)
        out = env.data(SUBMIT, {"n": number, "ids": [item]}, as_="accident_officer")
        assert out["accidentEvidenceOfferSubmit"]["errors"] == []
    out = env.data(DELIVER, {"n": number, "doc": "CERTIFICATE", "d": "2021-07-01"},
                   as_="accident_officer")  # fmt: skip
    assert out["accidentEvidenceDeliveryRecord"]["errors"] == []


def _rows(table: dict) -> dict[str, dict[str, str]]:
    return {
        r["label"]: dict(zip(table["columns"], r["values"], strict=True)) for r in table["rows"]
    }


def test_lag_and_overdue_cases_per_city_and_province(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    ready_case(env, "3201002021000001")  # approved on the day of delivery: lag 0
    _delivered(env, "3201002021000002", submit=False)  # never approved: overdue
    _delivered(env, "3201002021000003", submit=True)
    env.clock.set("2021-07-10")  # approved 9 days after delivery: late (limit 5 days)
    out = env.data(REVIEW, {"n": "3201002021000003", "ok": True}, as_="accident_head")
    assert out["accidentEvidenceOfferReview"]["errors"] == []
    env.clock.set("2021-08-02")
    city = env.data(REPORT, {"n": NAME, "c": "320100", "of": "2021-07-15"}, as_="supervisor")
    table = city["report"]
    assert (table["start"], table["end"]) == ("2021-07-01", "2021-07-31")
    nj = _rows(table)["320100"]
    assert {k: nj[k] for k in ("delivered", "approved", "approved_in_time", "approved_late")} == {
        "delivered": "3", "approved": "2", "approved_in_time": "1", "approved_late": "1",
    }  # fmt: skip
    assert (nj["avg_lag_days"], nj["max_lag_days"], nj["overdue_open"]) == ("4.5", "9", "1")
    # June: nothing delivered yet, nothing overdue
    june = env.data(REPORT, {"n": NAME, "c": "320100", "of": "2021-06-15"}, as_="supervisor")
    assert _rows(june["report"])["320100"]["delivered"] == "0"
    # the province: its cities with cases, then the total
    province = env.data(REPORT, {"n": NAME, "p": "320000", "of": "2021-07-15"},
                        as_="province_admin")["report"]  # fmt: skip
    rows = _rows(province)
    assert list(rows) == ["320100", "320000"] and rows["320000"]["overdue_open"] == "1"
    body = env.gql(REPORT, {"n": NAME, "p": "320000", "of": "2021-07-15"}, as_="supervisor")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"


def test_the_month_is_delivered_to_the_pilot_provinces_on_the_first(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    _delivered(env, "3201002021000002", submit=False)
    job = env.platform.jobs["report_deliver"]
    env.clock.set("2021-07-31")
    job.run(env.platform, env.clock.now())
    with env.session() as s:
        assert s.exec(
            select(ReportDeliveryRow).where(ReportDeliveryRow.report == NAME,
                                            ReportDeliveryRow.period_start == env.clock.today().replace(day=1))
        ).all() == []  # fmt: skip
    env.clock.set("2021-08-01")
    job.run(env.platform, env.clock.now())
    with env.session() as s:
        rows = s.exec(select(ReportDeliveryRow).where(ReportDeliveryRow.report == NAME)).all()
        july = {r.area: r for r in rows if r.period_start.isoformat() == "2021-07-01"}
        # the six pilot provinces of 2021-06-01 (十二-三); the second batch starts 2021-09-01
        assert set(july) == {"310000", "320000", "370000", "440000", "500000", "510000"}
        js = july["320000"]
        assert js.recipients == 1 and js.result["rows"][-1][0] == "320000"
        told = s.exec(
            select(OutboxMessage).where(OutboxMessage.account_id == env.refs["province_admin"].id)
        ).all()
        assert any("2021-07-01至2021-07-31" in (m.text or "") for m in told)
