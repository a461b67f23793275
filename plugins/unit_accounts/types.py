"""GraphQL types of M20 (all prefixed `Unit`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.accounts import Person as PersonRow
from core.accounts import Unit as UnitRow
from core.accounts import UnitMember as UnitMemberRow
from core.api.types import Application, IdTypeEnum, Person, Vehicle
from core.graphql.operations import Payload
from core.graphql.rows import from_row
from core.identity import mask_id_number
from core.registries.vehicles import FiledDriver as FiledDriverRow
from core.registries.vehicles import Violation as ViolationRow

from . import rules
from .models import CleanupRun as CleanupRunRow
from .models import PlateReservation as PlateReservationRow
from .models import ReservationStatus
from .models import UnitContact as UnitContactRow
from .vehicles import VehicleBundle

UnitMemberRole = strawberry.enum(
    rules.MemberRole, name="UnitMemberRole", description="单位用户类别 (八-二)"
)
UnitManagerRole = strawberry.enum(
    rules.ManagerRole,
    name="UnitManagerRole",
    description="Roles registered only at a window (八-二).",
)
UnitPlateItem = strawberry.enum(rules.PlateItem, name="UnitPlateItem", description="补换领的牌证")
UnitCleanupMode = strawberry.enum(
    rules.CleanupMode,
    name="UnitCleanupMode",
    description="FLAG before 2024-07-01, DISABLE from 2024-07-01 (八-一).",
)


@strawberry.type(description="A unit member (单位用户) with their role and 补换领牌证 permission.")
class UnitAccountMember:
    id: strawberry.ID
    unit_id: strawberry.ID
    person: Person
    role: UnitMemberRole  # type: ignore[valid-type]
    status: str
    can_replace_plates: bool = strawberry.field(
        description="May replace plates / licences online (八-三): true for the legal person and "
        "admins, for a user only after a window's grant."
    )
    plates_granted_at_window: bool
    registered_at: dt.datetime

    @classmethod
    def of(cls, row: UnitMemberRow, person: PersonRow) -> UnitAccountMember:
        return from_row(
            cls,
            row,
            china_times=True,
            person=Person.of(person),
            can_replace_plates=rules.may_replace_plates(row.role, row.can_replace_plates),
            plates_granted_at_window=row.can_replace_plates,
        )


@strawberry.type(description="One of my unit accounts.")
class UnitMembership:
    member_id: strawberry.ID
    unit_id: strawberry.ID
    unit_name: str
    unit_credit_code: str
    unit_city: str
    role: UnitMemberRole  # type: ignore[valid-type]
    can_replace_plates: bool

    @classmethod
    def of(cls, row: UnitMemberRow, unit: UnitRow) -> UnitMembership:
        return cls(
            member_id=strawberry.ID(row.id),
            unit_id=strawberry.ID(unit.id),
            unit_name=unit.name,
            unit_credit_code=unit.credit_code,
            unit_city=unit.city_code,
            role=rules.MemberRole(row.role),
            can_replace_plates=rules.may_replace_plates(row.role, row.can_replace_plates),
        )


@strawberry.type(description="A driver filed for a unit vehicle (备案驾驶人); ID number masked.")
class UnitFiledDriver:
    id: strawberry.ID
    name: str
    id_number_masked: str
    filed_at: dt.datetime
    active: bool

    @classmethod
    def of(cls, row: FiledDriverRow, person: PersonRow) -> UnitFiledDriver:
        masked = mask_id_number(person.id_number) or ""
        return from_row(cls, row, china_times=True, name=person.name, id_number_masked=masked)


@strawberry.type(description="A traffic violation of a unit vehicle (交通违法记录).")
class UnitViolation:
    id: strawberry.ID
    occurred_at: dt.datetime
    city: str
    description: str
    on_site: bool
    points: int
    fine_yuan: int
    status: str

    @classmethod
    def of(cls, row: ViolationRow) -> UnitViolation:
        return from_row(cls, row, china_times=True, city=row.city_code)


@strawberry.type(description="A vehicle of the unit with its status, filed drivers and violations.")
class UnitVehicle:
    vehicle: Vehicle
    filed_drivers: list[UnitFiledDriver]
    violations: list[UnitViolation]

    @classmethod
    def of(cls, b: VehicleBundle) -> UnitVehicle:
        return cls(
            vehicle=Vehicle.of(b.vehicle),
            filed_drivers=[UnitFiledDriver.of(f, p) for f, p in b.drivers],
            violations=[UnitViolation.of(v) for v in b.violations],
        )


@strawberry.type(description="One run of the unit-account clean-up (八-一).")
class UnitCleanupRun:
    id: strawberry.ID
    ran_at: dt.datetime
    mode: UnitCleanupMode  # type: ignore[valid-type]
    scope: str
    accounts: int
    changed: int
    duplicate_id: int
    unit_over_10: int
    person_over_3: int
    converted: int

    @classmethod
    def of(cls, row: CleanupRunRow) -> UnitCleanupRun:
        f = row.figures or {}
        return from_row(
            cls,
            row,
            china_times=True,
            accounts=f.get("accounts", 0),
            changed=f.get("changed", 0),
            duplicate_id=f.get("DUPLICATE_ID", 0),
            unit_over_10=f.get("UNIT_OVER_10", 0),
            person_over_3=f.get("PERSON_OVER_3", 0),
            converted=f.get("converted", 0),
        )


@strawberry.type(description="Removed unit accounts of one city as CSV (八-一 导出).")
class UnitCleanupExport:
    city: str
    row_count: int
    csv: str
    generated_at: dt.datetime


@strawberry.input(description="Register the unit's legal person or an admin at a window.")
class UnitManagerRegisterInput:
    unit_credit_code: str
    role: UnitManagerRole  # type: ignore[valid-type]
    id_type: IdTypeEnum
    id_number: str


@strawberry.input(description="Apply online to replace a unit vehicle's plates or licence.")
class UnitPlateReplacementInput:
    unit_id: strawberry.ID
    vehicle_id: strawberry.ID
    item: UnitPlateItem  # type: ignore[valid-type]
    reason: str


@strawberry.type
class UnitMemberPayload(Payload):
    member: UnitAccountMember | None = None


@strawberry.type
class UnitQrLoginCreatePayload(Payload):
    challenge_id: strawberry.ID | None = None
    secret: str | None = strawberry.field(
        default=None, description="Kept by the web page; needed to redeem. Never in the QR."
    )
    qr_payload: str | None = None
    expires_at: dt.datetime | None = None


@strawberry.type
class UnitQrLoginApprovePayload(Payload):
    approved: bool = False


@strawberry.type
class UnitQrLoginRedeemPayload(Payload):
    token: str | None = None
    expires_at: dt.datetime | None = None
    unit_id: strawberry.ID | None = None


@strawberry.type
class UnitPlateReplacementPayload(Payload):
    application: Application | None = None


@strawberry.type
class UnitCleanupRunPayload(Payload):
    run: UnitCleanupRun | None = None


UnitPlateReservationStatus = strawberry.enum(
    ReservationStatus,
    name="UnitPlateReservationStatus",
    description="A preselected plate number: RESERVED, then RELEASED or EXPIRED (八-三).",
)


@strawberry.type(description="A plate number the unit preselected for a new vehicle (八-三).")
class UnitPlateReservation:
    id: strawberry.ID
    unit_id: strawberry.ID
    vin: str
    plate: str
    status: UnitPlateReservationStatus  # type: ignore[valid-type]
    reserved_at: dt.datetime
    valid_until: dt.date = strawberry.field(description="Last day the number is kept (inclusive).")

    @classmethod
    def of(cls, row: PlateReservationRow) -> UnitPlateReservation:
        return from_row(cls, row, china_times=True)


@strawberry.type(description="The unit's contact details (八-三 变更联系方式).")
class UnitContactDetails:
    unit_id: strawberry.ID
    contact_name: str
    mobile: str
    postal_address: str
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: UnitContactRow) -> UnitContactDetails:
        return from_row(cls, row, china_times=True)


@strawberry.input(description="New contact details of the unit (八-三).")
class UnitContactChangeInput:
    unit_id: strawberry.ID
    contact_name: str
    mobile: str = strawberry.field(description="Mainland mobile number, 11 digits.")
    postal_address: str


@strawberry.input(description="File a driver of a unit vehicle (八-三).")
class UnitFiledDriverAddInput:
    unit_id: strawberry.ID
    vehicle_id: strawberry.ID
    id_type: IdTypeEnum
    id_number: str


@strawberry.type
class UnitPlateReservationPayload(Payload):
    reservation: UnitPlateReservation | None = None


@strawberry.type
class UnitExemptMarkPayload(Payload):
    application: Application | None = None


@strawberry.type
class UnitContactChangePayload(Payload):
    contact: UnitContactDetails | None = None


@strawberry.type
class UnitFiledDriverPayload(Payload):
    filed_driver: UnitFiledDriver | None = None
