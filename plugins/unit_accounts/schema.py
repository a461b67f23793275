"""GraphQL queries and mutations of M20 unit accounts; resolvers delegate to the service modules."""

from __future__ import annotations

import strawberry
from sqlmodel import select

from core.accounts import Person as PersonRow
from core.accounts import Role, UnitRole
from core.accounts import Unit as UnitRow
from core.accounts import UnitMember as UnitMemberRow
from core.api.types import Application
from core.clock import to_china
from core.context import Context, WriteScope
from core.errors import NotFound
from core.graphql.credentials import CREDENTIAL_OPERATION
from core.graphql.pagination import Connection, paginate
from core.permissions import requires
from core.registries.vehicles import Vehicle as VehicleRow
from core.validation import require_text
from plugins.unit_accounts import jobs, members, plates, qr_login, vehicles
from plugins.unit_accounts.access import ACTIVE, MEASURE, load_unit, require_member
from plugins.unit_accounts.types import (
    UnitAccountMember,
    UnitCleanupExport,
    UnitCleanupRun,
    UnitCleanupRunPayload,
    UnitManagerRegisterInput,
    UnitMemberPayload,
    UnitMembership,
    UnitPlateReplacementInput,
    UnitPlateReplacementPayload,
    UnitQrLoginApprovePayload,
    UnitQrLoginCreatePayload,
    UnitQrLoginRedeemPayload,
    UnitVehicle,
)


def _member_answer(scope: WriteScope, row: UnitMemberRow) -> UnitMemberPayload:
    person = scope.session.get(PersonRow, row.person_id)
    assert person is not None
    return UnitMemberPayload(member=UnitAccountMember.of(row, person))


