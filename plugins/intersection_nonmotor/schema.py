"""GraphQL types and operations of M18 (non-motor traffic organisation at intersections)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import select

from core.context import Context, WriteScope
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.ids import lookup_id

from . import reports, service
from .models import EnforcementRecord, Intersection, StaffingShift
from .rules import (
    MEASURE,
    Design,
    EnforcementAction,
    Findings,
    KeyReason,
    LeftTurn,
    RecordFlag,
    Separation,
    ViolationKind,
)

OWN_CITY = "own city"
JURISDICTION = "each in their jurisdiction: city, province or nationwide"

IntersectionLeftTurn = strawberry.enum(
    LeftTurn, name="IntersectionLeftTurn", description="左转一次过街 / 二次过街"
)
IntersectionSeparation = strawberry.enum(Separation, name="IntersectionSeparation")
IntersectionKeyReason = strawberry.enum(
    KeyReason, name="IntersectionKeyReason", description="流量大 / 秩序乱 / 事故多"
)
IntersectionViolationKind = strawberry.enum(ViolationKind, name="IntersectionViolationKind")
IntersectionEnforcementAction = strawberry.enum(
    EnforcementAction, name="IntersectionEnforcementAction"
)
IntersectionRecordFlag = strawberry.enum(
    RecordFlag,
    name="IntersectionRecordFlag",
    description="What a staffing or enforcement record shows that the city's own policy (its "
    "settings) would not expect; counted in the reports, never a refusal.",
)


@strawberry.type(description="An intersection's non-motor design.")
class IntersectionDesign:
    stop_line: bool
    waiting_area_m2: float
    peak_waiting_bikes: int
    separation: IntersectionSeparation  # type: ignore[valid-type]
    cross_line_problem: bool
    left_turn: IntersectionLeftTurn  # type: ignore[valid-type]
    left_turn_signal: bool
    non_motor_signal: bool
    guide_lines: bool
    dedicated_left_lane: bool
    left_lane_width_m: float | None
    second_stage_area_m2: float | None
    peak_left_turn_bikes: int | None
    no_entry_zone: bool
    two_stage_sign: bool
    guide_lanes_in_waiting_area: bool


@strawberry.input(description="An intersection's non-motor design (六-一, 六-二).")
class IntersectionDesignInput:
    stop_line: bool = strawberry.field(description="非机动车停止线")
    waiting_area_m2: float = strawberry.field(description="非机动车等候区 (m²)")
    peak_waiting_bikes: int = strawberry.field(description="Peak vehicles waiting per cycle")
    separation: IntersectionSeparation  # type: ignore[valid-type]
    left_turn: IntersectionLeftTurn  # type: ignore[valid-type]
    cross_line_problem: bool = strawberry.field(
        default=False, description="越线停车、占用机动车道问题突出"
    )
    left_turn_signal: bool = False
    non_motor_signal: bool = False
    guide_lines: bool = False
    dedicated_left_lane: bool = False
    left_lane_width_m: float | None = None
    second_stage_area_m2: float | None = strawberry.field(
        default=None, description="二次过街等候区 (m²)"
    )
    peak_left_turn_bikes: int | None = None
    no_entry_zone: bool = False
    two_stage_sign: bool = False
    guide_lanes_in_waiting_area: bool = False

    def design(self) -> Design:
        # the input's fields are the rule's design, name for name (enums arrive as members)
        return Design(**vars(self))


@strawberry.type(description="A design finding with the seed clause it comes from.")
class IntersectionFinding:
    code: str
    message: str
    field: str | None
    rule: str | None


@strawberry.type(description="Whether a design is consistent, every violation, and advice.")
class IntersectionDesignCheck:
    valid: bool
    violations: list[IntersectionFinding]
    advice: list[str]

    @classmethod
    def of(cls, f: Findings) -> IntersectionDesignCheck:
        return from_row(cls, f, violations=[from_row(IntersectionFinding, v) for v in f.violations])


@strawberry.type(description="A city intersection with its non-motor design.")
class IntersectionSite:
    id: strawberry.ID
    city: str
    name: str
    design: IntersectionDesign
    advice: list[str]
    key: bool = strawberry.field(description="重点路口")
    key_reasons: list[IntersectionKeyReason]  # type: ignore[valid-type]
    key_since: dt.date | None

    @classmethod
    def of(cls, row: Intersection) -> IntersectionSite:
        d = service.design_of(row)
        return from_row(
            cls,
            row,
            city=row.city_code,
            design=IntersectionDesign(**d.__dict__),
            advice=list(row.advice or []),
            key=bool(row.key_reasons),
        )


def _flags(row: StaffingShift | EnforcementRecord) -> list[RecordFlag]:
    """A record's flags (none when the column is empty)."""
    return [RecordFlag(f) for f in row.flags or []]


