"""Input objects built from a plan made once per type, instead of strawberry's generic walk.

strawberry turns a GraphQL input value (a dict keyed by GraphQL field names) into its input class
with `convert_argument`, which resolves every field's type annotation and GraphQL name again on
every request: about 8% of the CPU time of a partner verification (`eDrivingLicenceVerify`,
bench `verify_online`). Each input type definition can instead build its own value through its
`from_input` hook (`strawberry.types.base.StrawberryObjectDefinition.from_input`, the hook
`strawberry.pydantic` uses); `install_input_builders` gives every input type of the composed
schema one that works from a plan made on its first use:

- a scalar or enum field (optional or not) takes the value as graphql-core coerced it, as
  strawberry does (`convert_argument` returns leaves unchanged);
- a list of scalars or enums is copied (graphql-core may hand every request the same default list);
- anything else (a nested input, a list of inputs, a `GlobalID`) goes through strawberry's own
  conversion (`InputContext.convert`), with its path, so that nested inputs get the same plans.

Fields the client left out keep their Python default; an input field without a default is None
until set, as in strawberry. Types with `Maybe` fields keep strawberry's conversion (the
`MaybeNullValidationRule` checks only types without a `from_input`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

import strawberry
from strawberry.relay.types import GlobalID
from strawberry.types.arguments import InputContext, _is_leaf_type
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
)
from strawberry.types.enum import has_enum_definition

_LEAF, _LEAF_LIST, _CONVERT = 0, 1, 2

# one field of a plan: (GraphQL name, Python name, how to convert, its resolved type)
_Step = tuple[str, str, int, Any]


def _is_leaf(type_: Any, scalars: Mapping[object, Any]) -> bool:
    """A scalar or an enum (whose value graphql-core has already made the Python member)."""
    return has_enum_definition(type_) or _is_leaf_type(type_, scalars, skip_classes=(GlobalID,))


def _kind(field_type: Any, scalars: Mapping[object, Any]) -> int:
    inner = field_type.of_type if isinstance(field_type, StrawberryOptional) else field_type
    if _is_leaf(inner, scalars):
        return _LEAF
    if isinstance(inner, StrawberryList):
        item = inner.of_type
        item = item.of_type if isinstance(item, StrawberryOptional) else item
        if _is_leaf(item, scalars):
            return _LEAF_LIST
    return _CONVERT


def _builder(
    definition: StrawberryObjectDefinition,
) -> Callable[[type, Mapping[str, Any], InputContext], Any]:
    plan: list[_Step] | None = None
    unset: dict[str, None] = {
        field.python_name: None
        for field in definition.fields
        if field.default_value is MISSING and field.default_factory is MISSING
    }

    def make_plan(context: InputContext) -> list[_Step]:
        steps = []
        for field in definition.fields:
            field_type = field.resolve_type(type_definition=definition)
            steps.append((
                context.config.name_converter.from_field(field),
                field.python_name,
                _kind(field_type, context.scalar_registry),
                field_type,
            ))  # fmt: skip
        return steps

    def build(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
        nonlocal plan
        if plan is None:
            plan = make_plan(context)
        kwargs: dict[str, Any] = dict(unset)
        for graphql_name, python_name, kind, field_type in plan:
            if graphql_name not in value:
                continue
            item = value[graphql_name]
            if item is None or kind == _LEAF:
                kwargs[python_name] = item
            elif kind == _LEAF_LIST:
                kwargs[python_name] = list(item)
            else:
                kwargs[python_name] = context.convert(item, field_type, graphql_name)
        return cls(**kwargs)

    return build


def install_input_builders(schema: strawberry.Schema) -> int:
    """Give every input type of `schema` a planned `from_input` (see the module docstring).
    Returns how many types got one. Call it once, after the schema is built."""
    installed = 0
    for concrete in schema.schema_converter.type_map.values():
        definition = concrete.definition
        if not isinstance(definition, StrawberryObjectDefinition) or not definition.is_input:
            continue
        if definition.from_input is not None:
            continue
        if any(isinstance(field.type, StrawberryMaybe) for field in definition.fields):
            continue
        definition.from_input = _builder(definition)
        installed += 1
    return installed
