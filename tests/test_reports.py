"""Reports rolled up and delivered (issue 16 item 2, core/reports.py): a city, a province (the sum
of its cities) or the nation, for the report's period, by the staff whose jurisdiction covers
it; the `report_deliver` job sends the declared reports on their day through the outbox.

The M11 reports serve as the example: checks are run through the API by clerks of two Jiangsu
cities (Nanjing 320100, Suzhou 320500) and one Guangdong city (Guangzhou 440100)."""

from __future__ import annotations

import types

import pytest
from sqlmodel import select

from core.accounts import Role
from core.hookspecs import hookimpl
from core.outbox import OutboxMessage
from core.platform import build_platform
from core.plugin_api import ReportDelivery, ReportLevel, ReportPeriod, ReportSpec
from core.plugin_host import PluginError
from core.reports import ReportDeliveryRow

PLUGINS = ["insurance_check"]
FAILURES = "insurance_check.weekly_failures"
ANOMALIES = "insurance_check.weekly_anomalies"
REPORT = """query($n: String!, $c: String, $p: String, $all: Boolean! = false, $s: Date, $e: Date,
  $of: Date) { report(name: $n, city: $c, province: $p, nation: $all, start: $s, end: $e,
  periodOf: $of) { level area start end columns rows { label values } parts { city rows { label
  values } } notes } }"""
RUN = """mutation($v: String!) { insuranceCheckRun(input: {vin: $v, business: INSPECTION_MARK}) {
  errors { code } check { outcome } } }"""
DELIVERIES = """query($n: String) { reportDeliveries(name: $n, first: 50) { totalCount nodes {
  dueOn recipients rule table { name level area start end columns rows { label values } } } } }"""
NOTICES = "{ myNotices { nodes { template text } } }"


def _world(env) -> None:
    """Staff and vehicles in Suzhou and Guangzhou (Nanjing's come with the demo)."""
    with env.session() as s:
        f = env.factory(s)
        env.refs["clerk_sz"] = f.staff("clerk.sz", [Role.CLERK], "320500")
        env.refs["clerk_gz"] = f.staff("clerk.gz", [Role.CLERK], "440100")
        env.refs["supervisor_js"] = f.staff(
            "head.js", [Role.SUPERVISOR], None, province="320000", name="江苏总队科长"
        )
        for ref, city in (("car_sz", "320500"), ("car_gz", "440100"), ("car_nj", "320100")):
            env.refs[ref] = f.vehicle(env.refs["zhang"], city=city)
        s.commit()


def _check(env, car: str, clerk: str) -> None:
    out = env.data(RUN, {"v": env.refs[car].vin}, as_=clerk)["insuranceCheckRun"]
    assert out["errors"] == [] and out["check"]["outcome"] == "NOT_FOUND", out


def _report(env, as_, **variables):
    return env.gql(REPORT, variables, as_=as_)


def _table(env, as_, **variables) -> dict:
    body = _report(env, as_, **variables)
    assert not body.get("errors"), body
    return body["data"]["report"]


@pytest.fixture
def env(make_env):
    env = make_env(PLUGINS, now="2021-06-08")  # a Tuesday
    _world(env)
    _check(env, "car_nj", "clerk")
    _check(env, "car_sz", "clerk_sz")
    _check(env, "car_sz", "clerk_sz")
    _check(env, "car_gz", "clerk_gz")
    return env


def test_a_province_is_the_sum_of_its_cities(env):
    table = _table(env, "province_admin", n=FAILURES, p="320000", of="2021-06-09")
    assert (table["level"], table["area"]) == ("PROVINCE", "320000")
    assert (table["start"], table["end"]) == ("2021-06-07", "2021-06-13")  # Monday..Sunday
    col = table["columns"].index("failed")
    [row] = table["rows"]  # one week, one insurer: Nanjing's 1 and Suzhou's 2 added
    assert row["values"][col] == "3"
    assert row["values"][table["columns"].index("city")] == "320000"
    assert {p["city"]: p["rows"][0]["values"][col] for p in table["parts"]} == {
        "320100": "1",
        "320500": "2",
    }  # Guangzhou's check is not Jiangsu's


