"""Build a strawberry output type from a stored row, field by field, by name.

    @classmethod
    def of(cls, row: MortgageDisputeRow) -> MortgageDispute:
        return from_row(cls, row, city=row.city_code, china_times=True)

Most `of(row)` builders copy each field from the row's attribute of the same name, turn stored
strings into the field's enum and stored timestamps into Beijing time; `from_row` does exactly
that, so a builder names only what differs (a renamed column, a computed or masked value).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import Any, TypeVar

from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition

from core.clock import to_china

T = TypeVar("T")


def _enum_of(field_type: Any) -> tuple[type[enum.Enum] | None, bool]:
    """The enum class of a field's type (through `| None`), and whether it is a list of it."""
    while isinstance(field_type, StrawberryOptional):
        field_type = field_type.of_type
    is_list = isinstance(field_type, StrawberryList)
    if is_list:
        field_type = field_type.of_type
    if isinstance(field_type, StrawberryEnumDefinition):
        return field_type.wrapped_cls, is_list
    return None, False


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, type[enum.Enum] | None, bool], ...]:
    """(python name, enum class or None, is a list) of each plain field of `cls`."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return tuple(
        (f.python_name, *_enum_of(f.type)) for f in definition.fields if f.base_resolver is None
    )


def _convert(value: Any, kind: type[enum.Enum] | None, is_list: bool, china_times: bool) -> Any:
    if value is None:
        return None
    if kind is not None:
        return [kind(v) for v in value] if is_list else kind(value)
    if china_times and isinstance(value, dt.datetime):
        return to_china(value)
    return value


def from_row(cls: type[T], row: Any, *, china_times: bool = False, **values: Any) -> T:
    """An instance of the strawberry type `cls` built from `row` (an ORM row or any object).

    Each field of `cls` (fields with a resolver excepted) takes `values[name]` when given, as is;
    otherwise `getattr(row, name)`, where a field typed as an enum (or `| None`, or a list of it)
    gets the stored value converted to that enum, and, with `china_times=True`, a `datetime`
    goes through `core.clock.to_china`; None stays None and anything else is copied unchanged.
    Raises AttributeError when the row lacks a field that `values` does not give, TypeError when
    `values` names no field of `cls`.
    """
    copied = {
        name: _convert(getattr(row, name), kind, is_list, china_times)
        for name, kind, is_list in _plan(cls)
        if name not in values
    }
    return cls(**copied, **values)
