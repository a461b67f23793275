"""M09's activity report through the core `report` query."""

from __future__ import annotations

from .helpers import PLUGINS, created, use

REPORT = """
query($city: String!) {
  report(name: "online_entrustment.activity", city: $city, start: "2021-07-01", end: "2021-07-31") {
    columns rows { label values }
  }
}"""


def test_report_counts_created_used_and_expired(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    used = created(env)
    created(env, validDays=10)  # last day 07-11, never used: expired in July
    assert use(env, used["id"])["errors"] == []
    table = env.data(REPORT, {"city": "320100"}, as_="supervisor")["report"]
    cols = table["columns"]
    rows = {r["label"]: dict(zip(cols, r["values"], strict=True)) for r in table["rows"]}
    total = rows["TOTAL"]
    assert total["online_created"] == "2" and total["used"] == "1"
    assert total["expired_unused"] == "1" and total["revoked"] == "0"
    other = env.data(REPORT, {"city": "310100"}, as_="national_admin")["report"]
    assert other["rows"][-1]["values"] == ["0"] * len(cols)
