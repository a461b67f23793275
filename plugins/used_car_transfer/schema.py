"""GraphQL types and operations of M02 (names prefixed `UsedCarTransfer` / `usedCarTransfer`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.types import IdTypeEnum
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row

from . import closing, rules, service
from .models import UsedCarTransferInspection as InspectionRow
from .models import UsedCarTransferRow
from .rules import MEASURE

RouteEnum = strawberry.enum(
    rules.Route,
    name="UsedCarTransferRoute",
    description="Where the trade happened, which decides the handling office (二-一-2, 二-一-5).",
)
ChannelEnum = strawberry.enum(
    rules.Channel,
    name="UsedCarTransferChannel",
    description="How the application came in: ONLINE (the new owner) or WINDOW (a clerk).",
)
StatusEnum = strawberry.enum(
    rules.TransferStatus, name="UsedCarTransferStatus", description="Step of a transfer."
)
SuspicionEnum = strawberry.enum(
    rules.Suspicion,
    name="UsedCarTransferSuspicion",
    description="What an inspection found (二-三-3, 二-四-1); NONE when nothing.",
)
ReturnReasonEnum = strawberry.enum(
    rules.ReturnReason,
    name="UsedCarTransferReturnReason",
    description="The reason given for returning an archive (退档); only the suspicions of 二-四-1 "
    "are accepted.",
)
ReturnBasisEnum = strawberry.enum(
    rules.ReturnBasis,
    name="UsedCarTransferReturnBasis",
    description="What established the suspicion an archive return rests on (二-四-1): this "
    "transfer's inspection, or the vehicle registry's 被盗抢 status.",
)


@strawberry.type(description="A vehicle inspection (查验) with its audio/video record.")
class UsedCarTransferInspection:
    inspected_at: dt.datetime
    city: str
    vin_matches: bool
    suspicion: SuspicionEnum  # type: ignore[valid-type]
    passed: bool
    video_ref: str
    video_sha256: str

    @classmethod
    def of(cls, row: InspectionRow) -> UsedCarTransferInspection:
        return from_row(cls, row, china_times=True, city=row.city_code)


@strawberry.type(description="A cross-region used-car transfer registration (二手车异地交易登记).")
class UsedCarTransfer:
    id: strawberry.ID
    application_id: strawberry.ID
    vehicle_id: strawberry.ID
    from_city: str = strawberry.field(description="转出地: the registration city")
    to_city: str = strawberry.field(description="转入地: the new owner's domicile")
    trade_city: str
    handling_city: str = strawberry.field(description="The office city that received it")
    route: RouteEnum  # type: ignore[valid-type]
    channel: ChannelEnum  # type: ignore[valid-type]
    status: StatusEnum  # type: ignore[valid-type]
    invoice_number: str
    invoice_date: dt.date
    dealer_credit_code: str | None
    plate_before: str | None
    plate_after: str | None
    return_reason: ReturnReasonEnum | None  # type: ignore[valid-type]
    return_basis: ReturnBasisEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="What established the suspicion of an archive return"
    )
    return_evidence: str | None = strawberry.field(
        description="The evidence recorded with an archive return (JSON: the inspection and its "
        "audio/video record, or the registry status on the day)"
    )
    close_note: str | None = strawberry.field(
        description="The reason given when the new owner withdrew or the office rejected it"
    )
    submitted_at: dt.datetime
    registered_at: dt.datetime | None
    inspection: UsedCarTransferInspection | None

    @classmethod
    def of(cls, row: UsedCarTransferRow, inspection: InspectionRow | None) -> UsedCarTransfer:
        found = UsedCarTransferInspection.of(inspection) if inspection else None
        return from_row(cls, row, china_times=True, inspection=found)


def _out(ctx: Context, row: UsedCarTransferRow) -> UsedCarTransfer:
    return UsedCarTransfer.of(row, service.inspection_of(ctx.session, row.id))


@strawberry.input(description="An application for a cross-region transfer.")
class UsedCarTransferApplyInput:
    vin: str
    plate: str = strawberry.field(description="The current plate (must match the VIN)")
    trade_city: str = strawberry.field(
        description="City where traded and invoiced (转出地 or 转入地)"
    )
    invoice_number: str
    invoice_date: dt.date
    dealer_credit_code: str | None = strawberry.field(
        default=None, description="二手车经销企业 / 交易市场 unified social credit code"
    )
    buyer_id_type: IdTypeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Window only: the new owner's document type"
    )
    buyer_id_number: str | None = strawberry.field(
        default=None, description="Window only: the new owner's ID number"
    )


@strawberry.input(description="An inspection of the vehicle with its audio/video record.")
class UsedCarTransferInspectInput:
    transfer_id: strawberry.ID
    vin_matches: bool
    suspicion: SuspicionEnum = rules.Suspicion.NONE  # type: ignore[valid-type]
    video_ref: str = strawberry.field(description="Reference of the audio/video record")
    video_sha256: str
    note: str | None = None


@strawberry.type
class UsedCarTransferPayload(Payload):
    transfer: UsedCarTransfer | None = None


EITHER_CITY = "citizens: their own, as new owner; staff: of either city, audited"


@strawberry.type
class UsedCarTransferQuery:
    @operation_field(f"{MEASURE}.read", "One transfer.", qualifier=EITHER_CITY)
    def used_car_transfer(self, info: strawberry.Info, id: strawberry.ID) -> UsedCarTransfer:
        ctx: Context = info.context
        return _out(ctx, service.read_one(ctx, str(id)))

    @operation_field(
        f"{MEASURE}.worklist", "Open transfers an office must act on.", qualifier="own city"
    )
    def used_car_transfers_open(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[UsedCarTransfer]:
        ctx: Context = info.context
        ctx.require_jurisdiction(city)
        ctx.require_in_force(MEASURE, city)
        page = paginate(ctx, service.open_statement(city), first, after, lambda r: _out(ctx, r))
        ctx.audit_read(
            f"{MEASURE}.worklist",
            None,
            None,
            {"purpose": "worklist", "count": len(page.nodes)},
            measure=MEASURE,
        )
        return page


@strawberry.type
class UsedCarTransferMutation:
    @mutation(
        f"{MEASURE}.apply",
        "Apply for a cross-region transfer.",
        qualifier="citizens online, as new owner, only when traded in the transfer-in city; "
        "clerks at the window of the handling city",
    )
    def used_car_transfer_apply(
        self, info: strawberry.Info, input: UsedCarTransferApplyInput, scope: WriteScope
    ) -> UsedCarTransferPayload:
        # the input's fields are the service's keyword arguments, name for name
        row = service.apply(info.context, scope, **vars(input))
        return UsedCarTransferPayload(transfer=UsedCarTransfer.of(row, None))

    @mutation(
        f"{MEASURE}.inspect",
        "Record the inspection, or the re-inspection after the owner corrected what failed "
        "(INSPECTION_FAILED).",
        qualifier="handling city",
    )
    def used_car_transfer_inspect(
        self, info: strawberry.Info, input: UsedCarTransferInspectInput, scope: WriteScope
    ) -> UsedCarTransferPayload:
        # the input's fields are the service's keyword arguments (enums arrive as members)
        row, record = service.inspect(info.context, scope, **vars(input))
        return UsedCarTransferPayload(transfer=UsedCarTransfer.of(row, record))

    @mutation(
        f"{MEASURE}.register",
        "Register the transfer in one step at the transfer-in office.",
        qualifier="transfer-in city",
    )
    def used_car_transfer_register(
        self, info: strawberry.Info, transfer_id: strawberry.ID, new_plate: str, scope: WriteScope
    ) -> UsedCarTransferPayload:
        row = service.register(
            info.context, scope, transfer_id=str(transfer_id), new_plate=new_plate
        )
        return UsedCarTransferPayload(transfer=_out(info.context, row))

    @mutation(
        f"{MEASURE}.archive_return",
        "Return the archive (退档): only for suspected stolen, robbed, defrauded, smuggled or "
        "illegally assembled vehicles, the suspicion established by this transfer's inspection "
        "or by the vehicle registry (被盗抢); the evidence is recorded.",
        qualifier="transfer-in city",
    )
    def used_car_transfer_archive_return(
        self,
        info: strawberry.Info,
        transfer_id: strawberry.ID,
        reason: ReturnReasonEnum,  # type: ignore[valid-type]
        note: str,
        scope: WriteScope,
    ) -> UsedCarTransferPayload:
        row = service.return_archive(
            info.context,
            scope,
            transfer_id=str(transfer_id),
            reason=rules.ReturnReason(reason),
            note=note,
        )
        return UsedCarTransferPayload(transfer=_out(info.context, row))

    @mutation(
        f"{MEASURE}.withdraw",
        "Withdraw your open transfer before registration (not once an inspection found a "
        "suspicion).",
        qualifier="the new owner",
        way_out=True,
    )
    def used_car_transfer_withdraw(
        self,
        info: strawberry.Info,
        transfer_id: strawberry.ID,
        scope: WriteScope,
        reason: str | None = None,
    ) -> UsedCarTransferPayload:
        row = closing.withdraw(info.context, scope, transfer_id=str(transfer_id), reason=reason)
        return UsedCarTransferPayload(transfer=_out(info.context, row))

    @mutation(
        f"{MEASURE}.reject",
        "Refuse an open transfer with the reason (before or after a failed inspection; after a "
        "passed one only when the vehicle can no longer be transferred).",
        qualifier="the handling or transfer-in city",
        way_out=True,
    )
    def used_car_transfer_reject(
        self, info: strawberry.Info, transfer_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> UsedCarTransferPayload:
        row = closing.reject(info.context, scope, transfer_id=str(transfer_id), reason=reason)
        return UsedCarTransferPayload(transfer=_out(info.context, row))
