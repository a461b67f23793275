"""Bench databases: N persons with one licence each, written with bulk inserts.

The database is built once per (path, rows) and reused by later runs (delete the file to rebuild).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from core.accounts import Account  # noqa: E402
from core.db import make_engine, stamp  # noqa: E402
from core.demo import add_bulk_licences  # noqa: E402
from core.tables import create_schema  # noqa: E402


def bench_db_url(name: str, rows: int) -> str:
    path = ROOT / "bench" / f"{name}-{rows}.db"
    return f"sqlite:///{path}"


def ensure_licences(url: str, rows: int, plugins_import: list[str] | None = None) -> None:
    """Create the schema, `rows` persons + licences (core.demo.add_bulk_licences: ids
    P000000000000001 / L000000000000001 ...) and citizen accounts for the first 1,000 of them."""
    for module in plugins_import or []:
        __import__(module)
    engine = make_engine(url)
    create_schema(engine)
    add_bulk_licences(
        engine,
        rows,
        progress=lambda done, total: print(f"   rows {done}/{total}", file=sys.stderr, flush=True),
    )
    accounts = Account.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        have = conn.execute(
            text("SELECT COUNT(*) FROM accounts WHERE login LIKE 'bench%'")
        ).scalar_one()
        if have < min(rows, 1000):
            now = stamp(dt.datetime.now(dt.UTC))
            conn.execute(
                insert(accounts),
                [
                    {
                        "id": f"A{i:015d}",
                        "kind": "CITIZEN",
                        "login": f"bench{i}",
                        "password_hash": "x",
                        "person_id": person_id(i),
                        "roles": ["CITIZEN"],
                        "province_code": None,
                        "city_code": None,
                        "office_id": None,
                        "status": "ACTIVE",
                        "created_at": now,
                    }
                    for i in range(have, min(rows, 1000))
                ],
            )
    engine.dispose()


def person_id(i: int) -> str:
    return f"P{i:015d}"


def licence_id(i: int) -> str:
    return f"L{i:015d}"


if __name__ == "__main__":
    ensure_licences(
        bench_db_url("licences", int(os.environ.get("ROWS", "100000"))),
        int(os.environ.get("ROWS", "100000")),
    )
