"""A prebuilt Core SELECT that runs on the database driver when SQLAlchemy has nothing to add.

SQLAlchemy's execution pipeline (cache look-up, execution context, events, result set-up) costs
about 30 µs per statement on SQLite, several times what SQLite takes for a primary-key look-up.
For the one statement every authenticated request runs (the account-status check,
core/auth/principals.py) `DirectSelect.first` sends the statement, compiled once per dialect,
straight to the driver's connection, when that gives the same answer:

- no column of the result and no parameter needs a type conversion on this dialect (plain text
  and integers; a date on SQLite does, so such a statement always goes through SQLAlchemy);
- no listener watches statements on the connection (OpenTelemetry's SQL spans,
  `core.testing.count_statements`): then it goes through SQLAlchemy, so that they see it.

Transactions are unchanged: on SQLite (the connection in autocommit until a BEGIN) the read runs
on its own; on PostgreSQL psycopg opens the connection's transaction as it would for SQLAlchemy,
and SQLAlchemy's commit or rollback ends it.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select


class DirectSelect:
    """`statement` (a Core SELECT with `bindparam`s), run by `first`."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        names = [column.key for column in statement.selected_columns]
        self._row = namedtuple("Row", names, rename=True)  # type: ignore[misc]
        # per dialect: (SQL text, parameter names in order or None for named style), or None
        # when the statement needs SQLAlchemy's type conversions there
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None] | None] = {}

    def first(self, conn: Connection, **params: Any) -> Any:
        """The first row (a named tuple: `row.status`, `row[0]`) or None."""
        dialect = conn.dialect
        try:
            plan = self._compiled[dialect.name]
        except KeyError:
            plan = self._compiled[dialect.name] = self._compile(dialect)
        if plan is None or conn.dispatch.before_cursor_execute:
            return conn.execute(self.statement, params).first()
        sql, positions = plan
        args = params if positions is None else tuple(params[name] for name in positions)
        row = conn.connection.driver_connection.execute(sql, args).fetchone()
        return None if row is None else self._row._make(row)

    def _compile(self, dialect: Any) -> tuple[str, tuple[str, ...] | None] | None:
        for column in self.statement.selected_columns:
            if column.type._cached_result_processor(dialect, None) is not None:
                return None
        compiled = self.statement.compile(dialect=dialect)
        for bind in compiled.binds.values():
            if bind.type._cached_bind_processor(dialect) is not None:
                return None
        positions = compiled.positiontup
        return str(compiled), None if positions is None else tuple(positions)