@strawberry.type
class UnitAccountsQuery:
    @strawberry.field(
        extensions=[requires("unit_accounts.my_units")],
        description="Roles: CITIZEN. My active unit accounts, in units whose city has M20 in force.",
    )
    def unit_account_my_units(self, info: strawberry.Info) -> list[UnitMembership]:
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

    @strawberry.field(
        extensions=[requires("unit_accounts.members")],
        description="Roles: CITIZEN (active member of the unit), CLERK (the unit's city; audited).",
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
                "unit_accounts.members", None, f"Unit:{unit.id}", {"purpose": "window look-up"}
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

    @strawberry.field(
        extensions=[requires("unit_accounts.vehicles")],
        description="Roles: CITIZEN (active member of the unit). The unit's vehicles with status, "
        "filed drivers and violations (八-三).",
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
            ctx.audit_read(
                "unit_accounts.vehicles",
                None,
                f"Unit:{unit.id}",
                {"purpose": "unit member views filed drivers (八-三)", "member": member.id},
            )
        return Connection(
            nodes=[UnitVehicle.of(b) for b in bundles],
            page_info=page.page_info,
            total_count=page.total_count,
        )

    @strawberry.field(
        extensions=[requires("unit_accounts.vehicles")],
        description="Roles: CITIZEN (active member of the unit). One vehicle of the unit.",
    )
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
            ctx.audit_read(
                "unit_accounts.vehicles",
                None,
                f"Vehicle:{row.id}",
                {"purpose": "unit member views filed drivers (八-三)", "member": member.id},
            )
        return UnitVehicle.of(b)

    @strawberry.field(
        extensions=[requires("unit_accounts.cleanup_export")],
        description="Roles: CLERK, SUPERVISOR (own city), PROVINCE_ADMIN (own province), "
        "NATIONAL_ADMIN. CSV of the city's removed unit accounts for notification (八-一); audited.",
    )
    def unit_account_cleanup_export(self, info: strawberry.Info, city: str) -> UnitCleanupExport:
        ctx: Context = info.context
        text, count = jobs.export_for_staff(ctx, city)
        return UnitCleanupExport(city=city, row_count=count, csv=text, generated_at=ctx.now())


@strawberry.type
class UnitAccountsMutation:
    @strawberry.mutation(
        extensions=[requires("unit_accounts.window")],
        description="Roles: CLERK (the unit's city). Register or change the legal person or an "
        "admin at the window (八-二); the person needs a personal app account first.",
    )
    def unit_manager_register(
        self, info: strawberry.Info, input: UnitManagerRegisterInput
    ) -> UnitMemberPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitMemberPayload:
            row = members.register_manager(
                ctx,
                scope,
                input.unit_credit_code,
                UnitRole(input.role.value),
                input.id_type,
                input.id_number,
            )
            return _member_answer(scope, row)

        return ctx.mutate("unit_accounts.window", UnitMemberPayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.window")],
        description="Roles: CLERK (the unit's city). Remove any member at the window (八-二).",
    )
    def unit_member_remove_at_window(
        self, info: strawberry.Info, member_id: strawberry.ID
    ) -> UnitMemberPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitMemberPayload:
            return _member_answer(scope, members.remove_at_window(ctx, scope, str(member_id)))

        return ctx.mutate("unit_accounts.window", UnitMemberPayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.window")],
        description="Roles: CLERK (the unit's city). Grant or withdraw a user's online "
        "补换领牌证 permission (八-三).",
    )
    def unit_user_plate_grant(
        self, info: strawberry.Info, member_id: strawberry.ID, granted: bool
    ) -> UnitMemberPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitMemberPayload:
            row = members.grant_plates(ctx, scope, str(member_id), granted)
            return _member_answer(scope, row)

        return ctx.mutate("unit_accounts.window", UnitMemberPayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.manage_users")],
        description="Roles: CITIZEN who is the unit's legal person or admin. Add a user (八-二).",
    )
    def unit_user_add(
        self, info: strawberry.Info, unit_id: strawberry.ID, id_type: str, id_number: str
    ) -> UnitMemberPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitMemberPayload:
            row = members.add_user(ctx, scope, str(unit_id), id_type, id_number)
            return _member_answer(scope, row)

        return ctx.mutate("unit_accounts.manage_users", UnitMemberPayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.manage_users")],
        description="Roles: CITIZEN who is the unit's legal person or admin. Remove a user (八-二).",
    )
    def unit_user_remove(
        self, info: strawberry.Info, unit_id: strawberry.ID, member_id: strawberry.ID
    ) -> UnitMemberPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitMemberPayload:
            row = members.remove_user(ctx, scope, str(unit_id), str(member_id))
            return _member_answer(scope, row)

        return ctx.mutate("unit_accounts.manage_users", UnitMemberPayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.plates")],
        description="Roles: CITIZEN: the unit's legal person or admin, or a user granted at a "
        "window (八-三). Apply to replace a unit vehicle's plates or licence.",
    )
    def unit_plate_replacement_apply(
        self, info: strawberry.Info, input: UnitPlateReplacementInput
    ) -> UnitPlateReplacementPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitPlateReplacementPayload:
            app = plates.apply(
                ctx,
                scope,
                str(input.unit_id),
                str(input.vehicle_id),
                input.item,
                input.reason,
            )
            return UnitPlateReplacementPayload(application=Application.of(app))

        return ctx.mutate("unit_accounts.plates", UnitPlateReplacementPayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.qr_login")],
        description="Roles: ANONYMOUS, CITIZEN (the web page). Start a QR sign-in for the web "
        "platform of `city` (八-二).",
    )
    def unit_qr_login_create(self, info: strawberry.Info, city: str) -> UnitQrLoginCreatePayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitQrLoginCreatePayload:
            challenge, secret = qr_login.create(ctx, scope, city)
            return UnitQrLoginCreatePayload(
                challenge_id=strawberry.ID(challenge.id),
                secret=secret,
                qr_payload=qr_login.qr_payload(challenge),
                expires_at=to_china(challenge.expires_at),
            )

        return ctx.mutate("unit_accounts.qr_login", UnitQrLoginCreatePayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.qr_approve")],
        description="Roles: CITIZEN, active member of the unit (the app). Approve a scanned "
        "sign-in for that unit (八-二).",
    )
    def unit_qr_login_approve(
        self, info: strawberry.Info, challenge_id: str, unit_id: strawberry.ID
    ) -> UnitQrLoginApprovePayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitQrLoginApprovePayload:
            qr_login.approve(ctx, scope, challenge_id, str(unit_id))
            return UnitQrLoginApprovePayload(approved=True)

        return ctx.mutate("unit_accounts.qr_approve", UnitQrLoginApprovePayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.qr_login")],
        metadata=CREDENTIAL_OPERATION,  # a sign-in: one per request
        description="Roles: ANONYMOUS, CITIZEN (the web page). Redeem an approved sign-in once "
        "for a token (八-二).",
    )
    def unit_qr_login_redeem(
        self, info: strawberry.Info, challenge_id: strawberry.ID, secret: str
    ) -> UnitQrLoginRedeemPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitQrLoginRedeemPayload:
            token, expires, unit_id = qr_login.redeem(ctx, scope, str(challenge_id), secret)
            return UnitQrLoginRedeemPayload(
                token=token, expires_at=expires, unit_id=strawberry.ID(unit_id)
            )

        return ctx.mutate("unit_accounts.qr_login", UnitQrLoginRedeemPayload, work)

    @strawberry.mutation(
        extensions=[requires("unit_accounts.cleanup_run")],
        description="Roles: PROVINCE_ADMIN (own province), NATIONAL_ADMIN. Run the clean-up of "
        "legacy unit accounts (八-一): flag before 2024-07-01, disable and convert from then.",
    )
    def unit_account_cleanup_run(
        self, info: strawberry.Info, province: str | None = None
    ) -> UnitCleanupRunPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> UnitCleanupRunPayload:
            return UnitCleanupRunPayload(
                run=UnitCleanupRun.of(jobs.run_for_admin(ctx, scope, province))
            )

        return ctx.mutate("unit_accounts.cleanup_run", UnitCleanupRunPayload, work)


PERMISSIONS = {
    "unit_accounts.my_units": (Role.CITIZEN,),
    "unit_accounts.members": (Role.CITIZEN, Role.CLERK),
    "unit_accounts.vehicles": (Role.CITIZEN,),
    "unit_accounts.cleanup_export": (
        Role.CLERK,
        Role.SUPERVISOR,
        Role.PROVINCE_ADMIN,
        Role.NATIONAL_ADMIN,
    ),
    "unit_accounts.window": (Role.CLERK,),
    "unit_accounts.manage_users": (Role.CITIZEN,),
    "unit_accounts.plates": (Role.CITIZEN,),
    "unit_accounts.qr_login": (Role.ANONYMOUS, Role.CITIZEN),
    "unit_accounts.qr_approve": (Role.CITIZEN,),
    "unit_accounts.cleanup_run": (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN),
}
