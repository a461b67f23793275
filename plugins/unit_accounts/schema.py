"""GraphQL queries and mutations of M20 unit accounts; resolvers delegate to the service modules."""

from __future__ import annotations

import dataclasses

import strawberry
from sqlmodel import select

from core.accounts import Person as PersonRow
from core.accounts import Role, UnitRole
from core.accounts import Unit as UnitRow
from core.accounts import UnitMember as UnitMemberRow
from core.api.types import Application, IdTypeEnum
from core.clock import to_china
from core.context import Context, WriteScope
from core.errors import NotFound
from core.graphql.credentials import CREDENTIAL_OPERATION
from core.graphql.mine import renamed_mine_list
from core.graphql.operations import mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.identity import DocumentType
from core.registries.vehicles import Vehicle as VehicleRow
from core.validation import require_text

from . import business, decisions, jobs, members, plates, qr_login, vehicles
from .access import ACTIVE, load_unit, require_member
from .models import PlateReservation as PlateReservationRow
from .rules import MEASURE
from .types import (
    UnitAccountMember,
    UnitCleanupExport,
    UnitCleanupRun,
    UnitCleanupRunPayload,
    UnitContactChangeInput,
    UnitContactChangePayload,
    UnitContactDetails,
    UnitExemptMarkPayload,
    UnitFiledDriver,
    UnitFiledDriverAddInput,
    UnitFiledDriverPayload,
    UnitManagerRegisterInput,
    UnitMemberPayload,
    UnitMembership,
    UnitPlateReplacementInput,
    UnitPlateReplacementPayload,
    UnitPlateReservation,
    UnitPlateReservationPayload,
    UnitQrLoginApprovePayload,
    UnitQrLoginCreatePayload,
    UnitQrLoginRedeemPayload,
    UnitVehicle,
)

UNIT_CITY = "the unit's city"
MEMBER = "active member of the unit"
MANAGER = "the unit's legal person or admin"
WEB_PAGE = "the web page"


def _member_answer(scope: WriteScope, row: UnitMemberRow) -> UnitMemberPayload:
    person = scope.session.get(PersonRow, row.person_id)
    assert person is not None
    return UnitMemberPayload(member=UnitAccountMember.of(row, person))


def _audit_filed_drivers(ctx: Context, ref: str, member: UnitMemberRow) -> None:
    """Audit a member's read of the unit's filed drivers (someone else's data, 八-三)."""
    purpose = {"purpose": "unit member views filed drivers (八-三)", "member": member.id}
    ctx.audit_read(f"{MEASURE}.vehicles", None, ref, purpose)


