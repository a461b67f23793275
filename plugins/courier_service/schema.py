"""GraphQL types and operations of M16 (courier home service)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import select

from core.accounts import PartnerOrg
from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.errors import NotFound
from core.graphql.mine import audit_unless_mine
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.ids import lookup_id

from . import rules, service
from .models import Agreement, Booking, BookingEvent, CourierStaff, FollowUp, PilotArea
from .rules import MEASURE, AgreementStatus, BookingStatus, Charge, ChargeItem, CourierBusiness

CourierBusinessEnum = strawberry.enum(
    CourierBusiness,
    name="CourierBusiness",
    description="A home-service business of 四-一-1.",
)
CourierBookingStatus = strawberry.enum(
    BookingStatus,
    name="CourierBookingStatus",
    description="A booking's step; each move is an event of its trail (四-三-2).",
)
CourierChargeItem = strawberry.enum(
    ChargeItem,
    name="CourierChargeItem",
    description="A charge line's item; SERVICE_FEE and OTHER may not be charged (四-三-3).",
)
CourierAgreementStatus = strawberry.enum(
    AgreementStatus,
    name="CourierAgreementStatus",
    description="A company's agreement for an area: ACTIVE, SUSPENDED or TERMINATED (final).",
)


@strawberry.type(description="A charge line (yuan).")
class CourierCharge:
    item: CourierChargeItem  # type: ignore[valid-type]
    amount_yuan: int


@strawberry.type(description="A courier company's agreement for a pilot area (四-一-2).")
class CourierAgreement:
    id: strawberry.ID
    courier_org_id: strawberry.ID
    courier_name: str
    area_id: strawberry.ID
    businesses: list[CourierBusinessEnum]  # type: ignore[valid-type]
    valid_from: dt.date
    valid_until: dt.date | None
    postage_cap_yuan: int
    data_security_terms: str | None = strawberry.field(
        description="数据安全 terms of the agreement (四-一-2); null on agreements recorded "
        "before they were kept."
    )
    liability_terms: str | None = strawberry.field(
        description="责任赔偿 terms of the agreement (四-一-2)."
    )
    status: CourierAgreementStatus  # type: ignore[valid-type]
    status_reason: str | None

    @classmethod
    def of(cls, ctx: Context, row: Agreement) -> CourierAgreement:
        org = ctx.session.get(PartnerOrg, row.partner_org_id)
        return from_row(
            cls, row, courier_org_id=row.partner_org_id, courier_name=org.name if org else ""
        )


@strawberry.type(description="A pilot area (试点地区) and its business scope.")
class CourierPilotArea:
    id: strawberry.ID
    city: str
    name: str
    businesses: list[CourierBusinessEnum]  # type: ignore[valid-type]
    active: bool
    valid_from: dt.date
    agreements: list[CourierAgreement]

    @classmethod
    def of(cls, ctx: Context, row: PilotArea) -> CourierPilotArea:
        agreements = ctx.session.exec(
            select(Agreement).where(Agreement.area_id == row.id).order_by(Agreement.valid_from)
        ).all()
        return from_row(
            cls,
            row,
            city=row.city_code,
            active=row.status == "ACTIVE",
            agreements=[CourierAgreement.of(ctx, a) for a in agreements],
        )


@strawberry.type(description="A courier company's staff member (快递员).")
class CourierStaffMember:
    id: strawberry.ID
    city: str
    name: str
    staff_code: str
    inspector_qualified_until: dt.date | None = strawberry.field(
        description="查验员资格 valid until"
    )

    @classmethod
    def of(cls, row: CourierStaff) -> CourierStaffMember:
        return from_row(cls, row, city=row.city_code, inspector_qualified_until=row.qualified_until)


@strawberry.type(description="One step of a booking's trail.")
class CourierBookingEvent:
    at: dt.datetime
    status: CourierBookingStatus  # type: ignore[valid-type]
    actor_kind: str
    note: str | None


CourierFollowUpChannel = strawberry.enum(
    rules.FollowUpChannel,
    name="CourierFollowUpChannel",
    description="How the applicant was reached.",
)
CourierFollowUpProblem = strawberry.enum(
    rules.FollowUpProblem,
    name="CourierFollowUpProblem",
    description="What a follow-up found wrong (四-三-3).",
)


@strawberry.type(description="A service follow-up (服务回访) of a booking by the office (四-三-3).")
class CourierFollowUp:
    id: strawberry.ID
    at: dt.datetime
    channel: CourierFollowUpChannel  # type: ignore[valid-type]
    reached: bool
    satisfied: bool | None
    problems: list[CourierFollowUpProblem]  # type: ignore[valid-type]
    note: str | None

    @classmethod
    def of(cls, row: FollowUp) -> CourierFollowUp:
        return from_row(cls, row, china_times=True)


@strawberry.input(description="A service follow-up of a booking (四-三-3).")
class CourierFollowUpInput:
    booking_id: strawberry.ID
    channel: CourierFollowUpChannel  # type: ignore[valid-type]
    reached: bool = True
    satisfied: bool | None = None
    problems: list[CourierFollowUpProblem] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    note: str | None = None


@strawberry.type
class CourierFollowUpPayload(Payload):
    follow_up: CourierFollowUp | None = None


@strawberry.type(description="A booked home visit and its end-to-end trail.")
class CourierBooking:
    id: strawberry.ID
    business: CourierBusinessEnum  # type: ignore[valid-type]
    status: CourierBookingStatus  # type: ignore[valid-type]
    city: str
    area_id: strawberry.ID
    courier_org_id: strawberry.ID
    vehicle_id: strawberry.ID | None
    unit_id: strawberry.ID | None = strawberry.field(
        description="The unit whose vehicle it is (2024 八-三)."
    )
    address: str
    visit_date: dt.date
    mail_plates: bool
    staff: CourierStaffMember | None
    application_id: strawberry.ID | None
    inspection_passed: bool | None
    charges: list[CourierCharge]
    total_yuan: int
    fee_standard: list[CourierCharge] = strawberry.field(
        description="The national standard for this business (四-三-3)"
    )
    tracking_number: str | None
    events: list[CourierBookingEvent]
    guidance: list[str] = strawberry.field(
        description="What the applicant should know (四-二, 四-三)"
    )
    follow_ups: list[CourierFollowUp] = strawberry.field(
        description="The office's service follow-ups (回访, 四-三-3), oldest first."
    )

    @classmethod
    def of(cls, ctx: Context, row: Booking) -> CourierBooking:
        session = ctx.session
        staff = session.get(CourierStaff, row.staff_id or "")
        events = session.exec(
            select(BookingEvent).where(BookingEvent.booking_id == row.id).order_by(BookingEvent.id)  # type: ignore[arg-type]
        ).all()
        standard = rules.fee_standard(CourierBusiness(row.business), row.vehicle_kind)
        follow_ups = session.exec(
            select(FollowUp).where(FollowUp.booking_id == row.id).order_by(FollowUp.at)  # type: ignore[arg-type]
        ).all()
        return from_row(
            cls,
            row,
            city=row.city_code,
            courier_org_id=row.partner_org_id,
            staff=CourierStaffMember.of(staff) if staff else None,
            charges=[
                CourierCharge(item=ChargeItem(c["item"]), amount_yuan=c["amountYuan"])
                for c in row.charges
            ],
            fee_standard=[CourierCharge(item=k, amount_yuan=v) for k, v in standard.items()],
            events=[from_row(CourierBookingEvent, e, china_times=True) for e in events],
            guidance=rules.guidance(CourierBusiness(row.business), row.mail_plates),
            follow_ups=[CourierFollowUp.of(f) for f in follow_ups],
        )


# --- inputs and payloads --------------------------------------------------------------------------


@strawberry.input
class CourierPilotAreaInput:
    city: str
    name: str = strawberry.field(description="District or county (试点地区), e.g. 溧水区")
    businesses: list[CourierBusinessEnum]  # type: ignore[valid-type]
    valid_from: dt.date | None = None
    active: bool = True


@strawberry.input
class CourierAgreementInput:
    courier_org_id: strawberry.ID
    area_id: strawberry.ID
    businesses: list[CourierBusinessEnum]  # type: ignore[valid-type]
    valid_from: dt.date
    valid_until: dt.date | None = None
    postage_cap_yuan: int = 0
    data_security_terms: str = strawberry.field(
        default="",
        description="数据安全: how the company protects applicants' data (四-一-2); 10-1000 "
        "characters, required.",
    )
    liability_terms: str = strawberry.field(
        default="",
        description="责任赔偿: the company's liability for loss or damage (四-一-2); 10-1000 "
        "characters, required.",
    )


@strawberry.input
class CourierBookingInput:
    area_id: strawberry.ID
    courier_org_id: strawberry.ID
    business: CourierBusinessEnum  # type: ignore[valid-type]
    address: str
    visit_date: dt.date
    mail_plates: bool = True
    vehicle_id: strawberry.ID | None = strawberry.field(
        default=None, description="PLATE_REPLACEMENT, LICENCE_REPLACEMENT: your vehicle"
    )
    unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Book for a vehicle of this unit (2024 八-三): its legal person, an admin, "
        "or a user granted 补换领牌证 at a window.",
    )


@strawberry.input
class CourierChargeInput:
    item: CourierChargeItem  # type: ignore[valid-type]
    amount_yuan: int


@strawberry.input
class CourierVisitInput:
    booking_id: strawberry.ID
    identity_verified: bool
    materials: list[str]
    inspection_passed: bool | None = None
    charges: list[CourierChargeInput] = strawberry.field(default_factory=list)


@strawberry.type
class CourierPilotAreaPayload(Payload):
    area: CourierPilotArea | None = None


@strawberry.type
class CourierAgreementPayload(Payload):
    agreement: CourierAgreement | None = None


@strawberry.type
class CourierStaffPayload(Payload):
    staff: CourierStaffMember | None = None


@strawberry.type
class CourierBookingPayload(Payload):
    booking: CourierBooking | None = None


# --- queries ---------------------------------------------------------------------------------------


def _can_see(ctx: Context, row: Booking) -> bool:
    actor = ctx.actor
    if actor.is_partner:
        return actor.partner_org_id == row.partner_org_id
    if actor.is_staff:
        ctx.require_jurisdiction(row.city_code, field="bookingId")
        return True
    return actor.person_id == row.person_id


OWN_OR_AUDITED = (
    "citizens: their own; couriers: their company's, audited; clerks and supervisors: own city, "
    "audited"
)


@strawberry.type
class CourierQuery:
    @operation_field(
        f"{MEASURE}.area_read",
        "Pilot areas of a city with their businesses and courier agreements.",
    )
    def courier_pilot_areas(self, info: strawberry.Info, city: str) -> list[CourierPilotArea]:
        ctx: Context = info.context
        code = lookup_city(city).code
        ctx.require_in_force(MEASURE, code)
        rows = ctx.session.exec(
            select(PilotArea).where(PilotArea.city_code == code).order_by(PilotArea.name)
        ).all()
        return [CourierPilotArea.of(ctx, r) for r in rows]

    @operation_field(
        f"{MEASURE}.booking_read", "One booking with its trail.", qualifier=OWN_OR_AUDITED
    )
    def courier_booking(self, info: strawberry.Info, booking_id: strawberry.ID) -> CourierBooking:
        ctx: Context = info.context
        row = ctx.session.get(Booking, lookup_id(booking_id))
        if row is None or not _can_see(ctx, row):
            raise NotFound("Booking", "bookingId")
        ctx.require_in_force(MEASURE, row.city_code)
        result = CourierBooking.of(ctx, row)
        ref = f"CourierBooking:{row.id}"
        audit_unless_mine(
            ctx, f"{MEASURE}.booking_read", row.person_id, ref, "home service", MEASURE
        )
        return result

    @operation_field(
        f"{MEASURE}.booking_read",
        "Bookings of a city: a citizen's own, a courier's company's, or all for staff of the city.",
        qualifier=OWN_OR_AUDITED,
    )
    def courier_bookings(
        self,
        info: strawberry.Info,
        city: str,
        status: CourierBookingStatus | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> Connection[CourierBooking]:
        ctx: Context = info.context
        code = lookup_city(city).code
        ctx.require_in_force(MEASURE, code)
        stmt = select(Booking).where(Booking.city_code == code)
        actor = ctx.actor
        if actor.is_partner:
            stmt = stmt.where(Booking.partner_org_id == (actor.partner_org_id or "-"))
        elif actor.is_staff:
            ctx.require_jurisdiction(code, field="city")
        else:
            stmt = stmt.where(Booking.person_id == ctx.require_person())
        if status is not None:
            stmt = stmt.where(Booking.status == BookingStatus(status).value)
        stmt = stmt.order_by(Booking.visit_date, Booking.id)  # type: ignore[arg-type]
        page = paginate(ctx, stmt, first, after, lambda r: CourierBooking.of(ctx, r))
        if actor.is_partner or actor.is_staff:
            ctx.audit_read(f"{MEASURE}.booking_list", None, f"City:{code}",
                           {"purpose": "queue", "count": len(page.nodes)}, measure=MEASURE)  # fmt: skip
        return page


# --- mutations -------------------------------------------------------------------------------------


def _booking_payload(ctx: Context, scope: WriteScope, row: Booking) -> CourierBookingPayload:
    """Name the booking's citizen as the write's subject and answer the booking."""
    scope.subject(row.person_id, f"CourierBooking:{row.id}", status=row.status)
    return CourierBookingPayload(booking=CourierBooking.of(ctx, row))


@strawberry.type
class CourierMutation:
    @mutation(
        f"{MEASURE}.area_write",
        "Choose (or close) a pilot area of a city and its businesses (四-一-1).",
        qualifier="province admins: own province",
    )
    def courier_pilot_area_set(
        self, info: strawberry.Info, input: CourierPilotAreaInput, scope: WriteScope
    ) -> CourierPilotAreaPayload:
        ctx: Context = info.context
        # the input's fields are the service's arguments, name for name (enums arrive as members)
        area = service.set_pilot_area(ctx, scope.session, **vars(input))
        scope.subject(None, f"CourierPilotArea:{area.id}")
        return CourierPilotAreaPayload(area=CourierPilotArea.of(ctx, area))

    @mutation(
        f"{MEASURE}.agreement_write",
        "Record an agreement with a courier company for a pilot area (四-一-2).",
        qualifier="own jurisdiction",
    )
    def courier_agreement_sign(
        self, info: strawberry.Info, input: CourierAgreementInput, scope: WriteScope
    ) -> CourierAgreementPayload:
        ctx: Context = info.context
        row = service.sign_agreement(
            ctx, scope.session, str(input.courier_org_id), str(input.area_id),
            [CourierBusiness(b) for b in input.businesses], input.valid_from,
            input.valid_until, input.postage_cap_yuan, input.data_security_terms,
            input.liability_terms,
        )  # fmt: skip
        scope.subject(None, f"CourierAgreement:{row.id}")
        return CourierAgreementPayload(agreement=CourierAgreement.of(ctx, row))

    @mutation(
        f"{MEASURE}.agreement_write",
        "Suspend, resume or terminate a company's home service (四-三-3).",
        qualifier="own jurisdiction",
    )
    def courier_agreement_status_set(
        self,
        info: strawberry.Info,
        agreement_id: strawberry.ID,
        status: CourierAgreementStatus,  # type: ignore[valid-type]
        scope: WriteScope,
        reason: str | None = None,
    ) -> CourierAgreementPayload:
        ctx: Context = info.context
        row = service.set_agreement_status(
            ctx, scope.session, str(agreement_id), AgreementStatus(status).value, reason
        )
        scope.subject(None, f"CourierAgreement:{row.id}", status=row.status)
        return CourierAgreementPayload(agreement=CourierAgreement.of(ctx, row))

    @mutation(
        f"{MEASURE}.staff_add",
        "Record a staff member of your courier company for a city.",
        qualifier="scope courier:service, with an active agreement in the city",
    )
    def courier_staff_add(
        self, info: strawberry.Info, city: str, name: str, staff_code: str, scope: WriteScope
    ) -> CourierStaffPayload:
        row = service.add_staff(info.context, scope.session, city, name, staff_code)
        scope.subject(None, f"CourierStaff:{row.id}")
        return CourierStaffPayload(staff=CourierStaffMember.of(row))

    @mutation(
        f"{MEASURE}.staff_qualify",
        "Record a courier's inspector qualification (查验员资格).",
        qualifier="own jurisdiction",
    )
    def courier_staff_qualify(
        self,
        info: strawberry.Info,
        staff_id: strawberry.ID,
        qualification_no: str,
        valid_until: dt.date,
        scope: WriteScope,
    ) -> CourierStaffPayload:
        row = service.qualify_staff(
            info.context, scope.session, str(staff_id), qualification_no, valid_until
        )
        scope.subject(None, f"CourierStaff:{row.id}")
        return CourierStaffPayload(staff=CourierStaffMember.of(row))

    @mutation(f"{MEASURE}.book", "Book a home visit in a pilot area.")
    def courier_booking_create(
        self, info: strawberry.Info, input: CourierBookingInput, scope: WriteScope
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        req = service.BookingRequest(
            area_id=str(input.area_id),
            courier_org_id=str(input.courier_org_id),
            business=CourierBusiness(input.business),
            address=input.address,
            visit_date=input.visit_date,
            mail_plates=input.mail_plates,
            vehicle_id=str(input.vehicle_id) if input.vehicle_id else None,
            unit_id=str(input.unit_id) if input.unit_id else None,
        )
        return _booking_payload(ctx, scope, service.create_booking(ctx, scope.session, req))

    @mutation(
        f"{MEASURE}.book", "Cancel your booking before the visit.", qualifier="own", way_out=True
    )
    def courier_booking_cancel(
        self, info: strawberry.Info, booking_id: strawberry.ID, scope: WriteScope
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        row = service.cancel_booking(ctx, scope.session, str(booking_id))
        return _booking_payload(ctx, scope, row)

    @mutation(
        f"{MEASURE}.courier_work",
        "Assign a staff member to a booking of your company.",
        qualifier="own company's bookings",
    )
    def courier_booking_assign(
        self,
        info: strawberry.Info,
        booking_id: strawberry.ID,
        staff_id: strawberry.ID,
        scope: WriteScope,
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        row = service.assign(ctx, scope.session, str(booking_id), str(staff_id))
        return _booking_payload(ctx, scope, row)

    @mutation(
        f"{MEASURE}.courier_work",
        "Record the home visit: identity verified, materials collected, inspection, charges "
        "(never above the national standard).",
        qualifier="own company's bookings",
    )
    def courier_visit_record(
        self, info: strawberry.Info, input: CourierVisitInput, scope: WriteScope
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        charges = [Charge(ChargeItem(c.item), c.amount_yuan) for c in input.charges]
        row = service.record_visit(
            ctx, scope.session, str(input.booking_id), input.identity_verified, input.materials,
            input.inspection_passed, charges,
        )  # fmt: skip
        return _booking_payload(ctx, scope, row)

    @mutation(
        f"{MEASURE}.review",
        "Approve or reject what the courier collected.",
        qualifier="own city",
        way_out=lambda a: not a["approve"],
    )
    def courier_booking_review(
        self,
        info: strawberry.Info,
        booking_id: strawberry.ID,
        approve: bool,
        scope: WriteScope,
        note: str | None = None,
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        row = service.review(ctx, scope.session, str(booking_id), approve, note)
        return _booking_payload(ctx, scope, row)

    @mutation(
        f"{MEASURE}.review",
        "Hand the plates or licence over at the window when the applicant chose not to have them "
        "mailed (APPROVED to DELIVERED).",
        qualifier="own city",
    )
    def courier_booking_hand_over(
        self,
        info: strawberry.Info,
        booking_id: strawberry.ID,
        scope: WriteScope,
        note: str | None = None,
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        row = service.hand_over(ctx, scope.session, str(booking_id), note)
        return _booking_payload(ctx, scope, row)

    @mutation(
        f"{MEASURE}.review",
        "Record a service follow-up (回访) of a booking, from the visit on (四-三-3).",
        qualifier="own city",
    )
    def courier_follow_up_record(
        self, info: strawberry.Info, input: CourierFollowUpInput, scope: WriteScope
    ) -> CourierFollowUpPayload:
        ctx: Context = info.context
        row = service.record_follow_up(
            ctx, scope.session, str(input.booking_id), rules.FollowUpChannel(input.channel),
            input.reached, input.satisfied,
            [rules.FollowUpProblem(p) for p in input.problems], input.note,
        )  # fmt: skip
        scope.subject(None, f"CourierBooking:{row.booking_id}", followUp=row.id)
        return CourierFollowUpPayload(follow_up=CourierFollowUp.of(row))

    @mutation(
        f"{MEASURE}.courier_work",
        "Add a mailing event: shipped (tracking number first time), in transit, delivered.",
        qualifier="own company's bookings",
    )
    def courier_shipment_event_add(
        self,
        info: strawberry.Info,
        booking_id: strawberry.ID,
        scope: WriteScope,
        delivered: bool = False,
        tracking_number: str | None = None,
        note: str | None = None,
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        row = service.shipment_event(
            ctx, scope.session, str(booking_id), delivered, tracking_number, note
        )
        return _booking_payload(ctx, scope, row)
