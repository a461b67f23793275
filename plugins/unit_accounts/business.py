"""The unit's online business besides 补换领牌证 (八-三): preselect a plate number, apply for the
inspection-exempt mark, change the contact details, add and remove the filed drivers of the
unit's vehicles. Every operation needs an active membership (through the app, or on the web
only through a QR sign-in: `access.require_member`) and the 2024-07-01 rules date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.accounts import Person
from core.context import Context, WriteScope
from core.db import stamp
from core.errors import NotFound, RuleError
from core.identifiers import PROVINCE_PLATE, parse_mobile, parse_plate, parse_vin
from core.identity import parse_identity
from core.ids import lookup_id
from core.notices import Addressee
from core.registries.applications import Application
from core.registries.licences import DrivingLicence, LicenceStatus
from core.registries.persons import person_by_identity
from core.registries.vehicles import FiledDriver, Vehicle, Violation
from core.validation import require_person_name, require_text
from core.workflow import move

from . import rules
from .access import require_member
from .applying import submit_for_unit, unit_vehicle
from .errors import UnitAccountErrorCode
from .models import PlateReservation, ReservationStatus, UnitContact
from .rules import MEASURE
from .workflows import PLATE_RESERVATION

EXEMPT_BUSINESS = "申领免检标志"


def _manager(ctx: Context, session: Session, unit_id: str, what: str, rule: str):  # noqa: ANN202
    unit, member = require_member(ctx, session, unit_id)
    rules.require_new_rules(ctx.today(), "unitId", rule)
    rules.require_manager(member.role, what, rule)
    return unit, member


# --- 预选机动车号牌 -----------------------------------------------------------------------------------


def preselect(
    ctx: Context, scope: WriteScope, unit_id: str, vin: str, plate: str
) -> PlateReservation:
    """Reserve `plate` for the vehicle `vin` the unit will register in its city (八-三).

    Refusals: UNIT_PLATE_NUMBER_WRONG_CITY (the number is not of the unit's province),
    UNIT_VIN_ALREADY_REGISTERED (a registered vehicle keeps its plate), UNIT_PLATE_NUMBER_TAKEN
    (on a vehicle, or reserved: the unique `plate_key` decides between concurrent choices)."""
    session = scope.session
    unit, member = _manager(ctx, session, unit_id, "preselect plate numbers", rules.RULE_PRESELECT)
    number = parse_plate(plate, "plate")
    vin_text = parse_vin(vin, "vin")
    if number[0] != PROVINCE_PLATE.get(unit.city_code[:2], ""):
        raise RuleError(
            UnitAccountErrorCode.PLATE_NUMBER_WRONG_CITY,
            "A plate number is chosen among those of the unit's registration place.",
            field="plate",
        )
    if session.exec(select(Vehicle.id).where(Vehicle.vin == vin_text)).first() is not None:
        raise RuleError(
            UnitAccountErrorCode.VIN_ALREADY_REGISTERED,
            "This vehicle is registered already: a number is preselected for a new vehicle.",
            field="vin",
        )
    taken = session.exec(select(Vehicle.id).where(Vehicle.plate == number)).first()
    held = session.exec(
        select(PlateReservation.id).where(
            (PlateReservation.plate_key == number)
            | (
                (PlateReservation.vin == vin_text)
                & (PlateReservation.status == ReservationStatus.RESERVED.value)
            )
        )
    ).first()
    if taken is not None or held is not None:
        raise _taken()
    row = PlateReservation(
        unit_id=unit.id,
        member_id=member.id,
        city_code=unit.city_code,
        vin=vin_text,
        plate=number,
        plate_key=number,
        reserved_at=stamp(scope.now),
        valid_until=rules.reservation_end(ctx.today()),
    )
    session.add(row)
    try:  # the unique plate_key: of two concurrent choices of one number, one loses
        session.flush()
    except IntegrityError:
        raise _taken() from None
    scope.subject(None, f"PlateReservation:{row.id}", unit=unit.id, plate=number)
    ctx.notify(
        session,
        _unit_addressee(unit.id),
        f"{MEASURE}.plate_reserved",
        {"unit": unit.name, "plate": number, "until": row.valid_until.isoformat()},
        measure=MEASURE,
    )
    return row


def _taken() -> RuleError:
    return RuleError(
        UnitAccountErrorCode.PLATE_NUMBER_TAKEN,
        "This plate number is in use or reserved, or this vehicle already has a reserved number.",
        field="plate",
    )


def _unit_addressee(unit_id: str) -> Addressee:
    return Addressee.unit(unit_id)


def release(ctx: Context, scope: WriteScope, unit_id: str, reservation_id: str) -> PlateReservation:
    """The unit gives a reserved number back (RESERVED -> RELEASED)."""
    session = scope.session
    unit, _member = _manager(ctx, session, unit_id, "release plate numbers", rules.RULE_PRESELECT)
    row = session.get(PlateReservation, lookup_id(reservation_id))
    if row is None or row.unit_id != unit.id:
        raise NotFound("Plate reservation", "reservationId")
    _close(ctx, session, row, scope.now, "reservationId")
    scope.subject(None, f"PlateReservation:{row.id}", unit=unit.id)
    return row


def _close(
    ctx: Context, session: Session, row: PlateReservation, now: dt.datetime, field: str
) -> None:
    """RESERVED -> RELEASED by the declared move (workflows.PLATE_RESERVATION)."""
    if row.status != ReservationStatus.RESERVED.value:
        raise RuleError(
            UnitAccountErrorCode.RESERVATION_CLOSED,
            "This reservation has already ended.",
            field=field,
        )
    move(ctx, session, PLATE_RESERVATION, row, "release",
         values={"plate_key": None, "closed_at": stamp(now)}, field_name=field)  # fmt: skip


def expire_reservations(session: Session, today: dt.date, now: dt.datetime) -> int:
    """The daily job: RESERVED numbers past their last day -> EXPIRED (the number is free)."""
    table = PlateReservation.__table__  # type: ignore[attr-defined]
    done = session.execute(
        update(table)
        .where(table.c.status == ReservationStatus.RESERVED.value, table.c.valid_until < today)
        .values(status=ReservationStatus.EXPIRED.value, plate_key=None, closed_at=stamp(now))
    )
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


# --- 申领免检标志 -------------------------------------------------------------------------------------


def apply_exempt_mark(
    ctx: Context, scope: WriteScope, unit_id: str, vehicle_id: str
) -> Application:
    """Any active member applies for a unit car's inspection-exempt mark (八-三): a core
    application in the vehicle's registration city, reviewed by its office."""
    session = scope.session
    unit, member = require_member(ctx, session, unit_id)
    rules.require_new_rules(ctx.today(), "unitId", rules.RULE_EXEMPT)
    vehicle = unit_vehicle(session, unit, vehicle_id)
    ctx.require_in_force(MEASURE, vehicle.registration_city, field="vehicleId")
    unhandled = session.exec(
        select(func.count())
        .select_from(Violation)
        .where(Violation.vehicle_id == vehicle.id, Violation.status == "UNHANDLED")
    ).one()
    why = rules.exempt_refusal(
        vehicle.category,
        vehicle.use,
        vehicle.status,
        vehicle.registered_at,
        vehicle.inspection_valid_until,
        unhandled,
        ctx.today(),
    )
    if why:
        raise RuleError(
            UnitAccountErrorCode.EXEMPT_NOT_ELIGIBLE,
            f"No inspection-exempt mark: {why}.",
            field="vehicleId",
        )
    return submit_for_unit(ctx, scope, unit, member, vehicle, EXEMPT_BUSINESS, {})


# --- 变更联系方式 -------------------------------------------------------------------------------------


def change_contact(
    ctx: Context,
    scope: WriteScope,
    unit_id: str,
    contact_name: str,
    mobile: str,
    postal_address: str,
) -> UnitContact:
    """The legal person or an admin changes the unit's contact details (八-三); at once."""
    session = scope.session
    unit, member = _manager(ctx, session, unit_id, "change contact details", rules.RULE_CONTACT)
    name = require_person_name("contactName", contact_name, 64)
    phone = parse_mobile(mobile, "mobile")
    address = require_text("postalAddress", postal_address, 200, min_len=5)
    row = session.get(UnitContact, unit.id)
    if row is None:
        row = UnitContact(unit_id=unit.id, contact_name=name, mobile=phone, postal_address=address,
                          updated_at=stamp(scope.now), updated_by_member_id=member.id)  # fmt: skip
    else:
        row.contact_name, row.mobile, row.postal_address = name, phone, address
        row.updated_at, row.updated_by_member_id = stamp(scope.now), member.id
    session.add(row)
    session.flush()
    scope.subject(None, f"Unit:{unit.id}", change="contact")
    ctx.notify(
        session, _unit_addressee(unit.id), f"{MEASURE}.contact_changed", {"unit": unit.name},
        measure=MEASURE,
    )  # fmt: skip
    return row


def contact_of(ctx: Context, unit_id: str) -> UnitContact | None:
    unit, _member = require_member(ctx, ctx.session, unit_id)
    return ctx.session.get(UnitContact, unit.id)


# --- 备案驾驶人 ---------------------------------------------------------------------------------------


def add_driver(
    ctx: Context,
    scope: WriteScope,
    unit_id: str,
    vehicle_id: str,
    id_type: str,
    id_number: str,
) -> tuple[FiledDriver, Person]:
    """File a driver of a unit vehicle (八-三): a person holding a driving licence in status
    NORMAL, not already filed for this vehicle. The driver is told."""
    session = scope.session
    unit, member = _manager(ctx, session, unit_id, "manage filed drivers", rules.RULE_DRIVERS)
    vehicle = unit_vehicle(session, unit, vehicle_id)
    identity = parse_identity(id_type, id_number, "idNumber")
    person = person_by_identity(session, identity)
    licence = (
        session.exec(
            select(DrivingLicence.id).where(
                DrivingLicence.person_id == person.id,
                DrivingLicence.status == LicenceStatus.NORMAL.value,
            )
        ).first()
        if person is not None
        else None
    )
    if person is None or licence is None:
        raise RuleError(
            UnitAccountErrorCode.DRIVER_LICENCE_REQUIRED,
            f"{identity.masked} holds no valid driving licence on file.",
            field="idNumber",
        )
    already = session.exec(
        select(FiledDriver.id).where(
            FiledDriver.vehicle_id == vehicle.id,
            FiledDriver.person_id == person.id,
            FiledDriver.active == True,  # noqa: E712 - SQL
        )
    ).first()
    if already is not None:
        raise RuleError(
            UnitAccountErrorCode.DRIVER_ALREADY_FILED,
            "This person is already a filed driver of this vehicle.",
            field="idNumber",
        )
    row = FiledDriver(vehicle_id=vehicle.id, person_id=person.id, filed_at=stamp(scope.now))
    session.add(row)
    session.flush()
    scope.subject(person.id, f"FiledDriver:{row.id}", unit=unit.id, member=member.id)
    ctx.notify(
        session, person.id, f"{MEASURE}.driver_filed",
        {"unit": unit.name, "plate": vehicle.plate or vehicle.vin}, measure=MEASURE,
    )  # fmt: skip
    return row, person


def remove_driver(
    ctx: Context, scope: WriteScope, unit_id: str, filed_driver_id: str
) -> tuple[FiledDriver, Person]:
    """Remove a filed driver of a unit vehicle (八-三); the record stays, inactive."""
    session = scope.session
    unit, member = _manager(ctx, session, unit_id, "manage filed drivers", rules.RULE_DRIVERS)
    row = session.get(FiledDriver, lookup_id(filed_driver_id))
    vehicle = session.get(Vehicle, row.vehicle_id) if row is not None else None
    if row is None or vehicle is None or vehicle.owner_unit_id != unit.id or not row.active:
        raise NotFound("Filed driver", "filedDriverId")
    table = FiledDriver.__table__  # type: ignore[attr-defined]
    done = session.execute(
        update(table).where(table.c.id == row.id, table.c.active.is_(True)).values(active=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("Filed driver", "filedDriverId")
    session.refresh(row)
    person = session.get(Person, row.person_id)
    assert person is not None
    scope.subject(person.id, f"FiledDriver:{row.id}", unit=unit.id, member=member.id)
    ctx.notify(
        session, person.id, f"{MEASURE}.driver_removed",
        {"unit": unit.name, "plate": vehicle.plate or vehicle.vin}, measure=MEASURE,
    )  # fmt: skip
    return row, person
