"""GraphQL types, inputs and operations of M19 (names prefixed `PreciseGuidance` / `preciseGuidance`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.errors import RuleError
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.validation import require_range

from . import rules, service
from .errors import PreciseGuidanceErrorCode
from .models import BusinessGuide, GuidanceOutlet, OutletCorrection
from .rules import MEASURE, Business, CorrectionField, CorrectionStatus

BusinessEnum = strawberry.enum(
    Business, name="PreciseGuidanceBusiness", description="导办业务 (2024 item 七-二)"
)
FieldEnum = strawberry.enum(CorrectionField, name="PreciseGuidanceCorrectionField")
CorrectionStatusEnum = strawberry.enum(
    CorrectionStatus,
    name="PreciseGuidanceCorrectionStatus",
    description="A correction waits (PENDING) until a clerk accepts or rejects it, once.",
)
OWN_CITY = "own city"


# --- output types ----------------------------------------------------------------------------------


@strawberry.type(description="A service outlet (服务网点).")
class PreciseGuidanceOutlet:
    id: strawberry.ID
    city: str
    name: str
    address: str
    latitude: float
    longitude: float
    hours: str = strawberry.field(description="工作时间")
    phone: str | None
    window_guide: str = strawberry.field(description="窗口指引")
    businesses: list[BusinessEnum]  # type: ignore[valid-type]
    version: int
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: Any) -> PreciseGuidanceOutlet:
        """From an outlet: a GuidanceOutlet or a Core row of its table (the to-dos' outlets)."""
        return from_row(cls, row, city=row.city_code)


@strawberry.type(description="An outlet and its distance from the given location.")
class PreciseGuidanceNearbyOutlet:
    outlet: PreciseGuidanceOutlet
    distance_km: float | None = strawberry.field(description="Null when not ranked by distance.")

    @classmethod
    def of(cls, row: Any, distance_km: float | None) -> PreciseGuidanceNearbyOutlet:
        """An outlet (as `PreciseGuidanceOutlet.of` takes it) and its distance, to 10 m."""
        distance = None if distance_km is None else round(distance_km, 2)
        return cls(outlet=PreciseGuidanceOutlet.of(row), distance_km=distance)


@strawberry.type(description="办理流程 and 所需材料 of one business in one city.")
class PreciseGuidanceGuide:
    business: BusinessEnum  # type: ignore[valid-type]
    label: str
    city: str
    process: str
    materials: list[str]
    local: bool = strawberry.field(description="False: the national default text.")

    @classmethod
    def of(cls, guide: service.Guide) -> PreciseGuidanceGuide:
        return from_row(cls, guide, label=rules.LABELS[guide.business], city=guide.city_code)

    @classmethod
    def of_row(cls, row: BusinessGuide) -> PreciseGuidanceGuide:
        business = Business(row.business)
        guide = service.Guide(business, row.city_code, row.process, list(row.materials), True)
        return cls.of(guide)


@strawberry.type(description="A public correction of an outlet's data (群众纠错反馈).")
class PreciseGuidanceCorrection:
    id: strawberry.ID
    outlet_id: strawberry.ID
    city: str
    field: FieldEnum  # type: ignore[valid-type]
    proposed: str
    note: str | None
    status: CorrectionStatusEnum  # type: ignore[valid-type]
    decision_note: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None

    @classmethod
    def of(cls, row: OutletCorrection) -> PreciseGuidanceCorrection:
        return from_row(cls, row, city=row.city_code)


@strawberry.type(description="A pending business (待办业务) with its guide and nearest outlet.")
class PreciseGuidanceTodo:
    business: BusinessEnum  # type: ignore[valid-type]
    label: str
    due: dt.date
    overdue: bool
    subject: str = strawberry.field(description="What it concerns, e.g. 机动车 苏A00001.")
    subject_ref: str
    reason: str
    guide: PreciseGuidanceGuide
    outlet: PreciseGuidanceNearbyOutlet | None

    @classmethod
    def of(cls, view: service.TodoView, today: dt.date) -> PreciseGuidanceTodo:
        t = view.todo
        outlet = (
            PreciseGuidanceNearbyOutlet.of(view.outlet, view.distance_km)
            if view.outlet is not None
            else None
        )
        return cls(
            business=t.business,
            label=rules.LABELS[t.business],
            due=t.due,
            overdue=t.due < today,
            subject=t.subject_label,
            subject_ref=t.subject_ref,
            reason=t.reason,
            guide=PreciseGuidanceGuide.of(view.guide),
            outlet=outlet,
        )


# --- inputs and payloads ---------------------------------------------------------------------------


@strawberry.input
class PreciseGuidanceOutletInput:
    city: str
    name: str
    address: str
    latitude: float
    longitude: float
    hours: str
    businesses: list[BusinessEnum]  # type: ignore[valid-type]
    window_guide: str | None = None
    phone: str | None = None


@strawberry.type
class PreciseGuidanceOutletPayload(Payload):
    outlet: PreciseGuidanceOutlet | None = None


@strawberry.type
class PreciseGuidanceGuidePayload(Payload):
    guide: PreciseGuidanceGuide | None = None


@strawberry.type
class PreciseGuidanceCorrectionPayload(Payload):
    correction: PreciseGuidanceCorrection | None = None


# --- operations ------------------------------------------------------------------------------------


def _city_in_force(ctx: Context, city: str) -> str:
    """The city's code (UNKNOWN_CITY otherwise), once the measure is in force there."""
    code = lookup_city(city).code
    ctx.require_in_force(MEASURE, code)
    return code


def _location(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise RuleError(
            PreciseGuidanceErrorCode.INVALID_LOCATION,
            "Give both latitude and longitude.",
            field="latitude",
            rule=rules.R_TODOS,
        )
    return rules.parse_location(latitude, longitude, rule=rules.R_TODOS)


@strawberry.type
class PreciseGuidanceQuery:
    @operation_field(
        f"{MEASURE}.outlet_read",
        "Outlets of a city, optionally only those handling `business`.",
        qualifier="public outlet data",
    )
    def precise_guidance_outlets(
        self,
        info: strawberry.Info,
        city: str,
        business: BusinessEnum | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> Connection[PreciseGuidanceOutlet]:
        ctx: Context = info.context
        code = _city_in_force(ctx, city)
        statement = service.outlets_statement(code)
        if business is not None:
            wanted = Business(business)
            rows = [o for o in ctx.session.exec(statement).all() if wanted.value in o.businesses]
            ids = [o.id for o in rows]
            statement = statement.where(GuidanceOutlet.id.in_(ids))  # type: ignore[attr-defined]
        return paginate(ctx, statement, first, after, PreciseGuidanceOutlet.of)

    @operation_field(
        f"{MEASURE}.outlet_read",
        "Up to 10 outlets handling `business`, nearest to the location first (within about "
        "100 km), else those of `city` by name.",
    )
    def precise_guidance_nearest_outlets(
        self,
        info: strawberry.Info,
        business: BusinessEnum,  # type: ignore[valid-type]
        city: str,
        latitude: float | None = None,
        longitude: float | None = None,
        first: int = 5,
    ) -> list[PreciseGuidanceNearbyOutlet]:
        ctx: Context = info.context
        code = _city_in_force(ctx, city)
        location = _location(latitude, longitude)
        require_range("first", first, 1, 10)
        found = service.nearest_outlets(ctx.session, Business(business), location, code, first)
        return [PreciseGuidanceNearbyOutlet.of(o, d) for o, d in found]

    @operation_field(f"{MEASURE}.outlet_read", "办理流程 and 所需材料 of a business in a city.")
    def precise_guidance_guide(
        self,
        info: strawberry.Info,
        city: str,
        business: BusinessEnum,  # type: ignore[valid-type]
    ) -> PreciseGuidanceGuide:
        ctx: Context = info.context
        code = _city_in_force(ctx, city)
        return PreciseGuidanceGuide.of(service.guide_for(ctx.session, code, Business(business)))

    @operation_field(
        f"{MEASURE}.todo_read",
        "Pending businesses from the caller's licences, vehicles and violations (七-二), each "
        "with its guide and the nearest outlet that handles it (from the given location, else "
        "the domicile city's outlets).",
        qualifier="own to-dos",
    )
    def precise_guidance_todos(
        self, info: strawberry.Info, latitude: float | None = None, longitude: float | None = None
    ) -> list[PreciseGuidanceTodo]:
        ctx: Context = info.context
        _person, views = service.citizen_todos(ctx, _location(latitude, longitude))
        today = ctx.today()
        return [PreciseGuidanceTodo.of(v, today) for v in views]

    @operation_field(
        f"{MEASURE}.correction_read", "Corrections reported for the city.", qualifier=OWN_CITY
    )
    def precise_guidance_corrections(
        self,
        info: strawberry.Info,
        city: str,
        status: CorrectionStatusEnum | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> Connection[PreciseGuidanceCorrection]:
        ctx: Context = info.context
        code = _city_in_force(ctx, city)
        ctx.require_jurisdiction(code, rule=rules.R_OUTLETS, field="city")
        wanted = CorrectionStatus(status).value if status is not None else None
        statement = service.corrections_statement(code, wanted)
        return paginate(ctx, statement, first, after, PreciseGuidanceCorrection.of)


@strawberry.type
class PreciseGuidanceMutation:
    @mutation(
        f"{MEASURE}.outlet_write",
        "Creates (no id) or updates an outlet (七-一); allowed up to 30 days before the measure "
        "starts in the city.",
        qualifier=OWN_CITY,
    )
    def precise_guidance_outlet_save(
        self,
        info: strawberry.Info,
        input: PreciseGuidanceOutletInput,
        scope: WriteScope,
        id: strawberry.ID | None = None,
    ) -> PreciseGuidanceOutletPayload:
        data = service.OutletData(**vars(input))  # the same fields, name for name
        outlet = service.save_outlet(info.context, scope, str(id) if id else None, data)
        return PreciseGuidanceOutletPayload(outlet=PreciseGuidanceOutlet.of(outlet))

    @mutation(
        f"{MEASURE}.guide_write",
        "Sets a business's process and materials for the city (七-一).",
        qualifier=OWN_CITY,
    )
    def precise_guidance_guide_save(
        self,
        info: strawberry.Info,
        city: str,
        business: BusinessEnum,  # type: ignore[valid-type]
        process: str,
        materials: list[str],
        scope: WriteScope,
    ) -> PreciseGuidanceGuidePayload:
        row = service.save_guide(info.context, scope, city, Business(business), process, materials)
        return PreciseGuidanceGuidePayload(guide=PreciseGuidanceGuide.of_row(row))

    @mutation(
        f"{MEASURE}.correction_report",
        "Reports an error in an outlet's data (七-一 群众纠错反馈). Rate-limited.",
        qualifier="signed in with a personal account",
    )
    def precise_guidance_correction_report(
        self,
        info: strawberry.Info,
        outlet_id: strawberry.ID,
        field: FieldEnum,  # type: ignore[valid-type]
        proposed: str,
        scope: WriteScope,
        note: str | None = None,
    ) -> PreciseGuidanceCorrectionPayload:
        row = service.report_correction(
            info.context, scope, str(outlet_id), CorrectionField(field), proposed, note
        )
        return PreciseGuidanceCorrectionPayload(correction=PreciseGuidanceCorrection.of(row))

    @mutation(
        f"{MEASURE}.correction_review",
        "Accepts (updates the outlet) or rejects (note required) a correction; the reporter is "
        "notified.",
        qualifier="the outlet's city",
        way_out=True,
    )
    def precise_guidance_correction_decide(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        accept: bool,
        scope: WriteScope,
        note: str | None = None,
    ) -> PreciseGuidanceCorrectionPayload:
        row = service.decide_correction(info.context, scope, str(id), accept, note)
        return PreciseGuidanceCorrectionPayload(correction=PreciseGuidanceCorrection.of(row))
