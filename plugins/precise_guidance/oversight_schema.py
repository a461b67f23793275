"""GraphQL of the province's oversight of outlet data (七-一): the update deadline per city and
the spot checks. Resolvers delegate to oversight.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import strawberry

from core.clock import to_china
from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row

from . import oversight, rules
from .models import SpotCheck, SpotCheckItem
from .rules import MEASURE, CorrectionField
from .schema import FieldEnum

UpdateStatusEnum = strawberry.enum(
    rules.UpdateStatus,
    name="PreciseGuidanceUpdateStatus",
    description="A city against the outlet-data deadline (6月25日, 七-一); the day itself is on time.",
)
SpotCheckStatusEnum = strawberry.enum(
    rules.SpotCheckStatus,
    name="PreciseGuidanceSpotCheckStatus",
    description="OPEN until every sampled outlet is recorded (COMPLETED) or it is CANCELLED.",
)
SpotResultEnum = strawberry.enum(rules.SpotResult, name="PreciseGuidanceSpotResult")


@strawberry.type(description="A city's outlet data against the update deadline (七-一).")
class PreciseGuidanceCityProgress:
    city: str
    city_name: str
    outlets: int
    outlets_updated_this_round: int = strawberry.field(
        description="Outlets saved since the preparation window opened (2024-06-01)."
    )
    deadline: dt.date
    declared_at: dt.datetime | None
    status: UpdateStatusEnum  # type: ignore[valid-type]
    pending_corrections: int
    spot_checks_completed: int
    outlets_checked: int
    outlets_inaccurate: int

    @classmethod
    def of(cls, p: oversight.CityProgress) -> PreciseGuidanceCityProgress:
        return from_row(cls, p, deadline=rules.UPDATE_DEADLINE)


@strawberry.type(description="One sampled outlet of a spot check and what was found.")
class PreciseGuidanceSpotCheckItem:
    id: strawberry.ID
    outlet_id: strawberry.ID
    outlet_version: int
    result: SpotResultEnum  # type: ignore[valid-type]
    findings: list[str] = strawberry.field(description="The outlet fields found wrong.")
    correction_ids: list[strawberry.ID] = strawberry.field(
        description="Corrections raised for the city to decide."
    )
    checked_at: dt.datetime | None
    note: str | None

    @classmethod
    def of(cls, row: SpotCheckItem) -> PreciseGuidanceSpotCheckItem:
        return from_row(cls, row, china_times=True, findings=list(row.findings))


@strawberry.type(description="The province's spot check of a city's outlet data (抽查核对).")
class PreciseGuidanceSpotCheck:
    id: strawberry.ID
    city: str
    status: SpotCheckStatusEnum  # type: ignore[valid-type]
    started_at: dt.datetime
    closed_at: dt.datetime | None
    note: str | None
    items: list[PreciseGuidanceSpotCheckItem]

    @classmethod
    def of(cls, row: SpotCheck, items: list[SpotCheckItem]) -> PreciseGuidanceSpotCheck:
        return from_row(
            cls,
            row,
            china_times=True,
            city=row.city_code,
            items=[PreciseGuidanceSpotCheckItem.of(i) for i in items],
        )


@strawberry.input(description="A wrong outlet field found by a spot check, with its correct value.")
class PreciseGuidanceSpotFindingInput:
    field: FieldEnum  # type: ignore[valid-type]
    proposed: str


@strawberry.type
class PreciseGuidanceUpdateDeclarePayload(Payload):
    city: str | None = None
    declared_at: dt.datetime | None = None
    status: UpdateStatusEnum | None = None  # type: ignore[valid-type]


@strawberry.type
class PreciseGuidanceSpotCheckPayload(Payload):
    check: PreciseGuidanceSpotCheck | None = None


@strawberry.type
class PreciseGuidanceOversightQuery:
    @operation_field(
        f"{MEASURE}.oversight_read",
        "Each city's outlet data against the update deadline, with corrections and spot-check "
        "findings (七-一).",
        qualifier="a province admin: own province",
    )
    def precise_guidance_update_progress(
        self, info: strawberry.Info, province: str
    ) -> list[PreciseGuidanceCityProgress]:
        ctx: Context = info.context
        return [PreciseGuidanceCityProgress.of(p) for p in oversight.progress(ctx, province)]

    @operation_field(
        f"{MEASURE}.oversight_read",
        "The spot checks of a city's outlet data, newest first.",
        qualifier="a province admin: own province",
    )
    def precise_guidance_spot_checks(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[PreciseGuidanceSpotCheck]:
        ctx: Context = info.context
        code = lookup_city(city, "city").code
        ctx.require_jurisdiction(code, rule=rules.R_SPOT_CHECK, field="city")
        page = paginate(ctx, oversight.checks_statement(code), first, after, lambda r: r)
        items = oversight.items_of(ctx, [c.id for c in page.nodes])
        nodes = [PreciseGuidanceSpotCheck.of(c, items[c.id]) for c in page.nodes]
        return dataclasses.replace(page, nodes=nodes)


@strawberry.type
class PreciseGuidanceOversightMutation:
    @mutation(
        f"{MEASURE}.update_declare",
        "Declare the city's outlet data updated for the round (七-一: 6月25日前完成更新).",
        qualifier="own city",
    )
    def precise_guidance_update_declare(
        self, info: strawberry.Info, city: str, scope: WriteScope
    ) -> PreciseGuidanceUpdateDeclarePayload:
        row = oversight.declare_update(info.context, scope, city)
        when = to_china(row.declared_at)
        return PreciseGuidanceUpdateDeclarePayload(
            city=row.city_code,
            declared_at=when,
            status=rules.update_status(when.date(), when.date(), row.deadline),
        )

    @mutation(
        f"{MEASURE}.spot_check",
        "Spot-check a city's outlet data: the outlets given, else a random sample (七-一).",
        qualifier="a province admin: own province",
    )
    def precise_guidance_spot_check_start(
        self,
        info: strawberry.Info,
        city: str,
        scope: WriteScope,
        sample_size: int = 3,
        outlet_ids: list[strawberry.ID] | None = None,
    ) -> PreciseGuidanceSpotCheckPayload:
        ids = [str(i) for i in outlet_ids] if outlet_ids else None
        check, items = oversight.start_check(info.context, scope, city, sample_size, ids)
        return PreciseGuidanceSpotCheckPayload(check=PreciseGuidanceSpotCheck.of(check, items))

    @mutation(
        f"{MEASURE}.spot_check",
        "Record one sampled outlet: accurate, or the wrong fields with their correct values "
        "(each becomes a correction for the city).",
        qualifier="a province admin: own province",
    )
    def precise_guidance_spot_check_record(
        self,
        info: strawberry.Info,
        item_id: strawberry.ID,
        accurate: bool,
        scope: WriteScope,
        findings: list[PreciseGuidanceSpotFindingInput] | None = None,
        note: str | None = None,
    ) -> PreciseGuidanceSpotCheckPayload:
        ctx: Context = info.context
        found = [(CorrectionField(f.field), f.proposed) for f in findings or []]
        check, _item = oversight.record_item(ctx, scope, str(item_id), accurate, found, note)
        items = oversight.items_of(ctx, [check.id])[check.id]
        return PreciseGuidanceSpotCheckPayload(check=PreciseGuidanceSpotCheck.of(check, items))

    @mutation(
        f"{MEASURE}.spot_check",
        "Cancel an open spot check, with a reason.",
        qualifier="a province admin: own province",
        way_out=True,
    )
    def precise_guidance_spot_check_cancel(
        self, info: strawberry.Info, check_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> PreciseGuidanceSpotCheckPayload:
        ctx: Context = info.context
        check = oversight.cancel_check(ctx, scope, str(check_id), reason)
        items = oversight.items_of(ctx, [check.id])[check.id]
        return PreciseGuidanceSpotCheckPayload(check=PreciseGuidanceSpotCheck.of(check, items))