@strawberry.type(description="Staff on duty at a key intersection on one day.")
class IntersectionStaffingShift:
    id: strawberry.ID
    intersection_id: strawberry.ID
    day: dt.date
    police: int
    auxiliaries: int
    volunteers: int
    flags: list[IntersectionRecordFlag] = strawberry.field(  # type: ignore[valid-type]
        description="What the city's own policy would not expect (recorded, never refused)."
    )

    @classmethod
    def of(cls, row: StaffingShift) -> IntersectionStaffingShift:
        return from_row(cls, row, flags=_flags(row))


@strawberry.type(description="Non-motor violations dealt with at an intersection on one day.")
class IntersectionEnforcement:
    id: strawberry.ID
    intersection_id: strawberry.ID
    day: dt.date
    kind: IntersectionViolationKind  # type: ignore[valid-type]
    action: IntersectionEnforcementAction  # type: ignore[valid-type]
    count: int
    flags: list[IntersectionRecordFlag] = strawberry.field(  # type: ignore[valid-type]
        description="What the city's own policy would not expect (recorded, never refused)."
    )

    @classmethod
    def of(cls, row: EnforcementRecord) -> IntersectionEnforcement:
        return from_row(cls, row, flags=_flags(row))


@strawberry.type(description="A city's figures for a period.")
class IntersectionFigure:
    name: str
    value: int


@strawberry.type(description="Per-city report of M18.")
class IntersectionCityReport:
    city: str
    start: dt.date
    end: dt.date
    figures: list[IntersectionFigure]


@strawberry.input
class IntersectionSaveInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Set to update")
    city: str
    name: str
    design: IntersectionDesignInput


@strawberry.input
class IntersectionStaffingInput:
    intersection_id: strawberry.ID
    day: dt.date
    police: int
    auxiliaries: int = 0
    volunteers: int = 0


@strawberry.input
class IntersectionEnforcementInput:
    intersection_id: strawberry.ID
    day: dt.date
    kind: IntersectionViolationKind  # type: ignore[valid-type]
    action: IntersectionEnforcementAction  # type: ignore[valid-type]
    count: int = 1


@strawberry.type
class IntersectionPayload(Payload):
    intersection: IntersectionSite | None = None


@strawberry.type
class IntersectionStaffingPayload(Payload):
    shift: IntersectionStaffingShift | None = None


@strawberry.type
class IntersectionEnforcementPayload(Payload):
    record: IntersectionEnforcement | None = None


