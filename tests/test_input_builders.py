"""Input objects built from a plan (core/graphql/inputs.py) equal strawberry's own conversion."""

from __future__ import annotations

import enum

import pytest
import strawberry
from strawberry.relay import GlobalID
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryObjectDefinition

from core.graphql.inputs import install_input_builders


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


@strawberry.input
class Leaf:
    name: str
    tags: list[str] | None = None


@strawberry.input
class Nested:
    title: str
    colour: Colour = Colour.RED
    count: int | None = None
    colours: list[Colour] = strawberry.field(default_factory=list)
    leaf: Leaf | None = None
    leaves: list[Leaf] | None = None
    ref: GlobalID | None = None


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, value: Nested) -> str:
        return repr(value)


VALUES = [
    {"title": "t"},
    {"title": "t", "colour": Colour.BLUE, "count": None, "colours": [Colour.RED, Colour.BLUE]},
    {"title": "t", "leaf": {"name": "a", "tags": ["x", "y"]}, "leaves": [{"name": "b"}, {"name": "c", "tags": None}]},
    {"title": "t", "leaf": None, "leaves": None, "ref": "TmVzdGVkOjE="},
]  # fmt: skip


def _definitions(schema: strawberry.Schema) -> list[StrawberryObjectDefinition]:
    return [
        concrete.definition
        for concrete in schema.schema_converter.type_map.values()
        if isinstance(concrete.definition, StrawberryObjectDefinition)
        and concrete.definition.is_input
    ]


@pytest.mark.parametrize("value", VALUES)
def test_a_planned_input_equals_strawberrys_conversion(value):
    schema = strawberry.Schema(query=Query)
    registry, config = schema.schema_converter.scalar_registry, schema.config
    expected = convert_argument(value, Nested, registry, config)  # before any builder is installed
    try:
        assert install_input_builders(schema) == 2
        assert all(d.from_input is not None for d in _definitions(schema))
        planned = convert_argument(value, Nested, registry, config)
    finally:
        for definition in _definitions(schema):
            definition.from_input = None  # the next case starts from strawberry's conversion
    assert planned == expected
    if value.get("colours"):
        assert planned.colours is not value["colours"]  # a copy: a shared default never leaks


@pytest.fixture(scope="module")
def platform():
    from core.db import make_engine
    from core.platform import build_platform
    from core.settings import Settings

    return build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))


def test_every_input_of_the_composed_schema_is_planned(platform):
    definitions = _definitions(platform.schema)
    assert definitions, "the composed schema has input types"
    unplanned = [d.name for d in definitions if d.from_input is None]
    assert not unplanned, f"input types left to strawberry's generic conversion: {unplanned}"
