"""GraphQL types, inputs and payloads of M05 (all prefixed `ResidentialParking`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.graphql.operations import Payload
from core.graphql.rows import from_row

from . import rules
from .models import ParkingSegment as SegmentRow
from .models import ParkingSegmentVersion as VersionRow
from .rules import describe, fmt

ResidentialParkingWindowKind = strawberry.enum(
    rules.WindowKind, name="ResidentialParkingWindowKind", description="夜间 / 周末 / 法定假期"
)
ResidentialParkingMarking = strawberry.enum(
    rules.Marking, name="ResidentialParkingMarking", description="标志 only, or painted bays"
)
ResidentialParkingChangeReason = strawberry.enum(
    rules.ChangeReason, name="ResidentialParkingChangeReason", description="Why a segment changes"
)
ResidentialParkingSegmentStatus = strawberry.enum(
    rules.SegmentStatus,
    name="ResidentialParkingSegmentStatus",
    description="ACTIVE, or WITHDRAWN (kept as history, never changed again).",
)
ResidentialParkingVersionAction = strawberry.enum(
    rules.VersionAction,
    name="ResidentialParkingVersionAction",
    description="What made a version: designation, adjustment, withdrawal, sign record.",
)
ResidentialParkingAnswerReason = strawberry.enum(
    rules.AnswerReason,
    name="ResidentialParkingAnswerReason",
    description="Why a resident may (not) park on the segment at the instant asked about.",
)
ResidentialParkingDayType = strawberry.enum(
    rules.DayType,
    name="ResidentialParkingDayType",
    description="The kind of day (holiday calendar): a swapped working weekend day (调休) is "
    "SWAPPED_WORKDAY.",
)


@strawberry.type(description="A time window when residents may park.")
class ResidentialParkingWindow:
    kind: ResidentialParkingWindowKind
    start: str
    end: str
    label: str

    @classmethod
    def of(cls, w: dict) -> ResidentialParkingWindow:
        return cls(
            kind=rules.WindowKind(w["kind"]),
            start=fmt(w["start"]),
            end=fmt(w["end"]),
            label=describe(w),
        )


@strawberry.type(description="A road segment where residents may park at designated times.")
class ResidentialParkingSegment:
    id: strawberry.ID
    city: str
    county: str | None
    road: str
    section: str
    status: ResidentialParkingSegmentStatus
    version: int
    windows: list[ResidentialParkingWindow]
    marking: ResidentialParkingMarking
    bay_count: int
    bay_time_marked: bool
    signs_installed_on: dt.date | None
    emergency_route: bool

    @classmethod
    def of(cls, row: SegmentRow) -> ResidentialParkingSegment:
        windows = [ResidentialParkingWindow.of(w) for w in row.windows]
        return from_row(cls, row, city=row.city_code, windows=windows)


@strawberry.type(description="One version of a segment: designation, adjustment, withdrawal.")
class ResidentialParkingSegmentVersion:
    version: int
    action: ResidentialParkingVersionAction
    status: ResidentialParkingSegmentStatus = strawberry.field(
        description="The segment's status after this version."
    )
    windows: list[ResidentialParkingWindow]
    marking: ResidentialParkingMarking
    bay_count: int
    bay_time_marked: bool
    signs_installed_on: dt.date | None
    reason: ResidentialParkingChangeReason | None
    note: str | None
    effective_at: dt.datetime

    @classmethod
    def of(cls, row: VersionRow) -> ResidentialParkingSegmentVersion:
        windows = [ResidentialParkingWindow.of(w) for w in row.windows]
        return from_row(cls, row, windows=windows)


@strawberry.type(description="May I park on this segment at this time? With the reason.")
class ResidentialParkingAnswer:
    allowed: bool
    reason: ResidentialParkingAnswerReason
    matched_window: ResidentialParkingWindow | None
    day_type: ResidentialParkingDayType
    holiday_name: str | None
    rule: str
    message: str
    segment_version: int | None
    at: dt.datetime = strawberry.field(description="The instant asked about, Beijing time")


@strawberry.input(description="A time window: kind and HH:MM start/end (end may be 24:00).")
class ResidentialParkingWindowInput:
    kind: ResidentialParkingWindowKind
    start: str
    end: str


@strawberry.input(description="Designate a segment (2021-五-一, 五-二).")
class ResidentialParkingSegmentInput:
    city: str
    road: str
    section: str
    emergency_route: bool
    windows: list[ResidentialParkingWindowInput]
    marking: ResidentialParkingMarking
    county: str | None = None
    bay_count: int = 0
    bay_time_marked: bool = False
    signs_installed_on: dt.date | None = None


@strawberry.input(description="Adjust a segment's windows or markings (2021-五-三).")
class ResidentialParkingAdjustInput:
    segment_id: strawberry.ID
    windows: list[ResidentialParkingWindowInput]
    marking: ResidentialParkingMarking
    reason: ResidentialParkingChangeReason
    note: str
    bay_count: int = 0
    bay_time_marked: bool = False


@strawberry.type
class ResidentialParkingSegmentPayload(Payload):
    segment: ResidentialParkingSegment | None = None
