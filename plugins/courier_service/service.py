"""M16 operations: pilot areas, agreements, courier staff, bookings, visits, review and mailing.

Resolvers (schema.py) call these inside the mutation frame (writes) or directly (reads).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import Session, select

from core.accounts import Office, PartnerKind, PartnerOrg, UnitMember, UnitRole
from core.context import Context
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, Forbidden, NotFound, RuleError
from core.identifiers import parse_reference
from core.ids import lookup_id
from core.records import get_or_not_found
from core.registries import applications as apps
from core.registries.applications import Application, AppStatus
from core.registries.vehicles import Vehicle, VehicleStatus
from core.validation import optional_text, require_person_name, require_range, require_text
from core.workflow import move

from . import rules
from .errors import CourierErrorCode
from .models import (
    Agreement,
    Booking,
    BookingEvent,
    CourierStaff,
    FollowUp,
    PilotArea,
)
from .rules import MEASURE, BookingStatus, Charge, CourierBusiness
from .workflows import BOOKING

SCOPE = "courier:service"
_TRACKING = re.compile(r"[A-Z0-9-]{6,40}")  # the courier's waybill number (运单号)
_CODE = re.compile(r"[0-9A-Z][0-9A-Z-]{0,39}")  # staff codes, qualification numbers


def _tracking(value: str | None) -> str:
    """A tracking number as stored: 6-40 ASCII letters (upper case), digits or '-'."""
    return parse_reference(
        value or "",
        "trackingNumber",
        _TRACKING,
        "A tracking number has 6-40 letters, digits or '-'",
    )


# --- helpers ------------------------------------------------------------------------------------


def _businesses(values: list[CourierBusiness], field: str = "businesses") -> list[str]:
    if not values:
        raise RuleError(Code.INVALID_INPUT, "Name at least one business.", field=field)
    return sorted({CourierBusiness(v).value for v in values})


def courier_org(ctx: Context, session: Session) -> PartnerOrg:
    """The calling courier company (partner credential with the courier scope, not suspended)."""
    actor = ctx.actor
    if not actor.is_partner or SCOPE not in actor.scopes or not actor.partner_org_id:
        raise Forbidden("A courier partner credential with scope courier:service is needed.")
    org = session.get(PartnerOrg, actor.partner_org_id)
    if org is None or org.kind != PartnerKind.COURIER.value:
        raise Forbidden("Not a courier company.")
    if org.status != "ACTIVE":
        rules.require_agreement_status(org.status)
    return org


def _event(session: Session, booking: Booking, ctx: Context, note: str | None = None) -> None:
    session.add(
        BookingEvent(
            booking_id=booking.id,
            at=stamp(ctx.now()),
            status=booking.status,
            actor_kind=ctx.actor.kind,
            note=note,
        )
    )


def _move(
    session: Session, booking: Booking, to: BookingStatus, ctx: Context, note: str | None = None
) -> None:
    """Move the booking one step by its declared transition (workflows.BOOKING, core
    `workflow.move`): a conditional UPDATE on the status it was read in, so two concurrent
    requests cannot both take the same step (the second gets CONFLICT); the transition's notice
    goes to the applicant; the step is an event of the trail."""
    current = BookingStatus(booking.status)
    rules.step(current, to)
    name = next(
        (
            t.name
            for t in BOOKING.transitions
            if current.value in t.source
            and t.target == to.value
            and (to is not BookingStatus.DELIVERED or (t.name == "deliver") == booking.mail_plates)
        ),
        None,
    )
    if name is None:  # e.g. delivered by hand when mailing was chosen
        raise RuleError(
            CourierErrorCode.INVALID_STEP,
            f"A booking in {current.value} cannot become {to.value} this way.",
            field="bookingId",
            rule=rules.R_TRACE,
        )
    move(ctx, session, BOOKING, booking, name, values={"updated_at": stamp(ctx.now())},
         field_name="bookingId")  # fmt: skip
    _event(session, booking, ctx, note)


def _area(session: Session, area_id: str, field: str = "areaId") -> PilotArea:
    area = get_or_not_found(session, PilotArea, area_id, "Pilot area", field)
    return area


def _agreement_for_booking(session: Session, booking: Booking) -> Agreement:
    agreement = session.get(Agreement, booking.agreement_id)
    assert agreement is not None
    rules.require_agreement_status(agreement.status)
    return agreement


def _own_booking(ctx: Context, session: Session, booking_id: str) -> tuple[Booking, PartnerOrg]:
    org = courier_org(ctx, session)
    booking = session.get(Booking, lookup_id(booking_id))
    if booking is None or booking.partner_org_id != org.id:
        raise NotFound("Booking", "bookingId")
    ctx.require_in_force(MEASURE, booking.city_code)
    return booking, org


# --- configuration (province / city) -------------------------------------------------------------


def _office_booking(ctx: Context, session: Session, booking_id: str) -> Booking:
    """A booking of a city where the measure is in force, for the office whose jurisdiction
    covers that city (NOT_FOUND, FEATURE_NOT_ENABLED, OUT_OF_JURISDICTION)."""
    booking = get_or_not_found(session, Booking, booking_id, "Booking", "bookingId")
    ctx.require_in_force(MEASURE, booking.city_code)
    ctx.require_jurisdiction(booking.city_code, field="bookingId")
    return booking


def set_pilot_area(
    ctx: Context,
    session: Session,
    city: str,
    name: str,
    businesses: list[CourierBusiness],
    valid_from: dt.date | None,
    active: bool,
) -> PilotArea:
    """The province chooses a pilot area of one of its cities and its business scope (四-一-1)."""
    target = lookup_city(city)
    ctx.require_jurisdiction(target.code, rule=rules.R_PILOT, field="city")
    ctx.require_in_force(MEASURE, target.code)
    clean = require_text("name", name, 60)
    scope = _businesses(businesses)
    area = session.exec(
        select(PilotArea).where(PilotArea.city_code == target.code, PilotArea.name == clean)
    ).first()
    if area is None:
        area = PilotArea(
            province_code=target.province_code,
            city_code=target.code,
            name=clean,
            valid_from=valid_from or ctx.today(),
            updated_at=stamp(ctx.now()),
        )
    area.businesses = scope
    area.status = "ACTIVE" if active else "CLOSED"
    area.valid_from = valid_from or area.valid_from
    area.updated_by = ctx.actor.account_id
    area.updated_at = stamp(ctx.now())
    session.add(area)
    session.flush()
    return area


def sign_agreement(
    ctx: Context,
    session: Session,
    org_id: str,
    area_id: str,
    businesses: list[CourierBusiness],
    valid_from: dt.date,
    valid_until: dt.date | None,
    postage_cap_yuan: int,
    data_security_terms: str = "",
    liability_terms: str = "",
) -> Agreement:
    """Record the agreement of a courier company for a pilot area (四-一-2), with its
    data-security and liability (责任赔偿) terms, each 10 to 1000 characters."""
    area = _area(session, area_id)
    ctx.require_jurisdiction(area.city_code, field="areaId")
    ctx.require_in_force(MEASURE, area.city_code)
    org = session.get(PartnerOrg, lookup_id(org_id))
    if org is None or org.kind != PartnerKind.COURIER.value:
        raise NotFound("Courier company", "courierOrgId")
    scope = _businesses(businesses)
    outside = [b for b in scope if b not in area.businesses]
    if outside:
        raise RuleError(
            CourierErrorCode.NOT_A_PILOT_AREA,
            f"{outside[0]} is not in the pilot area's business scope.",
            field="businesses",
        )
    if valid_until is not None and valid_until < valid_from:
        raise RuleError(
            Code.INVALID_DATE, "`validUntil` is before `validFrom`.", field="validUntil"
        )
    require_range("postageCapYuan", postage_cap_yuan, 0, 100)
    security = require_text(
        "dataSecurityTerms", data_security_terms, 1000, min_len=10, multiline=True
    )
    liability = require_text("liabilityTerms", liability_terms, 1000, min_len=10, multiline=True)
    existing = session.exec(
        select(Agreement).where(
            Agreement.partner_org_id == org.id,
            Agreement.area_id == area.id,
            Agreement.status != "TERMINATED",
        )
    ).first()
    if existing is not None:
        raise RuleError(
            Code.ALREADY_EXISTS, "This company already has an agreement here.", field="areaId"
        )
    agreement = Agreement(
        partner_org_id=org.id,
        area_id=area.id,
        businesses=scope,
        valid_from=valid_from,
        valid_until=valid_until,
        postage_cap_yuan=postage_cap_yuan,
        data_security_terms=security,
        liability_terms=liability,
        updated_by=ctx.actor.account_id,
        updated_at=stamp(ctx.now()),
    )
    session.add(agreement)
    session.flush()
    return agreement


def set_agreement_status(
    ctx: Context, session: Session, agreement_id: str, status: str, reason: str | None
) -> Agreement:
    """Suspend, resume or terminate a company's home service (四-三-3); termination is final."""
    agreement = get_or_not_found(session, Agreement, agreement_id, "Agreement", "agreementId")
    area = _area(session, agreement.area_id)
    ctx.require_jurisdiction(area.city_code, field="agreementId")
    ctx.require_in_force(MEASURE, area.city_code)
    if agreement.status == "TERMINATED":
        raise RuleError(
            CourierErrorCode.INVALID_STEP,
            "A terminated agreement stays terminated.",
            field="status",
            rule=rules.R_SUSPEND,
        )
    note = (
        require_text("reason", reason, 300, multiline=True)
        if status != "ACTIVE"
        else optional_text("reason", reason, 300, multiline=True)
    )
    before = agreement.status
    agreement.status = status
    agreement.status_reason = note
    agreement.updated_by = ctx.actor.account_id
    agreement.updated_at = stamp(ctx.now())
    session.add(agreement)
    if status != "ACTIVE" and before == "ACTIVE":
        _tell_open_bookings(ctx, session, agreement, status)
    return agreement


