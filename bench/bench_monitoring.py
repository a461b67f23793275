"""Benchmark of licence monitoring (core/monitoring): a status-change fan-out to 10,000 grants.

    python bench/run.py monitoring_fanout

A throw-away SQLite database (or BENCH_DATABASE_URL) with BENCH_MONITORING_GRANTS licences
(default 10,000), each monitored by one insurer; every licence is then suspended at once, as a
registry import would, and one `monitoring.scan` finds the changes and queues the deliveries
(outbox rows, audit events, the grants' new state). `per_s` is deliveries queued per second of
wall time; `cpu_seconds` this process's CPU time. A second scan (nothing changed) is timed too
(`idle_scan_s`): the cost of the minutely job when nothing happens.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from typing import Any

GRANTS = int(os.environ.get("BENCH_MONITORING_GRANTS", "10000"))


def _build(engine: Any, now: dt.datetime) -> None:
    from sqlalchemy import insert

    from core.accounts import PartnerOrg
    from core.db import stamp
    from core.demo import add_bulk_licences
    from core.monitoring.models import MonitoringGrant, MonitoringRegistration
    from core.monitoring.rules import licence_state

    add_bulk_licences(engine, GRANTS)
    at = stamp(now)
    state = licence_state("NORMAL", 0, dt.date(2030, 1, 1), now.date()).stored()
    with engine.begin() as conn:
        conn.execute(insert(PartnerOrg.__table__).values(  # type: ignore[attr-defined]
            id="BENCHINSURER0001", name="基准保险", kind="INSURER", scopes=["licence:verify"],
            allowed_claims=["status", "valid_until", "points_below_12"], status="ACTIVE",
            created_at=at,
        ))  # fmt: skip
        conn.execute(insert(MonitoringRegistration.__table__).values(  # type: ignore[attr-defined]
            partner_org_id="BENCHINSURER0001", max_days=365, webhook_url="https://x.example/h",
            webhook_secret="whsec_" + "A" * 44, updated_at=at,
        ))  # fmt: skip
        conn.execute(
            insert(MonitoringGrant.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": f"G{i:015d}", "holder_person_id": f"P{i:015d}",
                    "licence_id": f"L{i:015d}", "partner_org_id": "BENCHINSURER0001",
                    "purpose": "bench", "partner_reference": None,
                    "events": ["SUSPENDED", "RESTORED"], "status": "ACTIVE", "last_state": state,
                    "state_seq": 0, "created_at": at, "expires_at": stamp(now + dt.timedelta(days=365)),
                    "ended_at": None,
                }
                for i in range(GRANTS)
            ],
        )  # fmt: skip


def run_fanout() -> dict[str, Any]:
    from sqlalchemy import text

    from core.clock import CHINA_TZ
    from core.db import make_engine
    from core.monitoring.service import scan
    from core.tables import create_schema

    now = dt.datetime(2024, 9, 2, 9, tzinfo=CHINA_TZ)
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/monitoring.db"
        engine = make_engine(url)
        create_schema(engine)
        _build(engine, now)
        with engine.begin() as conn:
            conn.execute(text("UPDATE driving_licences SET status = 'SEIZED'"))
        cpu, wall = time.process_time(), time.perf_counter()
        report = scan(engine, now)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        idle = time.perf_counter()
        again = scan(engine, now)
        idle = time.perf_counter() - idle
        engine.dispose()
    assert report.queued == GRANTS and again.queued == 0, (report, again)
    return {
        "grants": GRANTS,
        "queued": report.queued,
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "per_s": round(report.queued / wall),
        "idle_scan_s": round(idle, 3),
    }


BENCHMARKS = {"monitoring_fanout": run_fanout}
