"""One proxy = one business, even when the relative's requests race (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

from sqlmodel import func, select
from starlette.testclient import TestClient

from core.http import create_app
from core.registries.applications import Application
from plugins.elderly_proxy.models import ElderProxyAuthorisation
from plugins.elderly_proxy.tests.helpers import (
    CALL,
    HANDLE,
    ISSUE,
    PLUGINS,
    applied,
    make_elder,
    review,
)

THREADS = 4


def _race(env, calls: list[tuple[str, str, dict]]) -> list[dict]:
    """Run (account ref, query, variables) calls released together, one client per thread."""
    tokens = [env.token(who) for who, _, _ in calls]
    barrier = threading.Barrier(len(calls))
    results: list[dict] = [{} for _ in calls]

    def worker(i: int) -> None:
        client = TestClient(create_app(env.platform), raise_server_exceptions=False)
        _, query, variables = calls[i]
        barrier.wait()
        response = client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {tokens[i]}"},
        )
        results[i] = {"status": response.status_code, "body": response.json()}

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


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
    results = _race(env, [("zhang_account", HANDLE, variables)] * THREADS)
    assert all(r["status"] == 200 for r in results)
    payloads = [r["body"]["data"]["elderProxyHandle"] for r in results]
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
    results = _race(env, [("clerk", CALL, {})] * 2)
    tickets = [r["body"]["data"]["elderQueueCallNext"]["ticket"]["id"] for r in results]
    assert len(set(tickets)) == 2
