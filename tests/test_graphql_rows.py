"""`core.graphql.rows.from_row`: a strawberry output type built from a row, field by name."""

from __future__ import annotations

import datetime as dt
import enum
from types import SimpleNamespace

import pytest
import strawberry

from core.clock import CHINA_TZ
from core.graphql.rows import from_row


class Colour(enum.StrEnum):
    RED = "RED"
    BLUE = "BLUE"


ColourEnum = strawberry.enum(Colour, name="TestRowsColour")


@strawberry.type
class Thing:
    id: strawberry.ID
    colour: ColourEnum  # type: ignore[valid-type]
    colours: list[ColourEnum]  # type: ignore[valid-type]
    spare: ColourEnum | None  # type: ignore[valid-type]
    at: dt.datetime
    label: str

    @strawberry.field
    def computed(self) -> int:
        return 1


ROW = SimpleNamespace(
    id="t1",
    colour="RED",
    colours=["RED", "BLUE"],
    spare=None,
    at=dt.datetime(2024, 1, 1, 4, 0),
    label="x",
    computed="never read",
)


def test_copies_by_name_and_converts_enums() -> None:
    thing = from_row(Thing, ROW)
    assert thing.id == "t1" and thing.label == "x"
    assert thing.colour is Colour.RED
    assert thing.colours == [Colour.RED, Colour.BLUE] and thing.colours[1] is Colour.BLUE
    assert thing.spare is None
    assert thing.at == dt.datetime(2024, 1, 1, 4, 0)  # unchanged without china_times


def test_china_times_and_given_values() -> None:
    thing = from_row(Thing, ROW, china_times=True, label="given", colour=Colour.BLUE)
    assert thing.at.tzinfo == CHINA_TZ and thing.at.hour == 12
    assert thing.label == "given" and thing.colour is Colour.BLUE


def test_a_value_for_no_field_is_refused() -> None:
    with pytest.raises(TypeError):
        from_row(Thing, ROW, colour_typo=Colour.RED)
