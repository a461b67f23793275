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

from core.accounts import Account, Person  # noqa: E402
from core.db import create_schema, make_engine, stamp  # noqa: E402
from core.identity import make_id_number  # noqa: E402
from core.registries.licences import DrivingLicence  # noqa: E402

BATCH = 20_000


def bench_db_url(name: str, rows: int) -> str:
    path = ROOT / "bench" / f"{name}-{rows}.db"
    return f"sqlite:///{path}"


def ensure_licences(url: str, rows: int, plugins_import: list[str] | None = None) -> None:
    """Create the schema and `rows` persons + licences (ids P0000000001 / L0000000001 ...)."""
    for module in plugins_import or []:
        __import__(module)
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        have = conn.execute(text("SELECT COUNT(*) FROM driving_licences")).scalar_one()
    if have >= rows:
        engine.dispose()
        return
    now = stamp(dt.datetime.now(dt.UTC))
    birth = dt.date(1980, 1, 1)
    person_table = Person.__table__
    licence_table = DrivingLicence.__table__
    account_table = Account.__table__
    with engine.begin() as conn:
        for start in range(have, rows, BATCH):
            end = min(rows, start + BATCH)
            persons, licences, accounts = [], [], []
            for i in range(start, end):
                pid = f"P{i:015d}"
                persons.append(
                    {
                        "id": pid,
                        "id_type": "MAINLAND_ID",
                        "id_number": make_id_number(
                            "110101", birth + dt.timedelta(days=i // 1000), i % 1000
                        ),
                        "name": f"测试{i}",
                        "birth_date": birth,
                        "phone": None,
                        "domicile_city": "320100",
                        "real_name_verified": True,
                        "real_person_verified_at": now,
                        "created_at": now,
                    }
                )
                licences.append(
                    {
                        "id": f"L{i:015d}",
                        "person_id": pid,
                        "file_number": f"F{i:015d}",
                        "classes": "C1",
                        "first_issue_date": dt.date(2010, 1, 1),
                        "valid_from": dt.date(2020, 1, 1),
                        "valid_until": dt.date(2030, 1, 1),
                        "status": "NORMAL",
                        "status_changed_at": None,
                        "points": i % 12,
                        "issuing_city": "320100",
                        "issuing_office_id": None,
                        "remarks": [],
                        "updated_at": now,
                    }
                )
                if i < 1000:
                    accounts.append(
                        {
                            "id": f"A{i:015d}",
                            "kind": "CITIZEN",
                            "login": f"bench{i}",
                            "password_hash": "x",
                            "person_id": pid,
                            "roles": ["CITIZEN"],
                            "province_code": None,
                            "city_code": None,
                            "office_id": None,
                            "status": "ACTIVE",
                            "created_at": now,
                        }
                    )
            conn.execute(insert(person_table), persons)
            conn.execute(insert(licence_table), licences)
            if accounts:
                conn.execute(insert(account_table), accounts)
            print(f"   rows {end}/{rows}", file=sys.stderr, flush=True)
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
