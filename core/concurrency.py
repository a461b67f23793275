"""Helpers for one-shot grants that concurrent requests must not both use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session


def consume_once(
    session: Session, model: Any, row_id: Any, column: str, value: Any, **expected: Any
) -> bool:
    """Atomically set `column` to `value` on one row where it is still NULL (and `expected` holds).

    Returns False when another transaction got there first. A single conditional UPDATE, so it is
    safe under PostgreSQL's READ COMMITTED and SQLite's single writer alike.
    """
    table = model.__table__
    conditions = [table.c.id == row_id, table.c[column].is_(None)]
    conditions += [table.c[k] == v for k, v in expected.items()]
    result = session.execute(update(table).where(*conditions).values({column: value}))
    return result.rowcount == 1  # type: ignore[attr-defined]