@strawberry.type
class IntersectionQuery:
    @operation_field(
        f"{MEASURE}.design_check",
        "Check a design against 六-一 and 六-二 without saving it: every violation and advice.",
        qualifier=OWN_CITY,
    )
    def intersection_design_check(
        self, info: strawberry.Info, city: str, design: IntersectionDesignInput
    ) -> IntersectionDesignCheck:
        ctx: Context = info.context
        code = service.city_in_scope(ctx, city)
        return IntersectionDesignCheck.of(service.check(ctx, code, design.design()))

    @operation_field(
        f"{MEASURE}.read",
        "Intersections of a city (key ones only if asked).",
        qualifier=JURISDICTION,
    )
    def intersections(
        self,
        info: strawberry.Info,
        city: str,
        key_only: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[IntersectionSite]:
        ctx: Context = info.context
        code = service.city_in_scope(ctx, city)
        stmt = select(Intersection).where(Intersection.city_code == code)
        if key_only:
            stmt = stmt.where(Intersection.key_since.is_not(None))  # type: ignore[union-attr]
        stmt = stmt.order_by(Intersection.name, Intersection.id)  # type: ignore[arg-type]
        return paginate(ctx, stmt, first, after, IntersectionSite.of)

    @operation_field(
        f"{MEASURE}.read",
        "Staffing and enforcement records of an intersection in a period.",
        qualifier=JURISDICTION,
    )
    def intersection_records(
        self, info: strawberry.Info, intersection_id: strawberry.ID, start: dt.date, end: dt.date
    ) -> IntersectionRecords:
        ctx: Context = info.context
        row = ctx.session.get(Intersection, lookup_id(intersection_id))
        if row is None:
            raise NotFound("Intersection", "intersectionId")
        service.city_in_scope(ctx, row.city_code)
        _period(start, end)
        shifts = ctx.session.exec(select(StaffingShift).where(
            StaffingShift.intersection_id == row.id, StaffingShift.day >= start, StaffingShift.day <= end
        ).order_by(StaffingShift.day)).all()  # fmt: skip
        records = ctx.session.exec(select(EnforcementRecord).where(
            EnforcementRecord.intersection_id == row.id, EnforcementRecord.day >= start,
            EnforcementRecord.day <= end,
        ).order_by(EnforcementRecord.day)).all()  # fmt: skip
        return IntersectionRecords(
            staffing=[IntersectionStaffingShift.of(s) for s in shifts],
            enforcement=[IntersectionEnforcement.of(r) for r in records],
        )

    @operation_field(
        f"{MEASURE}.report",
        "Per-city report: intersections by left-turn mode, key intersections, staffing and "
        "enforcement in a period.",
        qualifier=JURISDICTION,
    )
    def intersection_report(
        self, info: strawberry.Info, city: str, start: dt.date, end: dt.date
    ) -> IntersectionCityReport:
        ctx: Context = info.context
        code = service.city_in_scope(ctx, city)
        _period(start, end)
        figures = reports.figures(ctx.session, code, start, end)
        return IntersectionCityReport(
            city=code, start=start, end=end,
            figures=[IntersectionFigure(name=k, value=int(v)) for k, v in figures.items()],
        )  # fmt: skip


@strawberry.type(description="Staffing and enforcement records of one intersection.")
class IntersectionRecords:
    staffing: list[IntersectionStaffingShift]
    enforcement: list[IntersectionEnforcement]


def _period(start: dt.date, end: dt.date) -> None:
    if end < start or (end - start).days > 366:
        raise RuleError(Code.INVALID_DATE, "The period runs forwards, at most a year.", field="end")


@strawberry.type
class IntersectionMutation:
    @mutation(
        f"{MEASURE}.design_write",
        "Create or update an intersection with a consistent non-motor design.",
        qualifier=OWN_CITY,
    )
    def intersection_save(
        self, info: strawberry.Info, input: IntersectionSaveInput, scope: WriteScope
    ) -> IntersectionPayload:
        row = service.save(info.context, scope.session, str(input.id) if input.id else None,
                           input.city, input.name, input.design.design())  # fmt: skip
        scope.subject(None, f"Intersection:{row.id}")
        return IntersectionPayload(intersection=IntersectionSite.of(row))

    @mutation(
        f"{MEASURE}.key_set",
        "Designate a key intersection (流量大、秩序乱、事故多) or release it (no reasons).",
        qualifier=OWN_CITY,
    )
    def intersection_key_set(
        self,
        info: strawberry.Info,
        intersection_id: strawberry.ID,
        reasons: list[IntersectionKeyReason],  # type: ignore[valid-type]
        scope: WriteScope,
    ) -> IntersectionPayload:
        row = service.set_key(
            info.context, scope.session, str(intersection_id), [KeyReason(r) for r in reasons]
        )
        scope.subject(None, f"Intersection:{row.id}", key=bool(row.key_reasons))
        return IntersectionPayload(intersection=IntersectionSite.of(row))

    @mutation(
        f"{MEASURE}.staffing_record",
        "Record staff on duty at a key intersection.",
        qualifier=OWN_CITY,
    )
    def intersection_staffing_record(
        self, info: strawberry.Info, input: IntersectionStaffingInput, scope: WriteScope
    ) -> IntersectionStaffingPayload:
        row = service.record_staffing(info.context, scope.session, str(input.intersection_id),
                                      input.day, input.police, input.auxiliaries,
                                      input.volunteers)  # fmt: skip
        scope.subject(None, f"Intersection:{row.intersection_id}")
        return IntersectionStaffingPayload(shift=IntersectionStaffingShift.of(row))

    @mutation(
        f"{MEASURE}.enforcement_record",
        "Record non-motor violations dealt with at an intersection (counts only).",
        qualifier=OWN_CITY,
    )
    def intersection_enforcement_record(
        self, info: strawberry.Info, input: IntersectionEnforcementInput, scope: WriteScope
    ) -> IntersectionEnforcementPayload:
        row = service.record_enforcement(
            info.context, scope.session, str(input.intersection_id), input.day,
            ViolationKind(input.kind), EnforcementAction(input.action), input.count,
        )  # fmt: skip
        scope.subject(None, f"Intersection:{row.intersection_id}")
        return IntersectionEnforcementPayload(record=IntersectionEnforcement.of(row))


__all__ = ["IntersectionMutation", "IntersectionQuery"]
