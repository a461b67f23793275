"""One proxy = one business, even when the relative's requests race (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import func, select

from core.registries.applications import Application
from core.testing_race import race

from ..models import ElderProxyAuthorisation
from .helpers import (
    CALL,
    HANDLE,
    ISSUE,
    PLUGINS,
    applied,
    make_elder,
    review,
)

THREADS = 4


def test_concurrent_handling_only_one_succeeds(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, dt.date(1950, 5, 5))
    app = applied(env, elder)
    review(env, app["id"])
    variables = {
        "input": {
            "applicationId": app["id"],
            "business": "REPLACE_PLATES",
            "vehicleId": elder["car"],
        }
    }
    results = race(env, [("zhang_account", HANDLE, variables)] * THREADS)
    payloads = [r["data"]["elderProxyHandle"] for r in results]
    assert sum(1 for p in payloads if not p["errors"]) == 1
    assert sorted(p["errors"][0]["code"] for p in payloads if p["errors"]) == (
        ["ELDER_PROXY_ALREADY_USED"] * (THREADS - 1)
    )
    with env.session() as s:
        handled = s.exec(
            select(func.count()).select_from(Application).where(Application.channel == "PROXY")
        ).one()
        assert handled == 1
        assert s.get(ElderProxyAuthorisation, app["id"]).used_at is not None


def test_two_clerks_never_call_the_same_ticket(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    for _ in range(2):
        env.data(ISSUE, {"input": {}}, as_="clerk")
    results = race(env, [("clerk", CALL, {})] * 2)
    tickets = [r["data"]["elderQueueCallNext"]["ticket"]["id"] for r in results]
    assert len(set(tickets)) == 2