OPEN = (BookingStatus.BOOKED.value, BookingStatus.ASSIGNED.value)


def _tell_open_bookings(ctx: Context, session: Session, agreement: Agreement, status: str) -> None:
    """Holders of the company's open bookings (not yet visited) under this agreement are told
    that it is suspended or terminated, so they can cancel and book another company (四-三-3)."""
    org = session.get(PartnerOrg, agreement.partner_org_id)
    rows = session.exec(
        select(Booking.id, Booking.person_id).where(
            Booking.agreement_id == agreement.id,
            Booking.status.in_(OPEN),  # type: ignore[attr-defined]
        )
    ).all()
    word = "暂停" if status == "SUSPENDED" else "终止"
    for booking_id, person_id in rows:
        ctx.notify(
            session,
            person_id,
            f"{MEASURE}.courier_suspended",
            {"booking": booking_id, "courier": org.name if org else "", "status": word},
            measure=MEASURE,
        )


def add_staff(
    ctx: Context, session: Session, city: str, name: str, staff_code: str
) -> CourierStaff:
    """A courier company records a staff member serving a city where it holds an agreement."""
    org = courier_org(ctx, session)
    target = lookup_city(city)
    ctx.require_in_force(MEASURE, target.code)
    clean_name = require_person_name("name", name, 64)
    code = parse_reference(
        staff_code, "staffCode", _CODE, "A staff code has letters, digits and '-'", max_len=32
    )
    held = session.exec(
        select(Agreement.id)
        .join(PilotArea, PilotArea.id == Agreement.area_id)  # type: ignore[arg-type]
        .where(
            Agreement.partner_org_id == org.id,
            PilotArea.city_code == target.code,
            Agreement.status == "ACTIVE",
        )
    ).first()
    if held is None:
        raise RuleError(
            CourierErrorCode.NO_AGREEMENT,
            "Your company has no active agreement in this city.",
            field="city",
        )
    if session.exec(
        select(CourierStaff.id).where(
            CourierStaff.partner_org_id == org.id, CourierStaff.staff_code == code
        )
    ).first():
        raise RuleError(Code.ALREADY_EXISTS, "This staff code exists.", field="staffCode")
    staff = CourierStaff(
        partner_org_id=org.id,
        city_code=target.code,
        name=clean_name,
        staff_code=code,
        created_at=stamp(ctx.now()),
    )
    session.add(staff)
    session.flush()
    return staff


