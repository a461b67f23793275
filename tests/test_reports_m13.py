"""M13 monthly pilot report (issue 16 item 2; 2024 一-一-1 总队于每月底前将试点工作情况报部局)
per city, summed for the province, delivered to the ministry on the month's last day."""

from __future__ import annotations

from sqlmodel import select

from core.outbox import OutboxMessage
from core.reports import ReportDeliveryRow
from plugins.e_vehicle_licence.tests.helpers import issue

NAME = "e_vehicle_licence.monthly_pilot"
REPORT = """query($p: String, $c: String, $of: Date!) { report(name: "e_vehicle_licence.monthly_pilot",
  province: $p, city: $c, periodOf: $of) { start end columns rows { label values } } }"""


def test_the_province_figures_and_the_delivery_before_the_month_ends(make_env):
    env = make_env(["e_vehicle_licence"], now="2024-07-15")
    issue(env)  # 张伟's car, Nanjing
    table = env.data(REPORT, {"p": "320000", "of": "2024-07-15"}, as_="province_admin")["report"]
    assert (table["start"], table["end"]) == ("2024-07-01", "2024-07-31")
    rows = {
        r["label"]: dict(zip(table["columns"], r["values"], strict=True)) for r in table["rows"]
    }
    assert list(rows) == ["320100", "320000"]
    assert {k: rows["320000"][k] for k in ("applications", "approved", "issued")} == {
        "applications": "1", "approved": "1", "issued": "1",
    }  # fmt: skip
    june = env.data(REPORT, {"c": "320100", "of": "2024-06-15"}, as_="supervisor")["report"]
    assert june["rows"][0]["values"][1:4] == ["0", "0", "0"]

    job = env.platform.jobs["report_deliver"]
    env.clock.set("2024-07-30")  # not yet the month's last day; June had no day in force
    job.run(env.platform, env.clock.now())
    with env.session() as s:
        assert s.exec(select(ReportDeliveryRow).where(ReportDeliveryRow.report == NAME)).all() == []
    env.clock.set("2024-07-31")  # 每月底前: delivered on the last day
    job.run(env.platform, env.clock.now())
    with env.session() as s:
        rows = s.exec(select(ReportDeliveryRow).where(ReportDeliveryRow.report == NAME)).all()
        js = next(r for r in rows if r.area == "320000")
        assert js.level == "PROVINCE" and js.due_on.isoformat() == "2024-07-31"
        assert js.recipients == 1 and len(rows) > 1  # every province where it is in force
        told = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "core.report.delivered")
        ).all()
        assert {m.account_id for m in told} == {env.refs["national_admin"].id}  # 报部局
    notices = env.data(
        "{ myNotices(first: 100) { totalCount nodes { text } } }", as_="national_admin"
    )["myNotices"]
    assert notices["totalCount"] == len(rows)  # one per province delivered
    assert any("江苏省，2024-07-01至2024-07-31" in n["text"] for n in notices["nodes"])
