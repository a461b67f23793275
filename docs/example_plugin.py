"""A minimal, complete plugin: the shape every measure follows (docs/plugins.md walks through it).

It adds one gated query and one mutation, each declared once with `core.graphql.operations`:
- `exampleLicenceStatus(licenceId)` (`@operation_field`): a citizen reads the status of their own
  licence, where the measure is in force in the licence's city.
- `exampleLicenceRemarkAdd(licenceId, text)` (`@mutation`, returns a `Payload`): a clerk adds a
  remark to a licence of their city. The mutation frame runs it in one transaction with its audit
  event and hands it its `WriteScope`; a `RuleError` refuses and writes nothing.
The "Roles: …" sentence of both descriptions is generated from `register_permission_rules`.

A real measure is a folder (plugins/<slug>/, see docs/plugins.md) with `MEASURE` in rules.py, its
`<Noun>ErrorCode` enum in errors.py and relative imports; this one is a single module, loaded from
its path, and raises only core codes, so it has no error-code enum.

Its hooks are module-level `@hookimpl` functions, the way any plugin may be written (the plugin
host registers a module without a `plugin` object itself). The bundled measures declare the same
answers as class attributes of a `core.plugin_kit.MeasurePlugin` subclass instead (`info`,
`query_types`, `mutation_types`, `permissions = {"status": Role.CITIZEN, ...}`, `settings`,
`default_rollout`) and expose one instance as `plugin`: see docs/plugins.md, "Hooks".

tests/test_example_plugin.py loads this file exactly as a third-party plugin would be loaded, and
bench/ uses its query as the `graphql_read` hot path.
"""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy import bindparam, select

from core.accounts import Role
from core.context import Context, WriteScope
from core.errors import NotFound
from core.graphql.operations import Payload, mutation, operation_field
from core.hookspecs import hookimpl
from core.ids import lookup_id
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, SettingSpec, SettingType
from core.registries.licences import DrivingLicence
from core.rollout import RolloutDefault
from core.validation import require_text

MEASURE = "example_measure"  # the measure's slug: its actions' prefix
PLUGIN_NAME = MEASURE
_LICENCES = DrivingLicence.__table__  # type: ignore[attr-defined]
# built once with a bound parameter, so SQLAlchemy compiles and caches it once
_STATUS = select(
    _LICENCES.c.person_id, _LICENCES.c.issuing_city, _LICENCES.c.status, _LICENCES.c.valid_until
).where(_LICENCES.c.id == bindparam("licence_id"))


@strawberry.type(description="Example: a licence's live status.")
class ExampleLicenceStatus:
    licence_id: strawberry.ID
    status: str
    valid_until: dt.date


@strawberry.type
class ExampleRemarkPayload(Payload):
    remarks: list[str] | None = None


@strawberry.type
class ExampleQuery:
    @operation_field(f"{MEASURE}.status", "A licence's live status.", qualifier="own licence")
    def example_licence_status(
        self, info: strawberry.Info, licence_id: strawberry.ID
    ) -> ExampleLicenceStatus:
        ctx: Context = info.context
        person_id = ctx.require_person()
        licence = ctx.fetch_one(_STATUS, licence_id=str(licence_id))  # hot path: Core read
        if licence is None or licence.person_id != person_id:
            raise NotFound("Licence", "licenceId")  # same answer for "not yours": no probing
        ctx.require_in_force(MEASURE, licence.issuing_city)
        return ExampleLicenceStatus(
            licence_id=licence_id, status=licence.status, valid_until=licence.valid_until
        )


@strawberry.type
class ExampleMutation:
    @mutation(f"{MEASURE}.remark", "Add a remark to a licence.", qualifier="own city")
    def example_licence_remark_add(
        self, info: strawberry.Info, licence_id: strawberry.ID, text: str, scope: WriteScope
    ) -> ExampleRemarkPayload:
        ctx: Context = info.context
        licence = scope.session.get(DrivingLicence, lookup_id(licence_id))
        if licence is None:
            raise NotFound("Licence", "licenceId")
        ctx.require_in_force(MEASURE, licence.issuing_city)
        ctx.require_jurisdiction(licence.issuing_city)
        remark = require_text(
            "text", text, ctx.setting(MEASURE, "remark_max_length", licence.issuing_city)
        )
        licence.remarks = [*licence.remarks, remark]
        scope.session.add(licence)
        scope.subject(licence.person_id, f"DrivingLicence:{licence.id}")
        return ExampleRemarkPayload(remarks=licence.remarks)


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(MEASURE, "M00", "Example measure", "示例措施", "docs", "A minimal plugin.")


@hookimpl
def register_query_types() -> list[type]:
    return [ExampleQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [ExampleMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.status", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.remark", Role.CLERK),
    ]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            "remark_max_length",
            100,
            "Longest remark a clerk may add.",
            type=SettingType.INT,
            unit="characters",
            minimum=1,
            maximum=500,
        )
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.for_city("320100", dt.date(2021, 6, 1), phase="PILOT", note="example pilot")
    ]