def test_the_nation_sums_every_province_for_the_ministry(env):
    table = _table(env, "national_admin", n=FAILURES, all=True, s="2021-06-01", e="2021-06-30")
    assert (table["level"], table["area"]) == ("NATION", "CN")
    assert table["rows"][0]["values"][table["columns"].index("failed")] == "4"
    assert {p["city"] for p in table["parts"]} == {"320100", "320500", "440100"}


def test_who_may_run_which_level(env):
    # a city clerk runs no report at all; a city supervisor only their city
    body = _report(env, "clerk", n=FAILURES, p="320000", of="2021-06-08")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"] is None
    body = _report(env, "supervisor", n=FAILURES, p="320000", of="2021-06-08")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    assert _table(env, "supervisor", n=FAILURES, c="320100", of="2021-06-08")["area"] == "320100"
    body = _report(env, "supervisor", n=FAILURES, c="320500", of="2021-06-08")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    # a province's supervisor: their province and its cities, not another province, not the nation
    assert _table(env, "supervisor_js", n=FAILURES, p="320000", of="2021-06-08")["rows"]
    assert _table(env, "supervisor_js", n=FAILURES, c="320500", of="2021-06-08")["rows"]
    for args in ({"p": "440000"}, {"c": "440100"}, {"all": True}):
        body = _report(env, "supervisor_js", n=FAILURES, of="2021-06-08", **args)
        assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION", args
    body = _report(env, "province_admin_gd", n=FAILURES, p="320000", of="2021-06-08")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    # the ministry: everything
    assert _table(env, "national_admin", n=FAILURES, p="440000", of="2021-06-08")["rows"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"p": "320000", "c": "320100", "of": "2021-06-08"}, "city"),  # two areas
        ({"of": "2021-06-08"}, "city"),  # none
        ({"p": "999900", "of": "2021-06-08"}, "p"),  # unknown province
        ({"p": "320000"}, "start"),  # no period
        ({"p": "320000", "s": "2021-06-01", "e": "2021-06-07", "of": "2021-06-08"}, "periodOf"),
        ({"p": "320000", "s": "2021-06-07", "e": "2021-06-01"}, "end"),
    ],
)
def test_bad_areas_and_periods_are_refused(env, variables, field):
    body = _report(env, "national_admin", n=FAILURES, **variables)
    [error] = body["errors"]
    expected = {"p": "province"}.get(field, field)
    assert error["extensions"]["field"] == expected, error


def test_the_weekly_anomaly_figure_per_province_with_its_trend(env):
    env.clock.set("2021-06-15")  # the week after: Suzhou fails once, Nanjing not at all
    _check(env, "car_sz", "clerk_sz")
    nation = _table(env, "national_admin", n=ANOMALIES, all=True, of="2021-06-15")
    cols = nation["columns"]
    rows = {r["label"]: dict(zip(cols, r["values"], strict=True)) for r in nation["rows"]}
    assert set(rows) == {"320000", "440000", "CN"}  # a row per province with checks, and a total
    js = rows["320000"]
    assert (js["failed"], js["failed_prev"], js["change"], js["trend"]) == ("1", "3", "-2", "DOWN")
    assert js["last_4_periods"] == "0 > 0 > 3 > 1"
    assert js["failure_rate_pct"] == "100.0" and js["unresolved"] == "1"
    assert (rows["440000"]["failed"], rows["440000"]["trend"]) == ("0", "DOWN")
    assert (rows["CN"]["failed"], rows["CN"]["failed_prev"]) == ("1", "4")
    province = _table(env, "province_admin", n=ANOMALIES, p="320000", of="2021-06-15")
    labels = [r["label"] for r in province["rows"]]
    assert labels == ["320100", "320500", "320000"]  # its cities with checks, then the total