def qualify_staff(
    ctx: Context, session: Session, staff_id: str, qualification_no: str, valid_until: dt.date
) -> CourierStaff:
    """The office records a courier's inspector qualification (查验员资格, 四-二-2)."""
    staff = get_or_not_found(session, CourierStaff, staff_id, "Courier staff", "staffId")
    ctx.require_jurisdiction(staff.city_code, field="staffId")
    ctx.require_in_force(MEASURE, staff.city_code)
    number = parse_reference(
        qualification_no,
        "qualificationNo",
        _CODE,
        "A qualification number has letters, digits and '-'",
    )
    if valid_until <= ctx.today():
        raise RuleError(
            Code.INVALID_DATE, "A qualification is valid until a future date.", field="validUntil"
        )
    staff.qualification_no = number
    staff.qualified_until = valid_until
    staff.qualified_by = ctx.actor.account_id
    session.add(staff)
    return staff


# --- bookings -----------------------------------------------------------------------------------


@dataclass
class BookingRequest:
    area_id: str
    courier_org_id: str
    business: CourierBusiness
    address: str
    visit_date: dt.date
    mail_plates: bool
    vehicle_id: str | None
    unit_id: str | None = None


def create_booking(ctx: Context, session: Session, req: BookingRequest) -> Booking:
    """A citizen books a home visit in a pilot area with a company under agreement."""
    person_id = ctx.require_person()
    area = _area(session, req.area_id)
    ctx.require_in_force(MEASURE, area.city_code)
    address = require_text("address", req.address, 200, min_len=5)
    if (
        area.status != "ACTIVE"
        or area.valid_from > ctx.today()
        or req.business.value not in area.businesses
    ):
        raise RuleError(
            CourierErrorCode.NOT_A_PILOT_AREA,
            "This area does not offer this home service.",
            field="business",
        )
    rules.check_visit_date(ctx.today(), req.visit_date)
    agreement = session.exec(
        select(Agreement).where(
            Agreement.area_id == area.id,
            Agreement.partner_org_id == lookup_id(req.courier_org_id),
            Agreement.status != "TERMINATED",
        )
    ).first()
    if agreement is None or req.business.value not in agreement.businesses:
        raise RuleError(
            CourierErrorCode.NO_AGREEMENT,
            "This company offers no such home service here.",
            field="courierOrgId",
        )
    rules.require_agreement_status(agreement.status)
    org = session.get(PartnerOrg, agreement.partner_org_id)
    rules.require_agreement_status(org.status if org else "TERMINATED")
    if not rules.agreement_covers(agreement.valid_from, agreement.valid_until, req.visit_date):
        raise RuleError(
            CourierErrorCode.BAD_VISIT_DATE,
            "The company's agreement does not cover this visit date.",
            field="visitDate",
            rule=rules.R_AGREEMENT,
        )
    unit_id = _unit_booker(session, req, person_id) if req.unit_id is not None else None
    kind, vehicle_id = _vehicle(session, req, person_id, area.city_code, unit_id)
    booking = Booking(
        person_id=person_id,
        unit_id=unit_id,
        area_id=area.id,
        city_code=area.city_code,
        partner_org_id=agreement.partner_org_id,
        agreement_id=agreement.id,
        business=req.business.value,
        vehicle_id=vehicle_id,
        vehicle_kind=kind,
        address=address,
        visit_date=req.visit_date,
        mail_plates=req.mail_plates,
        created_at=stamp(ctx.now()),
        updated_at=stamp(ctx.now()),
    )
    session.add(booking)
    session.flush()
    _event(session, booking, ctx)
    return booking


