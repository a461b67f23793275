"""Query and Mutation fields of M05; each gated by a `residential_parking.*` permission action."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.graphql.pagination import Connection
from core.permissions import requires
from plugins.residential_parking import check, segments
from plugins.residential_parking.types import (
    ChangeReason,
    ResidentialParkingAdjustInput,
    ResidentialParkingAnswer,
    ResidentialParkingSegment,
    ResidentialParkingSegmentInput,
    ResidentialParkingSegmentPayload,
    ResidentialParkingSegmentVersion,
)


@strawberry.type
class ResidentialParkingQuery:
    @strawberry.field(
        extensions=[requires("residential_parking.public_read")],
        description="Segments of a city where residents may park. Public: every role.",
    )
    def residential_parking_segments(
        self,
        info: strawberry.Info,
        city: str,
        include_withdrawn: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[ResidentialParkingSegment]:
        return segments.list_segments(info.context, city, include_withdrawn, first, after)

    @strawberry.field(
        extensions=[requires("residential_parking.public_read")],
        description="Every version of a segment (designation, adjustments, withdrawal). Public.",
    )
    def residential_parking_segment_history(
        self, info: strawberry.Info, segment_id: strawberry.ID
    ) -> list[ResidentialParkingSegmentVersion]:
        return segments.history(info.context, str(segment_id))

    @strawberry.field(
        extensions=[requires("residential_parking.public_read")],
        description="May I park on this segment at `at` (default now)? Yes/no with the window "
        "matched or why not. Public: every role.",
    )
    def residential_parking_check(
        self, info: strawberry.Info, segment_id: strawberry.ID, at: dt.datetime | None = None
    ) -> ResidentialParkingAnswer:
        return check.may_park(info.context, str(segment_id), at)


@strawberry.type
class ResidentialParkingMutation:
    @strawberry.mutation(
        extensions=[requires("residential_parking.designate")],
        description="Designate a segment with its windows, signs and bays. Roles: SUPERVISOR "
        "(own city).",
    )
    def residential_parking_segment_designate(
        self, info: strawberry.Info, input: ResidentialParkingSegmentInput
    ) -> ResidentialParkingSegmentPayload:
        return segments.designate(info.context, input)

    @strawberry.mutation(
        extensions=[requires("residential_parking.designate")],
        description="Adjust a segment's windows or markings (new version). Roles: SUPERVISOR "
        "(own city).",
    )
    def residential_parking_segment_adjust(
        self, info: strawberry.Info, input: ResidentialParkingAdjustInput
    ) -> ResidentialParkingSegmentPayload:
        return segments.adjust(info.context, input)

    @strawberry.mutation(
        extensions=[requires("residential_parking.designate")],
        description="Withdraw a segment (kept as history). Roles: SUPERVISOR (own city).",
    )
    def residential_parking_segment_withdraw(
        self, info: strawberry.Info, segment_id: strawberry.ID, reason: ChangeReason, note: str
    ) -> ResidentialParkingSegmentPayload:
        return segments.withdraw(info.context, str(segment_id), reason, note)

    @strawberry.mutation(
        extensions=[requires("residential_parking.signs")],
        description="Record the day the segment's signs were installed. Roles: CLERK, "
        "SUPERVISOR (own city).",
    )
    def residential_parking_signs_record(
        self, info: strawberry.Info, segment_id: strawberry.ID, installed_on: dt.date
    ) -> ResidentialParkingSegmentPayload:
        return segments.record_signs(info.context, str(segment_id), installed_on)
