"""Two clerks using one entrustment at the same instant: exactly one succeeds (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from starlette.testclient import TestClient

from core.http import create_app

from ..models import EntrustmentGrant
from .helpers import PLUGINS, USE, created, use_input

THREADS = 4


def _race(env, grant_id: str, make_doc) -> list[dict]:
    """Post `make_doc()` from THREADS threads released together; each thread its own client."""
    token = env.token("clerk")
    barrier = threading.Barrier(THREADS)
    results: list[dict] = []
    lock = threading.Lock()

    def worker() -> None:
        client = TestClient(create_app(env.platform), raise_server_exceptions=False)
        query, variables = make_doc()
        barrier.wait()
        response = client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        )
        with lock:
            results.append({"status": response.status_code, "body": response.json()})

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_uses_only_one_succeeds(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    results = _race(env, grant["id"], lambda: (USE, {"input": use_input(env, grant["id"])}))
    assert len(results) == THREADS and all(r["status"] == 200 for r in results)
    payloads = [r["body"]["data"]["entrustmentUse"] for r in results]
    ok = [p for p in payloads if not p["errors"]]
    refused = [p["errors"][0]["code"] for p in payloads if p["errors"]]
    assert len(ok) == 1
    assert refused == ["ENTRUSTMENT_ALREADY_USED"] * (THREADS - 1)
    with env.session() as s:
        assert s.get(EntrustmentGrant, grant["id"]).used_at is not None


def test_revoke_racing_use_never_both(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    clerk_token, owner_token = env.token("clerk"), env.token("zhang_account")
    from .helpers import REVOKE

    barrier = threading.Barrier(2)
    outcomes: dict[str, dict] = {}

    def call(name: str, token: str, query: str, variables: dict) -> None:
        client = TestClient(create_app(env.platform), raise_server_exceptions=False)
        barrier.wait()
        response = client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        )
        outcomes[name] = response.json()["data"]

    threads = [
        threading.Thread(
            target=call, args=("use", clerk_token, USE, {"input": use_input(env, grant["id"])})
        ),
        threading.Thread(target=call, args=("revoke", owner_token, REVOKE, {"id": grant["id"]})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    used_ok = not outcomes["use"]["entrustmentUse"]["errors"]
    revoked_ok = not outcomes["revoke"]["entrustmentRevoke"]["errors"]
    assert used_ok != revoked_ok  # exactly one of the two wins
    with env.session() as s:
        row = s.get(EntrustmentGrant, grant["id"])
        assert (row.used_at is None) != (row.revoked_at is None)
