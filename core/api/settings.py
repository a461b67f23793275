"""Core query for administrators: a measure's settings, their declarations and the value in force
for a city, a province or nationwide (set with `measureSettingSet`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from core import settings_store as store
from core.accounts import Role
from core.context import Context
from core.divisions import CITIES
from core.errors import Code, RuleError
from core.graphql.operations import operation_field
from core.plugin_api import SettingScope, SettingSpec, SettingType

MeasureSettingType = strawberry.enum(
    SettingType,
    name="MeasureSettingType",
    description="The JSON type of a setting's value: INT, FLOAT, BOOL, STR, DATE (YYYY-MM-DD), "
    "ENUM (one of `choices`), STR_LIST (a list of texts) or OBJECT.",
)
MeasureSettingScope = strawberry.enum(
    SettingScope,
    name="MeasureSettingScope",
    description="Where values may be set: CITY (city, province or '*'), PROVINCE (province or "
    "'*'), NATIONAL ('*' only).",
)


@strawberry.type(description="A measure setting: what it takes and the value in force at a scope.")
class MeasureSettingInfo:
    key: str
    description: str
    type: MeasureSettingType  # type: ignore[valid-type]
    unit: str = strawberry.field(description='"seconds", "days", "count", "m²"...; "" if none.')
    bounds: str = strawberry.field(description='In words, e.g. "integer, seconds, 30 to 600".')
    minimum: strawberry.scalars.JSON | None = strawberry.field(
        description="Smallest number, or earliest date (YYYY-MM-DD)."
    )
    maximum: strawberry.scalars.JSON | None = strawberry.field(
        description="Largest number, or latest date (YYYY-MM-DD)."
    )
    choices: list[str] = strawberry.field(description="The values an enum setting takes.")
    max_length: int | None = strawberry.field(description="Characters of a text or list item.")
    max_items: int | None = strawberry.field(description="Items of a list.")
    nullable: bool = strawberry.field(description="Whether null (none) is a value.")
    scope: MeasureSettingScope  # type: ignore[valid-type]
    default: strawberry.scalars.JSON | None = strawberry.field(description="The plugin default.")
    value: strawberry.scalars.JSON | None = strawberry.field(
        description="The value in force at the scope asked for."
    )
    source: str = strawberry.field(
        description="Where `value` comes from: a city or province code, '*', or DEFAULT."
    )


def _json(bound: Any) -> Any:
    return bound.isoformat() if isinstance(bound, dt.date) else bound


def _info(spec: SettingSpec, value: Any, source: str) -> MeasureSettingInfo:
    return MeasureSettingInfo(
        key=spec.key,
        description=spec.description,
        type=spec.type,
        unit=spec.unit,
        bounds=store.describe(spec),
        minimum=_json(spec.minimum),
        maximum=_json(spec.maximum),
        choices=list(spec.choices),
        max_length=spec.max_length,
        max_items=spec.max_items,
        nullable=spec.nullable,
        scope=spec.scope,
        default=spec.default,
        value=value,
        source=source,
    )


@strawberry.type
class SettingsQuery:
    @operation_field(
        "core.rollout_read",
        "A measure's settings with their type, unit and bounds, and the value in force at "
        "`scopeCode` (a city, a province, or '*' nationwide; province admins: their own province "
        "or '*').",
        qualifier="province admins: their own province",
    )
    def measure_settings(
        self, info: strawberry.Info, measure: str, scope_code: str
    ) -> list[MeasureSettingInfo]:
        ctx: Context = info.context
        ctx.platform.measure(measure)
        level = store.scope_level(scope_code)
        if level is None:
            raise RuleError(Code.UNKNOWN_CITY, "Unknown province or city.", field="scopeCode")
        province = CITIES[scope_code].province_code if level is store.SettingScope.CITY else None
        province = province or (scope_code if level is store.SettingScope.PROVINCE else None)
        if (
            province is not None
            and Role.NATIONAL_ADMIN not in ctx.actor.roles
            and ctx.actor.province_code != province
        ):
            raise RuleError(
                Code.OUT_OF_JURISDICTION,
                "Another province's settings.",
                field="scopeCode",
                rule="core: jurisdiction",
            )
        settings = ctx.platform.settings_store
        out = []
        for key, spec in sorted(settings.specs.get(measure, {}).items()):
            value, source = settings.effective(measure, key, scope_code)
            out.append(_info(spec, value, source))
        return out
