"""M06's activity report through the core `report` query."""

from __future__ import annotations

import datetime as dt

from .helpers import ISSUE, PLUGINS, REPORT, applied, handle, make_elder, review


def test_report_counts_applications_and_green_channel(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, dt.date(1950, 1, 1))
    app = applied(env, elder)
    review(env, app["id"])
    assert handle(env, app["id"], vehicleId=elder["car"])["errors"] == []
    env.data(ISSUE, {"input": {}}, as_="clerk")
    person = elder["person"]
    env.data(
        ISSUE,
        {"input": {"holderIdType": person.id_type, "holderIdNumber": person.id_number}},
        as_="clerk",
    )
    table = env.data(REPORT, as_="supervisor")["report"]
    cols = table["columns"]
    rows = {r["label"].split()[0]: dict(zip(cols, r["values"], strict=True)) for r in table["rows"]}
    assert rows["REPLACE_PLATES"]["applied"] == "1" and rows["REPLACE_PLATES"]["handled"] == "1"
    assert rows["QUEUE"]["tickets"] == "2" and rows["QUEUE"]["green_channel"] == "1"
