"""M04's report through the core `report` query."""

from __future__ import annotations

from .helpers import APPROVE, PLUGINS, REPORT, apply, ready_city


def test_report_counts_issued_and_overdue(make_env):
    env = make_env(PLUGINS, now="2024-09-27")
    pid = ready_city(env)
    first = apply(env, pid)["application"]  # due 2024-10-08
    env.data(APPROVE, {"id": first["id"]}, as_="clerk")
    pid2 = ready_city(env, name="龙蟠路")
    apply(env, pid2)  # stays pending
    env.clock.set("2024-10-09")
    table = env.data(REPORT, {"s": "2024-09-01", "e": "2024-10-09"}, as_="supervisor")["report"]
    figures = dict(zip(table["columns"], table["rows"][0]["values"], strict=True))
    assert figures["submitted"] == "2" and figures["issued"] == "1"
    assert figures["pending"] == "1" and figures["overdue_pending"] == "1"
    table = env.data(REPORT, {"s": "2024-09-01", "e": "2024-10-08"}, as_="supervisor")["report"]
    figures = dict(zip(table["columns"], table["rows"][0]["values"], strict=True))
    assert figures["overdue_pending"] == "0"  # due on the last day: not yet overdue
    body = env.gql(REPORT, {"s": "2024-09-01", "e": "2024-10-09"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