def _unit_booker(session: Session, req: BookingRequest, person_id: str) -> str:
    """A member books for the unit's vehicle (2024 八-三): the replacement businesses only, by
    the legal person, an admin, or a user the window granted 补换领牌证. Not a member: NOT_FOUND."""
    unit_id = lookup_id(req.unit_id)
    member = session.exec(
        select(UnitMember).where(
            UnitMember.unit_id == unit_id,
            UnitMember.person_id == person_id,
            UnitMember.status == "ACTIVE",
        )
    ).first()
    if member is None:
        raise NotFound("Unit", "unitId")
    if req.business not in (CourierBusiness.PLATE_REPLACEMENT, CourierBusiness.LICENCE_REPLACEMENT):
        raise RuleError(
            Code.INVALID_INPUT,
            "A unit books a home visit for a vehicle it owns: plate or licence replacement.",
            field="unitId",
            rule=rules.R_UNIT,
        )
    manager = member.role in (UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value)
    if not manager and not member.can_replace_plates:
        raise RuleError(
            CourierErrorCode.UNIT_PERMISSION_REQUIRED,
            "A unit user needs the window's 补换领牌证 authorisation to book this.",
            field="unitId",
        )
    return member.unit_id


def _vehicle(
    session: Session, req: BookingRequest, person_id: str, city: str, unit_id: str | None = None
) -> tuple[str, str | None]:
    if req.business is CourierBusiness.E_BIKE_REGISTRATION:
        return "E_BIKE", None
    if req.business is CourierBusiness.MOTORCYCLE_REGISTRATION:
        return "MOTORCYCLE", None
    if not req.vehicle_id:
        raise RuleError(Code.INVALID_INPUT, "`vehicleId` is required.", field="vehicleId")
    vehicle = session.get(Vehicle, lookup_id(req.vehicle_id))
    owns = vehicle is not None and (
        vehicle.owner_unit_id == unit_id
        if unit_id is not None
        else vehicle.owner_person_id == person_id and vehicle.owner_unit_id is None
    )
    if vehicle is None or not owns:
        raise NotFound("Vehicle", "vehicleId")
    if vehicle.status != VehicleStatus.NORMAL.value or vehicle.registration_city != city:
        raise RuleError(
            CourierErrorCode.VEHICLE_NOT_ELIGIBLE,
            "The vehicle must be NORMAL and registered in the pilot area's city.",
            field="vehicleId",
        )
    return rules.vehicle_kind(vehicle.category), vehicle.id


