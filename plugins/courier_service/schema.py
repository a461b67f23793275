"""GraphQL types and operations of M16 (courier home service)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlmodel import select

from core.accounts import PartnerOrg
from core.clock import to_china
from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.errors import NotFound
from core.graphql.pagination import Connection, paginate
from core.graphql.types import UserError
from core.permissions import requires
from plugins.courier_service import rules, service
from plugins.courier_service.models import Agreement, Booking, BookingEvent, CourierStaff, PilotArea
from plugins.courier_service.rules import BookingStatus, Charge, ChargeItem, CourierBusiness
from plugins.courier_service.service import MEASURE

CourierBusinessEnum = strawberry.enum(CourierBusiness, name="CourierBusiness")
CourierBookingStatus = strawberry.enum(BookingStatus, name="CourierBookingStatus")
CourierChargeItem = strawberry.enum(ChargeItem, name="CourierChargeItem")


class _AgreementStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"


CourierAgreementStatus = strawberry.enum(_AgreementStatus, name="CourierAgreementStatus")


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
    status: CourierAgreementStatus  # type: ignore[valid-type]
    status_reason: str | None

    @classmethod
    def of(cls, ctx: Context, row: Agreement) -> CourierAgreement:
        org = ctx.session.get(PartnerOrg, row.partner_org_id)
        return cls(
            id=strawberry.ID(row.id),
            courier_org_id=strawberry.ID(row.partner_org_id),
            courier_name=org.name if org else "",
            area_id=strawberry.ID(row.area_id),
            businesses=[CourierBusiness(b) for b in row.businesses],
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            postage_cap_yuan=row.postage_cap_yuan,
            status=_AgreementStatus(row.status),
            status_reason=row.status_reason,
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
        return cls(
            id=strawberry.ID(row.id),
            city=row.city_code,
            name=row.name,
            businesses=[CourierBusiness(b) for b in row.businesses],
            active=row.status == "ACTIVE",
            valid_from=row.valid_from,
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
        return cls(
            id=strawberry.ID(row.id),
            city=row.city_code,
            name=row.name,
            staff_code=row.staff_code,
            inspector_qualified_until=row.qualified_until,
        )


@strawberry.type(description="One step of a booking's trail.")
class CourierBookingEvent:
    at: dt.datetime
    status: CourierBookingStatus  # type: ignore[valid-type]
    actor_kind: str
    note: str | None


@strawberry.type(description="A booked home visit and its end-to-end trail.")
class CourierBooking:
    id: strawberry.ID
    business: CourierBusinessEnum  # type: ignore[valid-type]
    status: CourierBookingStatus  # type: ignore[valid-type]
    city: str
    area_id: strawberry.ID
    courier_org_id: strawberry.ID
    vehicle_id: strawberry.ID | None
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

    @classmethod
    def of(cls, ctx: Context, row: Booking) -> CourierBooking:
        session = ctx.session
        staff = session.get(CourierStaff, row.staff_id or "")
        events = session.exec(
            select(BookingEvent).where(BookingEvent.booking_id == row.id).order_by(BookingEvent.id)  # type: ignore[arg-type]
        ).all()
        standard = rules.fee_standard(CourierBusiness(row.business), row.vehicle_kind)
        return cls(
            id=strawberry.ID(row.id),
            business=CourierBusiness(row.business),
            status=BookingStatus(row.status),
            city=row.city_code,
            area_id=strawberry.ID(row.area_id),
            courier_org_id=strawberry.ID(row.partner_org_id),
            vehicle_id=strawberry.ID(row.vehicle_id) if row.vehicle_id else None,
            address=row.address,
            visit_date=row.visit_date,
            mail_plates=row.mail_plates,
            staff=CourierStaffMember.of(staff) if staff else None,
            application_id=strawberry.ID(row.application_id) if row.application_id else None,
            inspection_passed=row.inspection_passed,
            charges=[
                CourierCharge(item=ChargeItem(c["item"]), amount_yuan=c["amountYuan"])
                for c in row.charges
            ],
            total_yuan=row.total_yuan,
            fee_standard=[CourierCharge(item=k, amount_yuan=v) for k, v in standard.items()],
            tracking_number=row.tracking_number,
            events=[
                CourierBookingEvent(
                    at=to_china(e.at),
                    status=BookingStatus(e.status),
                    actor_kind=e.actor_kind,
                    note=e.note,
                )
                for e in events
            ],
            guidance=rules.guidance(CourierBusiness(row.business), row.mail_plates),
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
class CourierPilotAreaPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    area: CourierPilotArea | None = None


@strawberry.type
class CourierAgreementPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    agreement: CourierAgreement | None = None


@strawberry.type
class CourierStaffPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    staff: CourierStaffMember | None = None


@strawberry.type
class CourierBookingPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
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


@strawberry.type
class CourierQuery:
    @strawberry.field(
        extensions=[requires("courier_service.area_read")],
        description="Pilot areas of a city with their businesses and courier agreements. Roles: "
        "CITIZEN, PARTNER_COURIER, CLERK, SUPERVISOR, PROVINCE_ADMIN, NATIONAL_ADMIN.",
    )
    def courier_pilot_areas(self, info: strawberry.Info, city: str) -> list[CourierPilotArea]:
        ctx: Context = info.context
        code = lookup_city(city).code
        ctx.require_in_force(MEASURE, code)
        rows = ctx.session.exec(
            select(PilotArea).where(PilotArea.city_code == code).order_by(PilotArea.name)
        ).all()
        return [CourierPilotArea.of(ctx, r) for r in rows]

    @strawberry.field(
        extensions=[requires("courier_service.booking_read")],
        description="One booking with its trail. Roles: CITIZEN (own), PARTNER_COURIER (own "
        "company's; audited), CLERK and SUPERVISOR (own city; audited).",
    )
    def courier_booking(self, info: strawberry.Info, booking_id: strawberry.ID) -> CourierBooking:
        ctx: Context = info.context
        row = ctx.session.get(Booking, str(booking_id)[:16])
        if row is None or not _can_see(ctx, row):
            raise NotFound("Booking", "bookingId")
        ctx.require_in_force(MEASURE, row.city_code)
        result = CourierBooking.of(ctx, row)
        if ctx.actor.person_id != row.person_id:
            ctx.audit_read("courier_service.booking_read", row.person_id, f"CourierBooking:{row.id}",
                           {"purpose": "home service"}, measure=MEASURE)  # fmt: skip
        return result

    @strawberry.field(
        extensions=[requires("courier_service.booking_read")],
        description="Bookings of a city: a citizen's own, a courier's company's, or all for staff "
        "of the city (audited). Roles: CITIZEN, PARTNER_COURIER, CLERK, SUPERVISOR.",
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
            ctx.audit_read("courier_service.booking_list", None, f"City:{code}",
                           {"purpose": "queue", "count": len(page.nodes)}, measure=MEASURE)  # fmt: skip
        return page


# --- mutations -------------------------------------------------------------------------------------


def _booking_work(ctx: Context, fn):  # noqa: ANN001, ANN202
    def work(scope: WriteScope) -> CourierBookingPayload:
        row = fn(scope.session)
        scope.subject(row.person_id, f"CourierBooking:{row.id}", status=row.status)
        return CourierBookingPayload(booking=CourierBooking.of(ctx, row))

    return work


@strawberry.type
class CourierMutation:
    @strawberry.mutation(
        extensions=[requires("courier_service.area_write")],
        description="Choose (or close) a pilot area of a city and its businesses (四-一-1). "
        "Roles: PROVINCE_ADMIN (own province), NATIONAL_ADMIN.",
    )
    def courier_pilot_area_set(
        self, info: strawberry.Info, input: CourierPilotAreaInput
    ) -> CourierPilotAreaPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> CourierPilotAreaPayload:
            area = service.set_pilot_area(
                ctx, scope.session, input.city, input.name,
                [CourierBusiness(b) for b in input.businesses], input.valid_from, input.active,
            )  # fmt: skip
            scope.subject(None, f"CourierPilotArea:{area.id}")
            return CourierPilotAreaPayload(area=CourierPilotArea.of(ctx, area))

        return ctx.mutate("courier_service.area_write", CourierPilotAreaPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.agreement_write")],
        description="Record an agreement with a courier company for a pilot area (四-一-2). "
        "Roles: PROVINCE_ADMIN, NATIONAL_ADMIN, SUPERVISOR (own jurisdiction).",
    )
    def courier_agreement_sign(
        self, info: strawberry.Info, input: CourierAgreementInput
    ) -> CourierAgreementPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> CourierAgreementPayload:
            row = service.sign_agreement(
                ctx, scope.session, str(input.courier_org_id), str(input.area_id),
                [CourierBusiness(b) for b in input.businesses], input.valid_from,
                input.valid_until, input.postage_cap_yuan,
            )  # fmt: skip
            scope.subject(None, f"CourierAgreement:{row.id}")
            return CourierAgreementPayload(agreement=CourierAgreement.of(ctx, row))

        return ctx.mutate("courier_service.agreement_write", CourierAgreementPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.agreement_write")],
        description="Suspend, resume or terminate a company's home service (四-三-3). "
        "Roles: PROVINCE_ADMIN, NATIONAL_ADMIN, SUPERVISOR (own jurisdiction).",
    )
    def courier_agreement_status_set(
        self,
        info: strawberry.Info,
        agreement_id: strawberry.ID,
        status: CourierAgreementStatus,  # type: ignore[valid-type]
        reason: str | None = None,
    ) -> CourierAgreementPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> CourierAgreementPayload:
            row = service.set_agreement_status(
                ctx, scope.session, str(agreement_id), _AgreementStatus(status).value, reason
            )
            scope.subject(None, f"CourierAgreement:{row.id}", status=row.status)
            return CourierAgreementPayload(agreement=CourierAgreement.of(ctx, row))

        return ctx.mutate("courier_service.agreement_write", CourierAgreementPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.staff_add")],
        description="Record a staff member of your courier company for a city. Roles: PARTNER_COURIER.",
    )
    def courier_staff_add(
        self, info: strawberry.Info, city: str, name: str, staff_code: str
    ) -> CourierStaffPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> CourierStaffPayload:
            row = service.add_staff(ctx, scope.session, city, name, staff_code)
            scope.subject(None, f"CourierStaff:{row.id}")
            return CourierStaffPayload(staff=CourierStaffMember.of(row))

        return ctx.mutate("courier_service.staff_add", CourierStaffPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.staff_qualify")],
        description="Record a courier's inspector qualification (查验员资格). Roles: SUPERVISOR, "
        "PROVINCE_ADMIN (own jurisdiction).",
    )
    def courier_staff_qualify(
        self,
        info: strawberry.Info,
        staff_id: strawberry.ID,
        qualification_no: str,
        valid_until: dt.date,
    ) -> CourierStaffPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> CourierStaffPayload:
            row = service.qualify_staff(
                ctx, scope.session, str(staff_id), qualification_no, valid_until
            )
            scope.subject(None, f"CourierStaff:{row.id}")
            return CourierStaffPayload(staff=CourierStaffMember.of(row))

        return ctx.mutate("courier_service.staff_qualify", CourierStaffPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.book")],
        description="Book a home visit in a pilot area. Roles: CITIZEN.",
    )
    def courier_booking_create(
        self, info: strawberry.Info, input: CourierBookingInput
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
        )
        work = _booking_work(ctx, lambda s: service.create_booking(ctx, s, req))
        return ctx.mutate("courier_service.book", CourierBookingPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.book")],
        description="Cancel your booking before the visit. Roles: CITIZEN (own).",
    )
    def courier_booking_cancel(
        self, info: strawberry.Info, booking_id: strawberry.ID
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        work = _booking_work(ctx, lambda s: service.cancel_booking(ctx, s, str(booking_id)))
        return ctx.mutate("courier_service.book", CourierBookingPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.courier_work")],
        description="Assign a staff member to a booking of your company. Roles: PARTNER_COURIER.",
    )
    def courier_booking_assign(
        self, info: strawberry.Info, booking_id: strawberry.ID, staff_id: strawberry.ID
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        work = _booking_work(ctx, lambda s: service.assign(ctx, s, str(booking_id), str(staff_id)))
        return ctx.mutate("courier_service.courier_work", CourierBookingPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.courier_work")],
        description="Record the home visit: identity verified, materials collected, inspection, "
        "charges (never above the national standard). Roles: PARTNER_COURIER.",
    )
    def courier_visit_record(
        self, info: strawberry.Info, input: CourierVisitInput
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        charges = [Charge(ChargeItem(c.item), c.amount_yuan) for c in input.charges]
        work = _booking_work(
            ctx,
            lambda s: service.record_visit(
                ctx, s, str(input.booking_id), input.identity_verified, input.materials,
                input.inspection_passed, charges,
            ),
        )  # fmt: skip
        return ctx.mutate("courier_service.courier_work", CourierBookingPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.review")],
        description="Approve or reject what the courier collected. Roles: CLERK, SUPERVISOR (own city).",
    )
    def courier_booking_review(
        self,
        info: strawberry.Info,
        booking_id: strawberry.ID,
        approve: bool,
        note: str | None = None,
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        work = _booking_work(ctx, lambda s: service.review(ctx, s, str(booking_id), approve, note))
        return ctx.mutate("courier_service.review", CourierBookingPayload, work)

    @strawberry.mutation(
        extensions=[requires("courier_service.courier_work")],
        description="Add a mailing event: shipped (tracking number first time), in transit, "
        "delivered. Roles: PARTNER_COURIER.",
    )
    def courier_shipment_event_add(
        self,
        info: strawberry.Info,
        booking_id: strawberry.ID,
        delivered: bool = False,
        tracking_number: str | None = None,
        note: str | None = None,
    ) -> CourierBookingPayload:
        ctx: Context = info.context
        work = _booking_work(
            ctx,
            lambda s: service.shipment_event(
                ctx, s, str(booking_id), delivered, tracking_number, note
            ),
        )
        return ctx.mutate("courier_service.courier_work", CourierBookingPayload, work)
