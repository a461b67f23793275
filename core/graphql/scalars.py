"""Custom scalars shared by the core and the plugins, registered in the schema's `scalar_map`
(core/graphql/compose.py)."""

from __future__ import annotations

import datetime as dt
from typing import NewType

import dateutil.parser
import strawberry
from strawberry.schema.types.base_scalars import wrap_parser

MAX_SAFE = (1 << 53) - 1  # integers a JSON / JavaScript client reads exactly

BigInt = NewType("BigInt", int)


def _parse_big_int(value: object) -> int:
    """A JSON integer within ±(2^53-1). Strings are refused: `int()` would also read " 12",
    "1_2" and full-width "１２", none of which a client means as a number."""
    if isinstance(value, float) and value.is_integer() and abs(value) > MAX_SAFE:
        # a JSON integer too long for a 64-bit integer reaches us as a float (1e+30)
        raise ValueError("BigInt is limited to ±(2^53 - 1)")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("BigInt takes an integer")
    number = value
    if not -MAX_SAFE <= number <= MAX_SAFE:
        raise ValueError("BigInt is limited to ±(2^53 - 1)")
    return number


def _parse_date_time(value: str) -> dt.datetime:
    """An ISO 8601 date-time (as strawberry reads it) that any time-zone conversion keeps within
    Python's years 1 to 9999: years 2 to 9998 only. Else a coercion error (BAD_USER_INPUT)
    instead of an OverflowError from the first `astimezone` a resolver does (9999-12-31T23:59
    +00:00 in China time, 0001-01-01T00:00+05:00 in UTC). A measure's own rule then narrows it
    (e.g. M18: 2000 to 2100)."""
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):  # dateutil's own words name its internals ("int()")
        raise ValueError(
            "DateTime takes an ISO 8601 date and time, e.g. 2024-09-02T08:30:00+08:00."
        ) from None
    if not 2 <= parsed.year <= 9998:
        raise ValueError("DateTime takes years 0002 to 9998.")
    return parsed


SCALAR_MAP = {
    # strawberry's own DateTime (same name and description), with the range check above
    dt.datetime: strawberry.scalar(
        name="DateTime",
        description="Date with time (isoformat)",
        serialize=dt.datetime.isoformat,
        parse_value=wrap_parser(_parse_date_time, "DateTime"),
    ),
    BigInt: strawberry.scalar(
        name="BigInt",
        description="An integer beyond GraphQL's 32-bit Int (counters, tree sizes), within "
        "±(2^53-1) so that JSON clients read it exactly; serialised as a JSON number.",
        serialize=int,
        parse_value=_parse_big_int,
    ),
}
