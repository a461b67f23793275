"""Issue 2 benchmarks, measured in one run: ceiling, bare_read, graphql_read (ratio to bare)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from data import bench_db_url, ensure_licences, licence_id, person_id  # noqa: E402
from httpbench import best_of, load, serve  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = 32
CALLERS = 200

QUERY = "query($id: ID!) { exampleLicenceStatus(licenceId: $id) { status validUntil } }"


def _tokens(url: str) -> list[tuple[str, str]]:
    """Mint access tokens for CALLERS bench citizens (accounts A...0 .. A...199)."""
    from apps import example_plugin

    from core.accounts import Account
    from core.actor import ANONYMOUS
    from core.api.mutations import issue_user_token
    from core.context import Context
    from core.platform import build_platform
    from core.settings import Settings

    platform = build_platform(
        Settings(database_url=url, plugins=()), extra_plugins=[example_plugin()]
    )
    ctx = Context(platform, ANONYMOUS)
    out = []
    for i in range(CALLERS):
        account = Account(
            id=f"A{i:015d}",
            kind="CITIZEN",
            login=f"bench{i}",
            password_hash="x",
            person_id=person_id(i),
            roles=["CITIZEN"],
            created_at=platform.clock.now(),
        )
        out.append((issue_user_token(ctx, account)[0], licence_id(i)))
    platform.engine.dispose()
    return out


def run_core() -> dict[str, dict]:
    url = bench_db_url("licences", ROWS)
    ensure_licences(url, ROWS)
    env = {"BENCH_DATABASE_URL": url}
    tokens = _tokens(url)
    requests = [
        (
            orjson.dumps({"query": QUERY, "variables": {"id": lid}}),
            {"Authorization": f"Bearer {tok}", "Content-Type": "application/json"},
        )
        for tok, lid in tokens
    ]
    results: dict[str, dict] = {}

    import httpx

    with serve("bench.apps:ceiling_app", env) as base:
        results["ceiling"] = best_of(
            ROUNDS, lambda: load(base + "/ceiling", requests, SECONDS, CONNECTIONS)
        )
    with serve("bench.apps:bare_read_app", env) as base:
        check = httpx.post(base + "/bare", content=requests[0][0], headers=requests[0][1]).json()
        assert check["data"]["exampleLicenceStatus"]["status"] == "NORMAL", check
        results["bare_read"] = best_of(
            ROUNDS, lambda: load(base + "/bare", requests, SECONDS, CONNECTIONS)
        )
    with serve("bench.apps:graphql_read_app", env) as base:
        check = httpx.post(base + "/graphql", content=requests[0][0], headers=requests[0][1]).json()
        assert check["data"]["exampleLicenceStatus"]["status"] == "NORMAL", check
        results["graphql_read"] = best_of(
            ROUNDS, lambda: load(base + "/graphql", requests, SECONDS, CONNECTIONS)
        )
    for name in ("bare_read", "graphql_read"):
        results[name]["rows"] = ROWS
    results["graphql_read"]["ratio_to_bare"] = round(
        results["graphql_read"]["rps"] / results["bare_read"]["rps"], 3
    )
    results["ceiling"]["ratio_to_bare"] = round(
        results["ceiling"]["rps"] / results["bare_read"]["rps"], 3
    )
    return results


BENCHMARKS = {"ceiling": run_core, "bare_read": run_core, "graphql_read": run_core}
