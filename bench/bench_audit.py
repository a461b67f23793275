"""Audit log benchmarks (issue: the audit log as a transparency log).

- `audit_sequence`:
  - `per_s`: events integrated per second by the sequencer (leaf hashes, stored subtrees, a signed
    tree head per batch), on BENCH_AUDIT_EVENTS events (default 200,000) already committed to one
    log of a fresh SQLite database, in-process on one core; `per_s_pg` the same on PostgreSQL when
    one is reachable (BENCH_PG_URL, default the local `bench` database).
  - `lag_p99_s`: under the `load_mix` traffic (16 connections, BENCH_SECONDS), the time from an
    event's commit to the signed tree head that first includes it, 99th percentile, with the
    sequencer running in the server process (the embedded default).
  - `verify_per_s`: `audit-verify` throughput over the same log.

    BENCH_AUDIT_EVENTS=20000 python bench/run.py audit_sequence
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "200000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")


def _fresh(url: str):  # noqa: ANN202
    from core.db import make_engine
    from core.documents.keys import KeyRing
    from core.tables import create_schema

    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    import core.tables  # noqa: F401

    create_schema(engine)
    keys = KeyRing(engine)
    keys.ensure(dt.datetime.now(dt.UTC))
    return engine, keys


def _commit_events(engine, count: int) -> None:  # noqa: ANN001
    """`count` committed events in the national log, inserted in batches as requests would."""
    from core.audit import EventDraft
    from core.audit.entries import insert_statement

    statement = insert_statement(engine.dialect.name)
    now = dt.datetime.now(dt.UTC)
    for start in range(0, count, 5000):
        rows = [
            EventDraft(
                log_id="national", at=now, actor_account_id="ACCOUNT000000001",
                actor_kind="PARTNER", actor_role="PARTNER_INSURER", jurisdiction="ORG0000000000001",
                action="e_driving_licence.verify", measure="e_driving_licence",
                subject_person_id=f"P{i:015d}", subject_ref=f"EDrivingLicence:{i:016d}",
                outcome="OK", detail={"purpose": "理赔核验", "claims": ["status"], "result": "ACCEPTED"},
            ).row()
            for i in range(start, min(count, start + 5000))
        ]  # fmt: skip
        with engine.begin() as conn:
            conn.execute(statement, rows)


def _throughput(url: str) -> tuple[float, float]:
    from core.audit import sequence_all, verify_logs

    engine, keys = _fresh(url)
    _commit_events(engine, EVENTS)
    started = time.perf_counter()
    integrated = 0
    while True:
        done = sequence_all(engine, keys, dt.datetime.now(dt.UTC), logs=["national"])
        if not done:
            break
        integrated += sum(r.added for r in done)
    seconds = time.perf_counter() - started
    assert integrated == EVENTS, integrated
    started = time.perf_counter()
    report = verify_logs(engine, dt.datetime.now(dt.UTC))
    verify_seconds = time.perf_counter() - started
    assert report.ok, report.first_broken
    engine.dispose()
    return EVENTS / seconds, EVENTS / verify_seconds


def lag_seconds(url: str, since: dt.datetime | None = None) -> list[float]:
    """For every integrated event (committed at or after `since`): seconds from its commit time to
    the first signed tree head that includes it."""
    from sqlalchemy import select

    from core.audit.sequencer import E, H, L
    from core.db import make_engine, stamp

    engine = make_engine(url)
    lags: list[float] = []
    with engine.connect() as conn:
        heads: dict[str, list[tuple[int, dt.datetime]]] = {}
        for row in conn.execute(select(H.c.log_id, H.c.tree_size, H.c.at).order_by(H.c.tree_size)):
            heads.setdefault(row.log_id, []).append((row.tree_size, stamp(row.at)))
        rows = conn.execute(
            select(L.c.log_id, L.c.leaf_index, E.c.at).join(E, E.c.seq == L.c.event_seq)
        )
        for row in rows:
            if since is not None and stamp(row.at) < since:
                continue
            sizes = heads[row.log_id]
            first = bisect.bisect_right(
                sizes, (row.leaf_index, dt.datetime.max.replace(tzinfo=dt.UTC))
            )
            lags.append((sizes[first][1] - stamp(row.at)).total_seconds())
    engine.dispose()
    return lags


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _lag_under_load() -> dict[str, float]:
    import bench_load
    from httpbench import load, serve

    url, env = bench_load._prepare()
    with serve("bench.apps:full_app", {"BENCH_DATABASE_URL": url}) as base:
        requests = bench_load._requests(env)
        started = dt.datetime.now(dt.UTC)
        figures = load(base + "/graphql", requests, SECONDS, 16)
        time.sleep(2)  # let the last batch be integrated
    env.platform.engine.dispose()
    lags = lag_seconds(url, since=started)
    return {
        "lag_p50_s": round(_percentile(lags, 50), 3),
        "lag_p99_s": round(_percentile(lags, 99), 3),
        "lag_max_s": round(max(lags), 3),
        "lag_events": len(lags),
        "load_rps": figures["rps"],
    }


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001
        return False


def run_audit_sequence() -> dict[str, dict]:
    per_s, verify_per_s = _throughput(f"sqlite:///{HERE / 'audit-sequence.db'}")
    result: dict[str, float | int | str] = {
        "events": EVENTS,
        "per_s": round(per_s),
        "verify_per_s": round(verify_per_s),
    }
    if _pg_reachable():
        result["per_s_pg"] = round(_throughput(PG_URL)[0])
    result.update(_lag_under_load())
    result["note"] = "per_s: one log, one core, in-process; lag: load_mix at 16 connections"
    return {"audit_sequence": result}


BENCHMARKS = {"audit_sequence": run_audit_sequence}
