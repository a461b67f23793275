"""A citizen's own record, loaded by the id the client sent: another person's record answers
NOT_FOUND like a missing one, so ids cannot be probed (docs/plugins.md, rule 3)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session

from core.context import Context
from core.errors import NotFound
from core.ids import lookup_id

T = TypeVar("T")


def load_own(
    ctx: Context, session: Session, model: type[T], raw_id: str, owner: str, what: str, field: str
) -> T:
    """The row of `model` with id `raw_id` whose `owner` column (e.g. "person_id",
    "owner_person_id") is the caller's person. Raises UNAUTHENTICATED without a personal
    account, NotFound(`what`, `field`) when there is no such row or it is someone else's."""
    person_id = ctx.require_person()
    row: Any = session.get(model, lookup_id(raw_id))
    if row is None or getattr(row, owner) != person_id:
        raise NotFound(what, field)
    return row  # type: ignore[no-any-return]
