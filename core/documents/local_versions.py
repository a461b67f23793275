"""A city's own electronic version of a document (本地发放的其他电子版本): registered only where the
unified credential is not in force (M01 2021-一-五-3, M13 2024-一-五-2). `LocalVersion` holds the
columns of a measure's table of them, `register_local_version` the registration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from sqlmodel import Field, SQLModel

from core.db import stamp
from core.ids import new_id
from core.validation import require_text

if TYPE_CHECKING:  # a table module imports this one: no request machinery at import time
    from core.context import Context, WriteScope


class LocalVersion(SQLModel):
    """The columns of a measure's local-version table (`class EdlLocalVersion(LocalVersion,
    table=True)` with its own `__tablename__`)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    name: str = Field(max_length=100)
    registered_by: str | None = Field(default=None, max_length=40)
    registered_at: dt.datetime


V = TypeVar("V", bound=LocalVersion)


def register_local_version(
    ctx: Context,
    scope: WriteScope,
    measure: str,
    city: str,
    name: str,
    table: type[V],
    refuse: Callable[[bool, str, dt.date], None],
) -> V:
    """Register / accept a local electronic version of the document in `city` (clerks: their
    own city), unless the unified credential of `measure` is in force there: `refuse(in_force,
    city_code, day)` raises the measure's refusal (its rule). Audited as `<Table>:<id>`.
    Raises INVALID_INPUT / TOO_LONG (name), UNKNOWN_CITY, OUT_OF_JURISDICTION."""
    from core.divisions import city as lookup_city

    label = require_text("name", name, 100)
    place = lookup_city(city, "city").code
    if ctx.actor.is_staff:
        ctx.require_jurisdiction(place, field="city")
    decision = ctx.decision(measure, place)
    refuse(decision.in_force, place, decision.day)
    row = table(
        city_code=place,
        name=label,
        registered_by=ctx.actor.account_id,
        registered_at=stamp(ctx.now()),
    )
    scope.session.add(row)
    scope.subject(None, f"{table.__name__}:{row.id}")
    return row
