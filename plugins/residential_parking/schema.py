"""Query and Mutation fields of M05; each gated by a `residential_parking.*` permission action."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.context import WriteScope
from core.graphql.operations import mutation, operation_field
from core.graphql.pagination import Connection

from . import check, segments
from .rules import MEASURE
from .types import (
    ResidentialParkingAdjustInput,
    ResidentialParkingAnswer,
    ResidentialParkingChangeReason,
    ResidentialParkingSegment,
    ResidentialParkingSegmentInput,
    ResidentialParkingSegmentPayload,
    ResidentialParkingSegmentVersion,
)

OWN_CITY = "own city"


@strawberry.type
class ResidentialParkingQuery:
    @operation_field(f"{MEASURE}.public_read", "Segments of a city where residents may park.")
    def residential_parking_segments(
        self,
        info: strawberry.Info,
        city: str,
        include_withdrawn: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[ResidentialParkingSegment]:
        return segments.list_segments(info.context, city, include_withdrawn, first, after)

    @operation_field(
        f"{MEASURE}.public_read",
        "Every version of a segment (designation, adjustments, withdrawal).",
    )
    def residential_parking_segment_history(
        self, info: strawberry.Info, segment_id: strawberry.ID
    ) -> list[ResidentialParkingSegmentVersion]:
        return segments.history(info.context, str(segment_id))

    @operation_field(
        f"{MEASURE}.public_read",
        "May I park on this segment at `at` (default now)? Yes/no with the window matched or why "
        "not.",
    )
    def residential_parking_check(
        self, info: strawberry.Info, segment_id: strawberry.ID, at: dt.datetime | None = None
    ) -> ResidentialParkingAnswer:
        return check.may_park(info.context, str(segment_id), at)


@strawberry.type
class ResidentialParkingMutation:
    @mutation(
        f"{MEASURE}.designate",
        "Designate a segment with its windows, signs and bays.",
        qualifier=OWN_CITY,
    )
    def residential_parking_segment_designate(
        self, info: strawberry.Info, input: ResidentialParkingSegmentInput, scope: WriteScope
    ) -> ResidentialParkingSegmentPayload:
        return segments.designate(info.context, scope, input)

    @mutation(
        f"{MEASURE}.designate",
        "Adjust a segment's windows or markings (new version).",
        qualifier=OWN_CITY,
    )
    def residential_parking_segment_adjust(
        self, info: strawberry.Info, input: ResidentialParkingAdjustInput, scope: WriteScope
    ) -> ResidentialParkingSegmentPayload:
        return segments.adjust(info.context, scope, input)

    @mutation(
        f"{MEASURE}.designate",
        "Withdraw a segment (kept as history).",
        qualifier=OWN_CITY,
        way_out=True,
    )
    def residential_parking_segment_withdraw(
        self,
        info: strawberry.Info,
        segment_id: strawberry.ID,
        reason: ResidentialParkingChangeReason,
        note: str,
        scope: WriteScope,
    ) -> ResidentialParkingSegmentPayload:
        return segments.withdraw(info.context, scope, str(segment_id), reason, note)

    @mutation(
        f"{MEASURE}.signs",
        "Record the day the segment's signs were installed.",
        qualifier=OWN_CITY,
    )
    def residential_parking_signs_record(
        self,
        info: strawberry.Info,
        segment_id: strawberry.ID,
        installed_on: dt.date,
        scope: WriteScope,
    ) -> ResidentialParkingSegmentPayload:
        return segments.record_signs(info.context, scope, str(segment_id), installed_on)