def test_the_scheduled_job_delivers_the_week_to_province_and_ministry_once(env):
    job = env.platform.jobs["report_deliver"]
    env.clock.set("2021-06-13")  # Sunday: the week 06-07..13 is not over
    job.run(env.platform, env.clock.now())
    with env.session() as s:
        weeks = {r.period_start.isoformat() for r in s.exec(select(ReportDeliveryRow)).all()}
    assert "2021-06-07" not in weeks  # (the week before, 05-31..06-06, was due on 06-07)
    env.clock.set("2021-06-14")  # Monday 09:00: the week just ended is due
    summary = job.run(env.platform, env.clock.now())
    assert summary["delivered"] > 0
    assert job.run(env.platform, env.clock.now())["delivered"] == 0  # never twice
    with env.session() as s:
        rows = s.exec(
            select(ReportDeliveryRow).where(
                ReportDeliveryRow.report == ANOMALIES,
                ReportDeliveryRow.period_start == env.clock.today().replace(day=7),
            )
        ).all()
        by_area = {(r.level, r.area): r for r in rows}
        js = by_area[("PROVINCE", "320000")]
        assert js.due_on.isoformat() == "2021-06-14" and js.recipients == 1  # 江苏总队
        assert ("NATION", "CN") in by_area and by_area[("NATION", "CN")].recipients == 1
        assert ("PROVINCE", "440000") in by_area  # in force nationwide: every province
        told = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "core.report.delivered")
        ).all()
        assert {m.account_id for m in told} == {
            env.refs["province_admin"].id,
            env.refs["province_admin_gd"].id,
            env.refs["national_admin"].id,
        }
    # the recipients see the notice, and the delivered figures within their jurisdiction only
    notices = env.data(NOTICES, as_="province_admin")["myNotices"]["nodes"]
    assert any("2021-06-07至2021-06-13" in n["text"] and "江苏省" in n["text"] for n in notices)
    mine = env.data(DELIVERIES, {"n": ANOMALIES}, as_="province_admin")["reportDeliveries"]
    areas = {(n["table"]["area"], n["table"]["start"]) for n in mine["nodes"]}
    assert ("320000", "2021-06-07") in areas and all(a == "320000" for a, _ in areas)
    delivered = next(n for n in mine["nodes"] if n["table"]["start"] == "2021-06-07")
    cols = delivered["table"]["columns"]
    total = dict(zip(cols, delivered["table"]["rows"][-1]["values"], strict=True))
    assert total["failed"] == "3" and "十一-三" in delivered["rule"]
    everything = env.data(DELIVERIES, {"n": ANOMALIES}, as_="national_admin")["reportDeliveries"]
    assert everything["totalCount"] > mine["totalCount"]
    assert env.data(NOTICES, as_="supervisor")["myNotices"]["nodes"] == []


def test_the_reports_say_what_the_seed_asks_to_deliver(env):
    reports = env.data("{ reports { name period delivered } }", as_="province_admin")["reports"]
    anomalies = next(r for r in reports if r["name"] == ANOMALIES)
    assert anomalies["period"] == "WEEKLY"
    assert any(d.startswith("PROVINCE WEEKLY to PROVINCE_ADMIN") for d in anomalies["delivered"])


@pytest.mark.parametrize(
    ("period", "delivery", "message"),
    [
        ("DAILY", (), "period 'DAILY'"),
        ("WEEKLY", (ReportDelivery(ReportLevel.CITY, ReportPeriod.ANY, (Role.SUPERVISOR,), "x"),),
         "a delivery needs"),
        ("WEEKLY", (ReportDelivery(ReportLevel.CITY, ReportPeriod.WEEKLY, ("CLERK-ISH",), "x"),),
         "staff roles"),
    ],
)  # fmt: skip
def test_a_malformed_report_stops_start_up_naming_the_plugin(pool, period, delivery, message):
    module = types.ModuleType("bad_report_plugin")

    @hookimpl
    def register_reports() -> list[ReportSpec]:
        return [
            ReportSpec("bad.report", "bad", "Bad", period, lambda *a: None, deliveries=delivery)
        ]

    module.register_reports = register_reports  # type: ignore[attr-defined]
    with pytest.raises(PluginError, match=f"bad_report_plugin.*{message}"):
        build_platform(pool.settings, engine=pool.engine, plugins=[], extra_plugins=[module])
