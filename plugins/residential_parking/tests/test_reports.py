"""M05's report through the core `report` query."""

from __future__ import annotations

from .helpers import PLUGINS, REPORT, WITHDRAW, designate


def test_report_counts_segments_and_changes(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    designate(env)
    second = designate(env, road="马道街")["segment"]["id"]
    env.clock.set("2024-10-09")
    env.data(WITHDRAW, {"id": second, "reason": "OFF_STREET_SUFFICIENT"}, as_="supervisor")
    table = env.data(REPORT, {"s": "2024-09-01", "e": "2024-09-30"}, as_="supervisor")["report"]
    figures = dict(zip(table["columns"], table["rows"][0]["values"], strict=True))
    assert figures == {
        "active_segments": "1",
        "active_bays": "20",
        "designated": "2",
        "adjusted": "0",
        "withdrawn": "0",
    }
    table = env.data(REPORT, {"s": "2024-10-01", "e": "2024-10-31"}, as_="supervisor")["report"]
    figures = dict(zip(table["columns"], table["rows"][0]["values"], strict=True))
    assert (figures["designated"], figures["withdrawn"]) == ("0", "1")
