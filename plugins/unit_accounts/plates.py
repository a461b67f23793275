"""Online 补换领牌证 (replacing plates, the vehicle licence or the inspection mark) of a unit
vehicle, as a core business application (八-三)."""

from __future__ import annotations

from core.context import Context, WriteScope
from core.errors import NotFound, RuleError
from core.registries import applications
from core.registries.applications import Application
from core.registries.vehicles import Vehicle, VehicleStatus
from core.validation import require_text

from . import rules
from .access import require_member
from .errors import UnitAccountErrorCode
from .rules import MEASURE, PlateItem

BUSINESS = "补换领牌证"
NOT_ELIGIBLE = {VehicleStatus.DEREGISTERED.value, VehicleStatus.TRANSFERRED.value}


def apply(
    ctx: Context, scope: WriteScope, unit_id: str, vehicle_id: str, item: PlateItem, reason: str
) -> Application:
    """Submit the application; the caller must be allowed by 八-三 and the vehicle the unit's."""
    session = scope.session
    text = require_text("reason", reason, 200, multiline=True)
    unit, member = require_member(ctx, session, unit_id)
    rules.require_new_rules(ctx.today(), "unitId", rules.RULE_PLATES)
    rules.require_plate_permission(member.role, member.can_replace_plates)
    require_text("vehicleId", vehicle_id, 16)
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None or vehicle.owner_unit_id != unit.id:
        raise NotFound("Vehicle", "vehicleId")
    ctx.require_in_force(MEASURE, vehicle.registration_city, field="vehicleId")
    if vehicle.status in NOT_ELIGIBLE:
        raise RuleError(
            UnitAccountErrorCode.VEHICLE_NOT_ELIGIBLE,
            f"A vehicle in status {vehicle.status} has no plates or licence to replace.",
            field="vehicleId",
            rule=rules.RULE_PLATES,
        )
    app = applications.submit(
        session,
        now=scope.now,
        measure=MEASURE,
        business=f"{BUSINESS}:{item.value}",
        city_code=vehicle.registration_city,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=member.person_id,
        vehicle_id=vehicle.id,
        channel="ONLINE",
        data={"unitId": unit.id, "memberId": member.id, "item": item.value, "reason": text},
    )
    scope.subject(member.person_id, f"Application:{app.id}", unit=unit.id, item=item.value)
    return app