def cancel_booking(ctx: Context, session: Session, booking_id: str) -> Booking:
    person_id = ctx.require_person()
    booking = session.get(Booking, lookup_id(booking_id))
    if booking is None or booking.person_id != person_id:
        raise NotFound("Booking", "bookingId")
    ctx.require_in_force(MEASURE, booking.city_code)
    _move(session, booking, BookingStatus.CANCELLED, ctx)
    return booking


def assign(ctx: Context, session: Session, booking_id: str, staff_id: str) -> Booking:
    """The company assigns a staff member; a motorcycle registration needs a qualified inspector."""
    booking, org = _own_booking(ctx, session, booking_id)
    _agreement_for_booking(session, booking)
    staff = session.get(CourierStaff, lookup_id(staff_id))
    if staff is None or staff.partner_org_id != org.id or staff.city_code != booking.city_code:
        raise NotFound("Courier staff", "staffId")
    rules.check_inspector(
        CourierBusiness(booking.business), staff.qualified_until, booking.visit_date
    )
    booking.staff_id = staff.id
    _move(session, booking, BookingStatus.ASSIGNED, ctx, note=f"staff {staff.staff_code}")
    return booking


def record_visit(
    ctx: Context,
    session: Session,
    booking_id: str,
    identity_verified: bool,
    materials: list[str],
    inspection_passed: bool | None,
    charges: list[Charge],
) -> Booking:
    """The courier verified identity, collected materials (and inspected a motorcycle); the
    application goes to the office for review (四-二-2)."""
    booking, _org = _own_booking(ctx, session, booking_id)
    agreement = _agreement_for_booking(session, booking)
    business = CourierBusiness(booking.business)
    if not identity_verified:
        raise RuleError(
            CourierErrorCode.IDENTITY_NOT_VERIFIED,
            "The courier verifies the applicant's identity at the visit.",
            field="identityVerified",
        )
    if not 1 <= len(materials) <= 20:
        raise RuleError(Code.INVALID_INPUT, "List 1 to 20 materials.", field="materials")
    collected = [require_text("materials", m, 60) for m in materials]
    staff = session.get(CourierStaff, booking.staff_id or "")
    if staff is None:
        raise RuleError(
            CourierErrorCode.INVALID_STEP,
            "Assign a staff member first.",
            field="bookingId",
            rule=rules.R_VISIT,
        )
    if business is CourierBusiness.MOTORCYCLE_REGISTRATION:
        rules.check_inspector(business, staff.qualified_until, ctx.today())
        if inspection_passed is None:
            raise RuleError(
                Code.INVALID_INPUT, "Record the inspection result.", field="inspectionPassed"
            )
    elif inspection_passed is not None:
        raise RuleError(
            Code.INVALID_INPUT,
            "Only a motorcycle registration is inspected.",
            field="inspectionPassed",
        )
    total = rules.check_charges(
        business, booking.vehicle_kind, charges, booking.mail_plates, agreement.postage_cap_yuan
    )
    _move(session, booking, BookingStatus.COLLECTED, ctx)
    office = session.exec(
        select(Office).where(Office.city_code == booking.city_code).order_by(Office.code)
    ).first()
    app = apps.submit(
        session,
        now=ctx.now(),
        measure=MEASURE,
        business=business.value,
        city_code=booking.city_code,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=booking.person_id,
        subject_person_id=booking.person_id,
        vehicle_id=booking.vehicle_id,
        office_id=office.id if office else None,
        channel="COURIER",
        data={
            "bookingId": booking.id,
            "materials": collected,
            "inspectionPassed": inspection_passed,
        },
    )
    booking.application_id = app.id
    booking.inspection_passed = inspection_passed
    booking.charges = [{"item": c.item.value, "amountYuan": c.amount_yuan} for c in charges]
    booking.total_yuan = total
    session.add(booking)
    return booking


