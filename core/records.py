"""Loading one record by the id a client sent."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from core.errors import NotFound
from core.ids import lookup_id

T = TypeVar("T")


def get_or_not_found(
    session: Session, model: type[T], record_id: object, what: str, field: str | None = None
) -> T:
    """The row of `model` whose primary key is the client-sent `record_id`, or NOT_FOUND
    (`NotFound(what, field)`: "<what> not found."). The id is read with `core.ids.lookup_id`, so
    text that cannot be an id names no row. Checks of ownership, jurisdiction or rollout stay
    with the caller."""
    row = session.get(model, lookup_id(record_id))
    if row is None:
        raise NotFound(what, field)
    return row
