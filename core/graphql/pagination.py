"""Paginated lists with a capped page size (`first` above the cap is refused, not trimmed).

Two kinds of cursor, both opaque to clients (Relay cursor connections): `paginate`'s stands for
an offset (`o:N`), `paginate_by_key`'s for the last key seen (`k:N`, keyset pagination), for a
list newest first that grows while it is read, such as a citizen's audit trail: an offset would
shift by the entries added meanwhile and repeat them on the next page."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import func
from sqlmodel import select

from core.errors import Code, RuleError
from core.graphql.types import PageInfo

T = TypeVar("T")


@strawberry.type(description="A page of results.")
class Connection(Generic[T]):
    nodes: list[T]
    page_info: PageInfo
    total_count: int


MAX_OFFSET = 2**31 - 1  # beyond any list; a larger offset is no cursor this server gave


def _decode(after: str | None) -> int:
    """The offset an `endCursor` stands for. Only a cursor as `_encode` writes it is accepted (no
    padding changes, no stray characters, an offset within MAX_OFFSET); else INVALID_INPUT on
    `after`."""
    if not after:
        return 0
    try:
        kind, value = base64.urlsafe_b64decode(after.encode()).decode().split(":")
        offset = int(value)
        if kind != "o" or not 0 <= offset <= MAX_OFFSET or _encode(offset) != after:
            raise ValueError
        return offset
    except Exception:  # noqa: BLE001
        raise RuleError(Code.INVALID_INPUT, "Malformed cursor.", field="after") from None


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


MAX_KEY = 2**63 - 1  # a BIGINT key


def _decode_key(after: str) -> int:
    """The key a `paginate_by_key` cursor stands for; only one as `_encode_key` writes it (else
    INVALID_INPUT on `after`, as `_decode`)."""
    try:
        kind, value = base64.urlsafe_b64decode(after.encode()).decode().split(":")
        key = int(value)
        if kind != "k" or not 0 <= key <= MAX_KEY or _encode_key(key) != after:
            raise ValueError
        return key
    except Exception:  # noqa: BLE001
        raise RuleError(Code.INVALID_INPUT, "Malformed cursor.", field="after") from None


def _encode_key(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def _check_first(ctx: Any, first: int) -> None:
    cap = ctx.platform.settings.max_page_size
    if first < 1 or first > cap:
        raise RuleError(Code.INVALID_INPUT, f"`first` must be between 1 and {cap}.", field="first")


def paginate_by_key(
    ctx: Any,
    statement: Any,
    key: Any,
    first: int,
    after: str | None,
    convert: Callable[[Any], T],
) -> Connection[T]:
    """One page of `statement` (an unordered select) newest first by `key`, a unique integer
    column that grows with every new row (e.g. an audit event's seq). The cursor is the last key
    of the page, so rows added meanwhile never shift or repeat later pages. `first` must be
    1..max_page_size; a cursor this function did not write is INVALID_INPUT on `after`."""
    _check_first(ctx, first)
    session = ctx.session
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    page = statement.order_by(key.desc())
    if after:
        page = page.where(key < _decode_key(after))
    rows = session.exec(page.limit(first + 1)).all()
    has_next = len(rows) > first
    rows = rows[:first]
    end = _encode_key(getattr(rows[-1], key.key)) if rows else None
    return Connection(
        nodes=[convert(r) for r in rows],
        page_info=PageInfo(has_next_page=has_next, end_cursor=end),
        total_count=int(total),
    )


def paginate(
    ctx: Any, statement: Any, first: int, after: str | None, convert: Callable[[Any], T]
) -> Connection[T]:
    """Run `statement` (an ordered select) for one page; `first` must be 1..max_page_size."""
    _check_first(ctx, first)
    offset = _decode(after)
    session = ctx.session
    total = session.exec(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).one()
    rows = session.exec(statement.offset(offset).limit(first + 1)).all()
    has_next = len(rows) > first
    rows = rows[:first]
    return Connection(
        nodes=[convert(r) for r in rows],
        page_info=PageInfo(
            has_next_page=has_next, end_cursor=_encode(offset + len(rows)) if rows else None
        ),
        total_count=int(total),
    )
