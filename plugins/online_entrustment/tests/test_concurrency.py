"""Two clerks using one entrustment at the same instant: exactly one succeeds (SQLite and PostgreSQL)."""

from __future__ import annotations

from core.testing_race import race

from ..models import EntrustmentGrant
from .helpers import PLUGINS, REVOKE, USE, created, use_input

THREADS = 4


def test_concurrent_uses_only_one_succeeds(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    results = race(env, [("clerk", USE, {"input": use_input(env, grant["id"])})] * THREADS)
    assert len(results) == THREADS
    payloads = [r["data"]["entrustmentUse"] for r in results]
    ok = [p for p in payloads if not p["errors"]]
    refused = [p["errors"][0]["code"] for p in payloads if p["errors"]]
    assert len(ok) == 1
    assert refused == ["ENTRUSTMENT_ALREADY_USED"] * (THREADS - 1)
    with env.session() as s:
        assert s.get(EntrustmentGrant, grant["id"]).used_at is not None


def test_revoke_racing_use_never_both(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    use, revoke = race(
        env,
        [
            ("clerk", USE, {"input": use_input(env, grant["id"])}),
            ("zhang_account", REVOKE, {"id": grant["id"]}),
        ],
    )
    used_ok = not use["data"]["entrustmentUse"]["errors"]
    revoked_ok = not revoke["data"]["entrustmentRevoke"]["errors"]
    assert used_ok != revoked_ok  # exactly one of the two wins
    with env.session() as s:
        row = s.get(EntrustmentGrant, grant["id"])
        assert (row.used_at is None) != (row.revoked_at is None)
