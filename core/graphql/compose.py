"""Composing the one GraphQL schema from what the plugins contribute.

strawberry's `merge_types` only warns on a duplicate field and keeps the first, and a duplicate type
name surfaces as an error that does not say which plugin defined it. So the composer checks both
itself and fails naming the plugins.
"""

from __future__ import annotations

import sys
from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types.base import StrawberryObjectDefinition

from core.graphql.inputs import install_input_builders
from core.graphql.scalars import SCALAR_MAP
from core.plugin_host import PluginError


def _graphql_name(cls: type) -> str | None:
    definition = getattr(cls, "__strawberry_definition__", None)
    if definition is not None:
        return definition.name
    enum_def = getattr(cls, "__strawberry_definition__", None) or getattr(
        cls, "_enum_definition", None
    )
    return getattr(enum_def, "name", None)


def _types_defined_by(module_prefix: str) -> dict[str, type]:
    found: dict[str, type] = {}
    for mod_name, module in list(sys.modules.items()):
        if module is None or not (
            mod_name == module_prefix or mod_name.startswith(module_prefix + ".")
        ):
            continue
        for value in vars(module).values():
            if isinstance(value, type) and getattr(value, "__module__", "") == mod_name:
                name = _graphql_name(value)
                if name:
                    found[name] = value
    return found


def check_type_names(plugin_modules: dict[str, str]) -> None:
    """Fail when two plugins define a GraphQL type of the same name."""
    owner: dict[str, str] = {}
    for plugin, prefix in plugin_modules.items():
        for name in _types_defined_by(prefix):
            if name in owner and owner[name] != plugin:
                raise PluginError(
                    f"plugins {owner[name]!r} and {plugin!r} both define the GraphQL type {name!r}"
                )
            owner[name] = plugin


def _field_names(cls: type, converter: Any) -> list[str]:
    definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return [converter.get_graphql_name(f) for f in definition.fields]


def merge_root(
    name: str, contributions: list[tuple[str, list[type]]], config: StrawberryConfig
) -> type | None:
    """Merge the root types, failing on a field that two plugins (or one plugin twice) define."""
    owner: dict[str, str] = {}
    classes: list[type] = []
    for plugin, types in contributions:
        for cls in types:
            if not hasattr(cls, "__strawberry_definition__"):
                raise PluginError(
                    f"plugin {plugin!r} returned {cls!r} for {name}, which is not a strawberry type"
                )
            for field_name in _field_names(cls, config.name_converter):
                if field_name in owner:
                    raise PluginError(
                        f"{name}.{field_name} is defined by plugin {owner[field_name]!r} and by plugin {plugin!r}"
                    )
                owner[field_name] = plugin
            classes.append(cls)
    if not classes:
        return None
    return merge_types(name, tuple(classes))


def build_schema(
    queries: list[tuple[str, list[type]]],
    mutations: list[tuple[str, list[type]]],
    extra_types: list[tuple[str, list[type]]],
    plugin_modules: dict[str, str],
) -> strawberry.Schema:
    config = StrawberryConfig(auto_camel_case=True, scalar_map=SCALAR_MAP)
    check_type_names(plugin_modules)
    query = merge_root("Query", queries, config)
    mutation = merge_root("Mutation", mutations, config)
    types = [t for _, ts in extra_types for t in ts]
    try:
        schema = strawberry.Schema(query=query, mutation=mutation, types=types, config=config)  # type: ignore[arg-type]
    except Exception as exc:
        raise PluginError(f"the composed schema is invalid: {type(exc).__name__}: {exc}") from exc
    install_input_builders(schema)
    return schema
