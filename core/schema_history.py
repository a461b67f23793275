"""The contract cannot break silently: the composed schema against the last released one.

`schema/released.graphql` is the SDL of the last release (copied from `schema.graphql` when a
version is released, as saleor checks its schema on every change). graphql-core's
`find_breaking_changes` lists what a client of that release could see break (a field, type,
argument or enum value removed, a type changed, an argument made required, ...). Each such change
must be announced in `CHANGELOG.md` under `## Unreleased`, as a line holding the change exactly as
`describe` writes it, e.g.

    - Breaking: `FIELD_REMOVED Field Query.entrustmentsMine was removed.`

Deprecations come first: a field, argument, input field or enum value is deprecated with a reason
that names its replacement and a removal date, `removal on or after YYYY-MM-DD`
(`removal_dates`). tests/test_schema_history.py checks both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from graphql import (
    BreakingChange,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
)

ROOT = Path(__file__).resolve().parent.parent
RELEASED = ROOT / "schema" / "released.graphql"
CHANGELOG = ROOT / "CHANGELOG.md"
REMOVAL = re.compile(r"removal on or after (\d{4}-\d{2}-\d{2})")


def describe(change: BreakingChange) -> str:
    """One breaking change as the changelog names it: `<TYPE> <description>`."""
    return f"{change.type.name} {change.description}"


def breaking_changes(released_sdl: str, current_sdl: str) -> list[str]:
    """What breaks for a client of `released_sdl` when the server answers with `current_sdl`."""
    old = build_schema(released_sdl)
    new = build_schema(current_sdl)
    return sorted(describe(c) for c in find_breaking_changes(old, new))


def unreleased_section(changelog: str) -> str:
    """The text under `## Unreleased`, up to the next `## ` heading ('' when there is none)."""
    match = re.search(r"^## Unreleased[^\n]*\n(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    return match.group(1) if match else ""


def unannounced(released_sdl: str, current_sdl: str, changelog: str) -> list[str]:
    """The breaking changes that no line of the changelog's Unreleased section announces."""
    section = unreleased_section(changelog)
    return [c for c in breaking_changes(released_sdl, current_sdl) if c not in section]


def deprecations(schema: GraphQLSchema) -> Iterator[tuple[str, str | None]]:
    """Every deprecated element of `schema` as (coordinate, reason)."""
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if field.deprecation_reason is not None:
                    yield f"{name}.{field_name}", field.deprecation_reason
                for arg_name, arg in field.args.items():
                    if arg.deprecation_reason is not None:
                        yield f"{name}.{field_name}({arg_name}:)", arg.deprecation_reason
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                if input_field.deprecation_reason is not None:
                    yield f"{name}.{field_name}", input_field.deprecation_reason
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                if value.deprecation_reason is not None:
                    yield f"{name}.{value_name}", value.deprecation_reason


def removal_dates(schema: GraphQLSchema) -> dict[str, dt.date | None]:
    """Each deprecated element's removal date, None when its reason names no valid one."""
    out: dict[str, dt.date | None] = {}
    for coordinate, reason in deprecations(schema):
        match = REMOVAL.search(reason or "")
        try:
            out[coordinate] = dt.date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            out[coordinate] = None
    return out
