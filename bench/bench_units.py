"""Benchmark of M20's clean-up of legacy unit accounts (八-一) at 100,000 accounts.

    python bench/run.py unit_cleanup

Builds a throw-away database (SQLite in a temp dir, or BENCH_DATABASE_URL) with 100,000 legacy
unit accounts over 15,000 units and 60,000 persons, crafted so that every rule fires (duplicate
identities, units over 10 accounts, persons in more than 3 units, legal-person accounts), then
times one full run in DISABLE mode (2024-07-02): load plain rows, plan in memory, batched
UPDATEs of legacy rows, one INSERT ... SELECT of the converted UnitMember rows, commit.
`seconds` is wall time (on a shared machine it includes waiting for a CPU); `cpu_seconds` is
this process's CPU time (with SQLite, the database work too).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from typing import Any

ACCOUNTS = 100_000
UNITS = 15_000
PERSONS = 60_000


def _build(engine: Any, now: dt.datetime) -> None:
    from sqlalchemy import insert
    from sqlmodel import Session

    from core.accounts import Person, Unit
    from core.identity import make_credit_code, make_id_number
    from plugins.unit_accounts.models import LegacyUnitAccount, UnitFile

    rnd = random.Random(20240701)
    birth = dt.date(1980, 1, 1)
    persons = [
        {
            "id": f"BP{i:014d}",
            "id_type": "MAINLAND_ID",
            "id_number": make_id_number(
                f"{320100 + (i // 1000) % 90:06d}", birth + dt.timedelta(days=i % 9000), i % 1000
            ),
            "name": f"P{i}",
            "real_name_verified": True,
            "created_at": now,
        }
        for i in range(PERSONS)
    ]
    seen: set[str] = set()
    persons = [p for p in persons if not (p["id_number"] in seen or seen.add(p["id_number"]))]
    units = [
        {
            "id": f"BU{i:014d}",
            "credit_code": make_credit_code(i + 1),
            "name": f"U{i}",
            "city_code": ("320100", "320500", "310100", "110100")[i % 4],
            "created_at": now,
        }
        for i in range(UNITS)
    ]
    person_ids = [p["id"] for p in persons]
    busy = person_ids[:2_000]  # people registered in many units
    rows = []
    base = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    for i in range(ACCOUNTS):
        # most units small, one in five accounts in a few large units (many over 10 accounts)
        pick = int(rnd.paretovariate(1.1) * 40) % UNITS if i % 5 == 0 else rnd.randrange(UNITS)
        unit = units[pick]["id"]
        person = rnd.choice(busy) if i % 7 == 0 else rnd.choice(person_ids)
        rows.append(
            {
                "id": f"BL{i:014d}",
                "unit_id": unit,
                "person_id": person,
                "legacy_role": "SUB",
                "registered_at": base + dt.timedelta(minutes=rnd.randrange(4_000_000)),
                "status": "PENDING",
            }
        )
    files = [
        {"unit_id": units[i]["id"], "legal_person_id": busy[i % len(busy)], "recorded_at": now}
        for i in range(0, UNITS, 3)
    ]
    with Session(engine) as s:
        for table, data in (
            (Person.__table__, persons),
            (Unit.__table__, units),
            (UnitFile.__table__, files),
            (LegacyUnitAccount.__table__, rows),
        ):
            for start in range(0, len(data), 10_000):
                s.execute(insert(table), data[start : start + 10_000])
        s.commit()


def unit_cleanup() -> dict[str, Any]:
    import core.platform  # noqa: F401 - registers every core table
    import plugins.unit_accounts  # noqa: F401
    from core.db import make_engine
    from core.settings import normalise_database_url
    from core.tables import create_schema, drop_schema
    from plugins.unit_accounts.cleanup import run_cleanup

    now = dt.datetime(2024, 7, 2, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    tmp = None
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        url = normalise_database_url(url)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench-units-")
        url = f"sqlite:///{tmp.name}/bench.db"
    engine = make_engine(url)
    try:
        drop_schema(engine)
        create_schema(engine)
        _build(engine, now)
        from sqlmodel import Session

        started, cpu_started = time.perf_counter(), time.process_time()
        with Session(engine) as session:
            run = run_cleanup(session, now, lambda city: True)
            figures = dict(run.figures)
            session.commit()
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    finally:
        engine.dispose()
        if tmp:
            tmp.cleanup()
    return {
        "accounts": figures["accounts"],
        "seconds": round(seconds, 3),
        "per_s": round(figures["accounts"] / seconds),
        "cpu_seconds": round(cpu_seconds, 3),  # this process only (SQLite runs in it)
        "rows": figures["converted"],
        "database": url.split(":")[0],
        "removed": {k: v for k, v in figures.items() if k.isupper()},
    }


BENCHMARKS = {"unit_cleanup": unit_cleanup}
