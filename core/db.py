"""Engine creation, schema creation and the few helpers every table module shares."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from sqlalchemy import JSON, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Field, Session, SQLModel, create_engine

from core.clock import CHINA_TZ
from core.wal_checkpoint import SAFETY_NET_PAGES

__all__ = [
    "Field",
    "JSON",
    "SQLModel",
    "make_engine",
    "stamp",
    "json_field",
]


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for SQLite (embedded default) or PostgreSQL (`postgresql+psycopg://`)."""
    if url.startswith("sqlite"):
        pool: dict[str, int] = {}  # an in-memory database has its own pool (one connection)
        if url.startswith("sqlite:///") and ":memory:" not in url:
            from pathlib import Path

            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            pool = {"pool_size": 16, "max_overflow": 0}
        # the pool keeps every connection it hands out: requests waiting for a group commit hold
        # theirs (core/group_commit.py), and an overflow connection would be opened and closed
        # again for each of them (about 0.7 ms a time on SQLite); 16 = 8 request slots x 2
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            **pool,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # checkpoints run in a background thread in the server (core/wal_checkpoint.py);
            # this is the mark where a commit does one itself
            cur.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Readers begin DEFERRED (WAL: they never block anyone); writers ask for IMMEDIATE with
            # `write_session` so they take the write lock up front. Two deferred transactions that
            # read and then write would deadlock ("database is locked" at once); immediate ones
            # queue on the busy timeout instead.
            # Sent on the driver's connection, not through SQLAlchemy's execution pipeline
            # (events, result set-up): about 45 µs less on every transaction. Statement
            # listeners (tracing, core.testing.count_statements) therefore do not see BEGIN.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            try:
                conn.connection.driver_connection.execute(f"BEGIN {mode}")
            except sqlite3.Error as exc:  # as SQLAlchemy wraps it (callers catch OperationalError)
                raise DBAPIError.instance(f"BEGIN {mode}", (), exc, sqlite3.Error) from exc

        return engine
    # 16 kept (the 16 request slots each hold one, also while waiting for a group commit), 16 more
    # for a request's second connection (its ORM session), opened and closed as needed
    return create_engine(url, echo=echo, pool_size=16, max_overflow=16, pool_pre_ping=True)


def begin_write(session: Session) -> Session:
    """Start `session`'s transaction as a writer (SQLite: BEGIN IMMEDIATE; other databases: as is).

    Call it before the first statement of a transaction that will write."""
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    return session


def is_sqlite_busy(exc: BaseException) -> bool:
    """Whether `exc` is SQLite refusing a write because the lock is taken or the transaction's
    read snapshot went stale (SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT): the transaction may run again."""
    orig = getattr(exc, "orig", exc)
    name = getattr(orig, "sqlite_errorname", "") or ""
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(orig)


def is_unique_violation(exc: BaseException) -> bool:
    """Whether `exc` is a unique (or primary) key refused because another transaction took it
    (SQLite: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; PostgreSQL: SQLSTATE 23505 unique_violation):
    a check-then-insert that lost a race, which may run again and then see the other row."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == "23505":
        return True
    name = getattr(orig, "sqlite_errorname", "") or ""
    return name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


def write_session(engine: Engine, **kwargs: Any) -> Session:
    """A new session whose transaction starts as a writer (see `begin_write`)."""
    return begin_write(Session(engine, **kwargs))


def json_field(default: Any = None) -> Any:
    """A JSON column (portable between SQLite and PostgreSQL)."""
    factory = (lambda: type(default)()) if isinstance(default, (list, dict)) else None
    if factory:
        return Field(default_factory=factory, sa_type=JSON)
    return Field(default=default, sa_type=JSON)


def stamp(clock_now: dt.datetime) -> dt.datetime:
    """How timestamps are stored: timezone-aware UTC (sqlmodel refuses naive values). A naive value
    is taken as Beijing time."""
    if clock_now.tzinfo is None:
        clock_now = clock_now.replace(tzinfo=CHINA_TZ)
    return clock_now.astimezone(dt.UTC)
