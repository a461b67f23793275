"""Online 补换领牌证 (replacing plates, the vehicle licence or the inspection mark) of a unit
vehicle, as a core business application (八-三)."""

from __future__ import annotations

from core.context import Context, WriteScope
from core.errors import RuleError
from core.registries.applications import Application
from core.registries.vehicles import VehicleStatus
from core.validation import require_text

from . import rules
from .access import require_member
from .applying import submit_for_unit, unit_vehicle
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
    vehicle = unit_vehicle(session, unit, vehicle_id)
    ctx.require_in_force(MEASURE, vehicle.registration_city, field="vehicleId")
    if vehicle.status in NOT_ELIGIBLE:
        raise RuleError(
            UnitAccountErrorCode.VEHICLE_NOT_ELIGIBLE,
            f"A vehicle in status {vehicle.status} has no plates or licence to replace.",
            field="vehicleId",
        )
    data = {"item": item.value, "reason": text}
    business = f"{BUSINESS}:{item.value}"
    return submit_for_unit(ctx, scope, unit, member, vehicle, business, data, item=item.value)
