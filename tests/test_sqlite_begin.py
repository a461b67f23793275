"""SQLite transactions begin on the driver (core/db.py): a refused BEGIN still surfaces as
SQLAlchemy's OperationalError, which the write path's retry (Context.mutate) recognises."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from core.db import is_sqlite_busy, make_engine


def test_a_busy_begin_immediate_is_sqlalchemy_s_operational_error(tmp_path):
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        with engine.connect() as conn:
            conn.connection.driver_connection.execute("PRAGMA busy_timeout = 50")
            writer = conn.execution_options(sqlite_begin="IMMEDIATE")
            with pytest.raises(OperationalError) as refused, writer.begin():
                pass
            assert is_sqlite_busy(refused.value)
        with engine.connect() as reader, reader.begin():  # DEFERRED: not blocked by the writer
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