def review(
    ctx: Context, session: Session, booking_id: str, approve: bool, note: str | None
) -> Booking:
    """The local office reviews what the courier collected (审核确认)."""
    booking = _office_booking(ctx, session, booking_id)
    clean = require_text("note", note, 500, multiline=True) if (note or not approve) else None
    if approve and booking.inspection_passed is False:
        raise RuleError(
            CourierErrorCode.INSPECTOR_REQUIRED,
            "The motorcycle failed its inspection; it cannot be approved.",
            field="approve",
        )
    to = BookingStatus.APPROVED if approve else BookingStatus.REJECTED
    _move(session, booking, to, ctx, note=clean)
    app = session.get(Application, booking.application_id or "")
    if app is None:
        raise RuleError(CourierErrorCode.INVALID_STEP, "Nothing collected yet.", field="bookingId")
    actor = ctx.actor.account_id
    apps.transition(session, app, AppStatus.UNDER_REVIEW, now=ctx.now(), actor_account_id=actor)
    apps.transition(
        session,
        app,
        AppStatus.APPROVED if approve else AppStatus.REJECTED,
        now=ctx.now(),
        actor_account_id=actor,
        note=clean,
    )
    return booking


def shipment_event(
    ctx: Context,
    session: Session,
    booking_id: str,
    delivered: bool,
    tracking_number: str | None,
    note: str | None,
) -> Booking:
    """Record the mailing trail: picked up with a tracking number, in transit, delivered (四-三-2)."""
    booking, _org = _own_booking(ctx, session, booking_id)
    clean_note = optional_text("note", note, 200, multiline=True)
    if not booking.mail_plates:
        raise RuleError(
            CourierErrorCode.INVALID_STEP,
            "The applicant chose to collect the plates; nothing is mailed.",
            field="bookingId",
            rule=rules.R_TRACE,
        )
    if delivered:
        if booking.status != BookingStatus.SHIPPED.value:  # mailed plates are shipped first
            raise RuleError(
                CourierErrorCode.INVALID_STEP,
                f"A booking in {booking.status} cannot become DELIVERED before it is shipped.",
                field="bookingId",
                rule=rules.R_TRACE,
            )
        _deliver(ctx, session, booking, clean_note)
        return booking
    if booking.status == BookingStatus.APPROVED.value:
        booking.tracking_number = _tracking(tracking_number)
    elif tracking_number and _tracking(tracking_number) != booking.tracking_number:
        raise RuleError(
            Code.INVALID_INPUT,
            "The tracking number cannot change.",
            field="trackingNumber",
            rule=rules.R_TRACE,
        )
    _move(session, booking, BookingStatus.SHIPPED, ctx, note=clean_note)
    return booking


