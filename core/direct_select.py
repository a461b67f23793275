"""A prebuilt Core SELECT that runs on the database driver when SQLAlchemy has nothing to add.

SQLAlchemy's execution pipeline (cache look-up, execution context, events, result set-up) costs
about 30 µs per statement on SQLite, several times what SQLite takes for a primary-key look-up.
For the statements of the hot paths (the account-status check of every authenticated request,
core/auth/principals.py, and `Context.fetch_one`) `DirectSelect.first` sends the statement,
compiled once per dialect, straight to the driver's connection, when that gives the same answer:

- on SQLite, always: the type conversions SQLAlchemy would apply (a date stored as text, a
  timestamp given its zone) are applied here, the same functions in the same way (pysqlite
  reports no column types, so SQLAlchemy picks them from the statement alone, as this does);
- on other databases, when no column and no parameter needs a conversion (plain text and
  integers: psycopg converts dates itself);
- and never while a listener watches statements on the connection (OpenTelemetry's SQL spans,
  `core.testing.count_statements`): then it goes through SQLAlchemy, so that they see it.

Transactions: the read joins the connection's transaction when one is open. When none is, on
SQLite (in autocommit until a BEGIN) the read runs on its own, where SQLAlchemy would have opened
a read transaction for it: two such reads of one request may see two moments (each is a
single-row look-up that needs no snapshot shared with the other); on PostgreSQL psycopg opens the
transaction as it would under SQLAlchemy, and SQLAlchemy's commit or rollback ends it.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select


class DirectSelect:
    """`statement` (a Core SELECT with `bindparam`s), run by `first`."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        names = [column.key for column in statement.selected_columns]
        self._row = namedtuple("Row", names, rename=True)  # type: ignore[misc]
        self._plans: dict[str, _Plan | None] = {}  # per dialect; None: through SQLAlchemy

    def first(self, conn: Connection, **params: Any) -> Any:
        """The first row (a named tuple: `row.status`, `row[0]`) or None."""
        dialect = conn.dialect
        try:
            plan = self._plans[dialect.name]
        except KeyError:
            plan = self._plans[dialect.name] = _Plan.of(self.statement, dialect)
        if plan is None or conn.dispatch.before_cursor_execute:
            return conn.execute(self.statement, params).first()
        cursor = conn.connection.driver_connection.execute(plan.sql, plan.arguments(params))
        row = cursor.fetchone()
        cursor.close()  # ends the statement at once (SQLite: no read left open in autocommit)
        if row is None:
            return None
        if plan.results:
            row = [
                value if f is None else f(value) for f, value in zip(plan.results, row, strict=True)
            ]
        return self._row._make(row)


@dataclass(frozen=True)
class _Plan:
    """A statement compiled for one dialect: its SQL, its parameters (names in order, or None
    for a named style) with their conversions and the values of those written into the
    statement (`column == "X"`), and its columns' conversions (empty: none)."""

    sql: str
    positions: tuple[str, ...] | None
    binds: dict[str, Callable[[Any], Any]]
    fixed: dict[str, Any]
    results: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: Select[Any], dialect: Any) -> _Plan | None:
        results = tuple(
            column.type._cached_result_processor(dialect, None)
            for column in statement.selected_columns
        )
        compiled = statement.compile(dialect=dialect)
        if any(bind.expanding or bind.callable for bind in compiled.binds.values()):
            return None  # IN lists and late-bound values: SQLAlchemy renders them per call
        binds = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type._cached_bind_processor(dialect)) is not None
        }
        if dialect.name != "sqlite" and (binds or any(results)):
            return None  # the driver's own conversions may differ: leave it to SQLAlchemy
        positions = compiled.positiontup
        return cls(
            str(compiled),
            None if positions is None else tuple(positions),
            binds,
            {name: bind.value for name, bind in compiled.binds.items() if not bind.required},
            results if any(results) else (),
        )

    def arguments(self, params: dict[str, Any]) -> Any:
        if self.fixed:
            params = {**self.fixed, **params}
        if self.binds:
            params = {
                name: value if (f := self.binds.get(name)) is None else f(value)
                for name, value in params.items()
            }
        if self.positions is None:
            return params
        return tuple(params[name] for name in self.positions)
