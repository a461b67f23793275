"""GraphQL types, inputs and payloads of M05 (all prefixed `ResidentialParking`)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from core.graphql.types import UserError
from plugins.residential_parking.models import ParkingSegment as SegmentRow
from plugins.residential_parking.models import ParkingSegmentVersion as VersionRow
from plugins.residential_parking.rules import describe, fmt


@strawberry.enum(name="ResidentialParkingWindowKind", description="夜间 / 周末 / 法定假期")
class WindowKind(enum.StrEnum):
    NIGHT = "NIGHT"
    WEEKEND = "WEEKEND"
    HOLIDAY = "HOLIDAY"


@strawberry.enum(name="ResidentialParkingMarking", description="标志 only, or painted bays")
class Marking(enum.StrEnum):
    SIGN_ONLY = "SIGN_ONLY"
    BAYS = "BAYS"


@strawberry.enum(name="ResidentialParkingChangeReason", description="Why a segment changes")
class ChangeReason(enum.StrEnum):
    EVALUATION = "EVALUATION"  # 跟踪评估
    EMERGENCY_ACCESS = "EMERGENCY_ACCESS"  # 影响应急救援车辆通行
    OFF_STREET_SUFFICIENT = "OFF_STREET_SUFFICIENT"  # 停车资源增加，停车难问题得到有效解决


@strawberry.type(description="A time window when residents may park.")
class ResidentialParkingWindow:
    kind: WindowKind
    start: str
    end: str
    label: str

    @classmethod
    def of(cls, w: dict) -> ResidentialParkingWindow:
        return cls(
            kind=WindowKind(w["kind"]), start=fmt(w["start"]), end=fmt(w["end"]), label=describe(w)
        )


@strawberry.type(description="A road segment where residents may park at designated times.")
class ResidentialParkingSegment:
    id: strawberry.ID
    city: str
    county: str | None
    road: str
    section: str
    status: str = strawberry.field(description="ACTIVE | WITHDRAWN")
    version: int
    windows: list[ResidentialParkingWindow]
    marking: Marking
    bay_count: int
    bay_time_marked: bool
    signs_installed_on: dt.date | None
    emergency_route: bool

    @classmethod
    def of(cls, row: SegmentRow) -> ResidentialParkingSegment:
        return cls(
            id=strawberry.ID(row.id),
            city=row.city_code,
            county=row.county,
            road=row.road,
            section=row.section,
            status=row.status,
            version=row.version,
            windows=[ResidentialParkingWindow.of(w) for w in row.windows],
            marking=Marking(row.marking),
            bay_count=row.bay_count,
            bay_time_marked=row.bay_time_marked,
            signs_installed_on=row.signs_installed_on,
            emergency_route=row.emergency_route,
        )


@strawberry.type(description="One version of a segment: designation, adjustment, withdrawal.")
class ResidentialParkingSegmentVersion:
    version: int
    action: str = strawberry.field(description="DESIGNATE | ADJUST | WITHDRAW | SIGNS")
    status: str
    windows: list[ResidentialParkingWindow]
    marking: Marking
    bay_count: int
    bay_time_marked: bool
    signs_installed_on: dt.date | None
    reason: ChangeReason | None
    note: str | None
    effective_at: dt.datetime

    @classmethod
    def of(cls, row: VersionRow) -> ResidentialParkingSegmentVersion:
        return cls(
            version=row.version,
            action=row.action,
            status=row.status,
            windows=[ResidentialParkingWindow.of(w) for w in row.windows],
            marking=Marking(row.marking),
            bay_count=row.bay_count,
            bay_time_marked=row.bay_time_marked,
            signs_installed_on=row.signs_installed_on,
            reason=ChangeReason(row.reason) if row.reason else None,
            note=row.note,
            effective_at=row.effective_at,
        )


@strawberry.type(description="May I park on this segment at this time? With the reason.")
class ResidentialParkingAnswer:
    allowed: bool
    reason: str = strawberry.field(
        description="WINDOW_MATCHED | OUTSIDE_WINDOWS | WITHDRAWN | NOT_DESIGNATED | "
        "SIGNS_NOT_INSTALLED"
    )
    matched_window: ResidentialParkingWindow | None
    day_type: str = strawberry.field(description="WORKDAY | WEEKEND | HOLIDAY | SWAPPED_WORKDAY")
    holiday_name: str | None
    rule: str
    message: str
    segment_version: int | None
    at: dt.datetime = strawberry.field(description="The instant asked about, Beijing time")


@strawberry.input(description="A time window: kind and HH:MM start/end (end may be 24:00).")
class ResidentialParkingWindowInput:
    kind: WindowKind
    start: str
    end: str


@strawberry.input(description="Designate a segment (2021-五-一, 五-二).")
class ResidentialParkingSegmentInput:
    city: str
    road: str
    section: str
    emergency_route: bool
    windows: list[ResidentialParkingWindowInput]
    marking: Marking
    county: str | None = None
    bay_count: int = 0
    bay_time_marked: bool = False
    signs_installed_on: dt.date | None = None


@strawberry.input(description="Adjust a segment's windows or markings (2021-五-三).")
class ResidentialParkingAdjustInput:
    segment_id: strawberry.ID
    windows: list[ResidentialParkingWindowInput]
    marking: Marking
    reason: ChangeReason
    note: str
    bay_count: int = 0
    bay_time_marked: bool = False


@strawberry.type
class ResidentialParkingSegmentPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    segment: ResidentialParkingSegment | None = None