def _deliver(ctx: Context, session: Session, booking: Booking, note: str | None) -> None:
    """DELIVERED: the application completed, the applicant told (the transition's notice)."""
    _move(session, booking, BookingStatus.DELIVERED, ctx, note=note)
    app = session.get(Application, booking.application_id or "")
    if app is not None:
        apps.transition(
            session, app, AppStatus.COMPLETED, now=ctx.now(), actor_account_id=ctx.actor.account_id
        )


def hand_over(ctx: Context, session: Session, booking_id: str, note: str | None) -> Booking:
    """The office hands the plates or licence over at its window to an applicant who chose not
    to have them mailed (APPROVED -> DELIVERED; without this the booking had no way on)."""
    booking = _office_booking(ctx, session, booking_id)
    clean = optional_text("note", note, 200, multiline=True)
    if booking.mail_plates:
        raise RuleError(
            CourierErrorCode.INVALID_STEP,
            "The applicant chose mailing: the courier delivers.",
            field="bookingId",
            rule=rules.R_HAND_OVER,
        )
    _deliver(ctx, session, booking, clean)
    return booking


def record_follow_up(
    ctx: Context,
    session: Session,
    booking_id: str,
    channel: rules.FollowUpChannel,
    reached: bool,
    satisfied: bool | None,
    problems: list[rules.FollowUpProblem],
    note: str | None,
) -> FollowUp:
    """The office records a service follow-up (回访) of a booking of its city, from the visit on
    (四-三-3). Not reached: no satisfaction and no problems. Problems found are what a
    suspension (courierAgreementStatusSet) rests on."""
    booking = _office_booking(ctx, session, booking_id)
    if BookingStatus(booking.status) not in rules.FOLLOW_UP_FROM:
        raise RuleError(
            CourierErrorCode.INVALID_STEP,
            "A follow-up is recorded once the courier has visited.",
            field="bookingId",
            rule=rules.R_FOLLOW_UP,
        )
    clean = optional_text("note", note, 500, multiline=True)
    found = sorted({p.value for p in problems})
    if not reached and (satisfied is not None or found):
        raise RuleError(
            Code.INVALID_INPUT,
            "An applicant not reached gives no satisfaction and reports no problem.",
            field="satisfied" if satisfied is not None else "problems",
        )
    if reached and satisfied is None:
        raise RuleError(
            Code.INVALID_INPUT, "Record whether the applicant was satisfied.", field="satisfied"
        )
    row = FollowUp(
        booking_id=booking.id,
        city_code=booking.city_code,
        at=stamp(ctx.now()),
        by_account_id=ctx.actor.account_id,
        channel=channel.value,
        reached=reached,
        satisfied=satisfied,
        problems=found,
        note=clean,
    )
    session.add(row)
    session.flush()
    return row