@strawberry.type
class UnitAccountsQuery:
    @operation_field(
        f"{MEASURE}.my_units",
        "My active unit accounts, in units whose city has M20 in force.",
        own_records=True,
    )
    def my_units(self, info: strawberry.Info) -> list[UnitMembership]:
        ctx: Context = info.context
        person_id = ctx.require_person()
        rows = ctx.session.exec(
            select(UnitMemberRow, UnitRow)
            .join(UnitRow, UnitRow.id == UnitMemberRow.unit_id)
            .where(UnitMemberRow.person_id == person_id, UnitMemberRow.status == ACTIVE)
            .order_by(UnitRow.name)
        ).all()
        return [
            UnitMembership.of(m, u) for m, u in rows if ctx.decision(MEASURE, u.city_code).in_force
        ]

    @operation_field(
        f"{MEASURE}.my_units",
        "My active unit accounts, in units whose city has M20 in force.",
        deprecation_reason=renamed_mine_list("myUnits"),
        own_records=True,
    )
    def unit_account_my_units(self, info: strawberry.Info) -> list[UnitMembership]:
        return UnitAccountsQuery.my_units(self, info)  # type: ignore[operator]

    @operation_field(
        f"{MEASURE}.members",
        "The unit's active members.",
        qualifier="an active member of the unit, or a clerk of its city; audited",
    )
    def unit_account_members(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[UnitAccountMember]:
        ctx: Context = info.context
        session = ctx.session
        if ctx.actor.is_staff:
            unit = load_unit(session, str(unit_id))
            ctx.require_in_force(MEASURE, unit.city_code, field="unitId")
            ctx.require_jurisdiction(unit.city_code, field="unitId")
            ctx.audit_read(
                f"{MEASURE}.members", None, f"Unit:{unit.id}", {"purpose": "window look-up"}
            )
        else:
            unit, _member = require_member(ctx, session, str(unit_id))
        statement = (
            select(UnitMemberRow, PersonRow)
            .join(PersonRow, PersonRow.id == UnitMemberRow.person_id)
            .where(UnitMemberRow.unit_id == unit.id, UnitMemberRow.status == ACTIVE)
            .order_by(UnitMemberRow.registered_at, UnitMemberRow.id)
        )
        return paginate(ctx, statement, first, after, lambda r: UnitAccountMember.of(r[0], r[1]))

    @operation_field(
        f"{MEASURE}.vehicles",
        "The unit's vehicles with status, filed drivers and violations (八-三).",
        qualifier=MEMBER,
    )
    def unit_vehicles(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[UnitVehicle]:
        ctx: Context = info.context
        unit, member = require_member(ctx, ctx.session, str(unit_id))
        page = paginate(ctx, vehicles.unit_vehicles_query(unit.id), first, after, lambda v: v)
        bundles = vehicles.bundle(ctx.session, list(page.nodes))
        if any(b.drivers for b in bundles):
            _audit_filed_drivers(ctx, f"Unit:{unit.id}", member)
        return dataclasses.replace(page, nodes=[UnitVehicle.of(b) for b in bundles])

    @operation_field(f"{MEASURE}.vehicles", "One vehicle of the unit.", qualifier=MEMBER)
    def unit_vehicle(
        self, info: strawberry.Info, unit_id: strawberry.ID, vehicle_id: strawberry.ID
    ) -> UnitVehicle:
        ctx: Context = info.context
        unit, member = require_member(ctx, ctx.session, str(unit_id))
        require_text("vehicleId", str(vehicle_id), 16)
        row = ctx.session.get(VehicleRow, str(vehicle_id))
        if row is None or row.owner_unit_id != unit.id:
            raise NotFound("Vehicle", "vehicleId")
        (b,) = vehicles.bundle(ctx.session, [row])
        if b.drivers:
            _audit_filed_drivers(ctx, f"Vehicle:{row.id}", member)
        return UnitVehicle.of(b)

    @operation_field(
        f"{MEASURE}.vehicles",
        "The unit's contact details (八-三), null until first recorded.",
        qualifier=MEMBER,
    )
    def unit_contact(
        self, info: strawberry.Info, unit_id: strawberry.ID
    ) -> UnitContactDetails | None:
        row = business.contact_of(info.context, str(unit_id))
        return UnitContactDetails.of(row) if row is not None else None

    @operation_field(
        f"{MEASURE}.vehicles",
        "The plate numbers the unit preselected (八-三), newest first.",
        qualifier=MEMBER,
    )
    def unit_plate_reservations(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[UnitPlateReservation]:
        ctx: Context = info.context
        unit, _member = require_member(ctx, ctx.session, str(unit_id))
        statement = (
            select(PlateReservationRow)
            .where(PlateReservationRow.unit_id == unit.id)
            .order_by(PlateReservationRow.reserved_at.desc(), PlateReservationRow.id)  # type: ignore[attr-defined]
        )
        return paginate(ctx, statement, first, after, UnitPlateReservation.of)

    @operation_field(
        f"{MEASURE}.cleanup_export",
        "CSV of the city's removed unit accounts for notification (八-一); audited.",
        qualifier="own city; a province admin: own province",
    )
    def unit_account_cleanup_export(self, info: strawberry.Info, city: str) -> UnitCleanupExport:
        ctx: Context = info.context
        text, count = jobs.export_for_staff(ctx, city)
        return UnitCleanupExport(city=city, row_count=count, csv=text, generated_at=ctx.now())


@strawberry.type
class UnitAccountsMutation:
    @mutation(
        f"{MEASURE}.window",
        "Register or change the legal person or an admin at the window (八-二); the person needs "
        "a personal app account first.",
        qualifier=UNIT_CITY,
    )
    def unit_manager_register(
        self, info: strawberry.Info, input: UnitManagerRegisterInput, scope: WriteScope
    ) -> UnitMemberPayload:
        row = members.register_manager(
            info.context,
            scope,
            input.unit_credit_code,
            UnitRole(input.role),
            DocumentType(input.id_type).value,
            input.id_number,
        )
        return _member_answer(scope, row)

    @mutation(f"{MEASURE}.window", "Remove any member at the window (八-二).", qualifier=UNIT_CITY)
    def unit_member_remove_at_window(
        self, info: strawberry.Info, member_id: strawberry.ID, scope: WriteScope
    ) -> UnitMemberPayload:
        return _member_answer(scope, members.remove_at_window(info.context, scope, str(member_id)))

    @mutation(
        f"{MEASURE}.window",
        "Grant or withdraw a user's online 补换领牌证 permission (八-三).",
        qualifier=UNIT_CITY,
    )
    def unit_user_plate_grant(
        self, info: strawberry.Info, member_id: strawberry.ID, granted: bool, scope: WriteScope
    ) -> UnitMemberPayload:
        row = members.grant_plates(info.context, scope, str(member_id), granted)
        return _member_answer(scope, row)

    @mutation(f"{MEASURE}.manage_users", "Add a user (八-二).", qualifier=MANAGER)
    def unit_user_add(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        id_type: IdTypeEnum,
        id_number: str,
        scope: WriteScope,
    ) -> UnitMemberPayload:
        row = members.add_user(
            info.context, scope, str(unit_id), DocumentType(id_type).value, id_number
        )
        return _member_answer(scope, row)

    @mutation(f"{MEASURE}.manage_users", "Remove a user (八-二).", qualifier=MANAGER)
    def unit_user_remove(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        member_id: strawberry.ID,
        scope: WriteScope,
    ) -> UnitMemberPayload:
        row = members.remove_user(info.context, scope, str(unit_id), str(member_id))
        return _member_answer(scope, row)

    @mutation(
        f"{MEASURE}.plates",
        "Apply to replace a unit vehicle's plates or licence.",
        qualifier="the unit's legal person or admin, or a user granted at a window, 八-三",
    )
    def unit_plate_replacement_apply(
        self, info: strawberry.Info, input: UnitPlateReplacementInput, scope: WriteScope
    ) -> UnitPlateReplacementPayload:
        app = plates.apply(
            info.context,
            scope,
            str(input.unit_id),
            str(input.vehicle_id),
            input.item,
            input.reason,
        )
        return UnitPlateReplacementPayload(application=Application.of(app))

    @mutation(
        f"{MEASURE}.qr_login",
        "Start a QR sign-in for the web platform of `city` (八-二).",
        qualifier=WEB_PAGE,
    )
    def unit_qr_login_create(
        self, info: strawberry.Info, city: str, scope: WriteScope
    ) -> UnitQrLoginCreatePayload:
        challenge, secret = qr_login.create(info.context, scope, city)
        return UnitQrLoginCreatePayload(
            challenge_id=strawberry.ID(challenge.id),
            secret=secret,
            qr_payload=qr_login.qr_payload(challenge),
            expires_at=to_china(challenge.expires_at),
        )

    @mutation(
        f"{MEASURE}.qr_approve",
        "Approve a scanned sign-in for that unit (八-二).",
        qualifier="active member of the unit, in the app",
    )
    def unit_qr_login_approve(
        self, info: strawberry.Info, challenge_id: str, unit_id: strawberry.ID, scope: WriteScope
    ) -> UnitQrLoginApprovePayload:
        qr_login.approve(info.context, scope, challenge_id, str(unit_id))
        return UnitQrLoginApprovePayload(approved=True)

    @mutation(
        f"{MEASURE}.qr_login",
        "Redeem an approved sign-in once for a token (八-二).",
        qualifier=WEB_PAGE,
        metadata=CREDENTIAL_OPERATION,  # a sign-in: one per request
    )
    def unit_qr_login_redeem(
        self, info: strawberry.Info, challenge_id: strawberry.ID, secret: str, scope: WriteScope
    ) -> UnitQrLoginRedeemPayload:
        token, expires, unit_id = qr_login.redeem(info.context, scope, str(challenge_id), secret)
        return UnitQrLoginRedeemPayload(
            token=token, expires_at=expires, unit_id=strawberry.ID(unit_id)
        )

    @mutation(
        f"{MEASURE}.cleanup_run",
        "Run the clean-up of legacy unit accounts (八-一): flag before 2024-07-01, disable and "
        "convert from then.",
        qualifier="a province admin: own province",
    )
    def unit_account_cleanup_run(
        self, info: strawberry.Info, scope: WriteScope, province: str | None = None
    ) -> UnitCleanupRunPayload:
        run = jobs.run_for_admin(info.context, scope, province)
        return UnitCleanupRunPayload(run=UnitCleanupRun.of(run))

    @mutation(
        f"{MEASURE}.preselect",
        "Preselect a plate number for a vehicle the unit will register (八-三); kept 15 days.",
        qualifier=MANAGER,
    )
    def unit_plate_preselect(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        vin: str,
        plate: str,
        scope: WriteScope,
    ) -> UnitPlateReservationPayload:
        row = business.preselect(info.context, scope, str(unit_id), vin, plate)
        return UnitPlateReservationPayload(reservation=UnitPlateReservation.of(row))

    @mutation(
        f"{MEASURE}.preselect",
        "Give a preselected plate number back (八-三).",
        qualifier=MANAGER,
        way_out=True,
    )
    def unit_plate_reservation_release(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        reservation_id: strawberry.ID,
        scope: WriteScope,
    ) -> UnitPlateReservationPayload:
        row = business.release(info.context, scope, str(unit_id), str(reservation_id))
        return UnitPlateReservationPayload(reservation=UnitPlateReservation.of(row))

    @mutation(
        f"{MEASURE}.exempt_mark",
        "Apply for a unit car's inspection-exempt mark (八-三 申领免检标志).",
        qualifier=MEMBER,
    )
    def unit_exempt_mark_apply(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        vehicle_id: strawberry.ID,
        scope: WriteScope,
    ) -> UnitExemptMarkPayload:
        app = business.apply_exempt_mark(info.context, scope, str(unit_id), str(vehicle_id))
        return UnitExemptMarkPayload(application=Application.of(app))

    @mutation(
        f"{MEASURE}.contact",
        "Change the unit's contact details (八-三 变更联系方式).",
        qualifier=MANAGER,
    )
    def unit_contact_change(
        self, info: strawberry.Info, input: UnitContactChangeInput, scope: WriteScope
    ) -> UnitContactChangePayload:
        # the input's fields are the service's arguments, name for name
        row = business.change_contact(info.context, scope, **vars(input))
        return UnitContactChangePayload(contact=UnitContactDetails.of(row))

    @mutation(
        f"{MEASURE}.drivers",
        "File a driver of a unit vehicle (八-三); the driver is told.",
        qualifier=MANAGER,
    )
    def unit_filed_driver_add(
        self, info: strawberry.Info, input: UnitFiledDriverAddInput, scope: WriteScope
    ) -> UnitFiledDriverPayload:
        row, person = business.add_driver(
            info.context,
            scope,
            str(input.unit_id),
            str(input.vehicle_id),
            DocumentType(input.id_type).value,
            input.id_number,
        )
        return UnitFiledDriverPayload(filed_driver=UnitFiledDriver.of(row, person))

    @mutation(
        f"{MEASURE}.drivers",
        "Remove a filed driver of a unit vehicle (八-三); the driver is told.",
        qualifier=MANAGER,
    )
    def unit_filed_driver_remove(
        self,
        info: strawberry.Info,
        unit_id: strawberry.ID,
        filed_driver_id: strawberry.ID,
        scope: WriteScope,
    ) -> UnitFiledDriverPayload:
        row, person = business.remove_driver(
            info.context, scope, str(unit_id), str(filed_driver_id)
        )
        return UnitFiledDriverPayload(filed_driver=UnitFiledDriver.of(row, person))

    @mutation(
        f"{MEASURE}.decide",
        "Approve, or reject with a note, a unit's application (补换领牌证, 申领免检标志); the member "
        "who applied is told.",
        qualifier="the application's city",
        way_out=lambda a: not a["approve"],
    )
    def unit_application_decide(
        self,
        info: strawberry.Info,
        application_id: strawberry.ID,
        approve: bool,
        scope: WriteScope,
        note: str | None = None,
    ) -> UnitExemptMarkPayload:
        app = decisions.decide(info.context, scope, str(application_id), approve, note)
        return UnitExemptMarkPayload(application=Application.of(app))

    @mutation(
        f"{MEASURE}.decide",
        "Record that an approved unit application is done (plates, licence or mark issued).",
        qualifier="the application's city",
    )
    def unit_application_complete(
        self, info: strawberry.Info, application_id: strawberry.ID, scope: WriteScope
    ) -> UnitExemptMarkPayload:
        app = decisions.complete(info.context, scope, str(application_id))
        return UnitExemptMarkPayload(application=Application.of(app))

    @mutation(
        f"{MEASURE}.decide",
        "Cancel a unit's pending or approved application with the reason (e.g. the vehicle was "
        "deregistered after the approval); the unit is told.",
        qualifier="the application's city",
        way_out=True,
    )
    def unit_application_cancel(
        self,
        info: strawberry.Info,
        application_id: strawberry.ID,
        reason: str,
        scope: WriteScope,
    ) -> UnitExemptMarkPayload:
        app = decisions.cancel(info.context, scope, str(application_id), reason)
        return UnitExemptMarkPayload(application=Application.of(app))


PERMISSIONS = {
    f"{MEASURE}.my_units": (Role.CITIZEN,),
    f"{MEASURE}.members": (Role.CITIZEN, Role.CLERK),
    f"{MEASURE}.vehicles": (Role.CITIZEN,),
    f"{MEASURE}.cleanup_export": (
        Role.CLERK,
        Role.SUPERVISOR,
        Role.PROVINCE_ADMIN,
        Role.NATIONAL_ADMIN,
    ),
    f"{MEASURE}.window": (Role.CLERK,),
    f"{MEASURE}.manage_users": (Role.CITIZEN,),
    f"{MEASURE}.plates": (Role.CITIZEN,),
    f"{MEASURE}.qr_login": (Role.ANONYMOUS, Role.CITIZEN),
    f"{MEASURE}.qr_approve": (Role.CITIZEN,),
    f"{MEASURE}.cleanup_run": (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN),
    f"{MEASURE}.preselect": (Role.CITIZEN,),
    f"{MEASURE}.exempt_mark": (Role.CITIZEN,),
    f"{MEASURE}.contact": (Role.CITIZEN,),
    f"{MEASURE}.drivers": (Role.CITIZEN,),
    f"{MEASURE}.decide": (Role.CLERK, Role.SUPERVISOR),
}
