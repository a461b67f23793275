"""Custom scalars shared by the core and the plugins, registered in the schema's `scalar_map`
(core/graphql/compose.py)."""

from __future__ import annotations

from typing import NewType

import strawberry

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


SCALAR_MAP = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description="An integer beyond GraphQL's 32-bit Int (counters, tree sizes), within "
        "±(2^53-1) so that JSON clients read it exactly; serialised as a JSON number.",
        serialize=int,
        parse_value=_parse_big_int,
    )
}
