"""A member applies online for a business of one of the unit's vehicles (八-三): the vehicle
must be the unit's, and the application is the core's, in the vehicle's registration city."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.accounts import Unit, UnitMember
from core.context import Context, WriteScope
from core.errors import NotFound
from core.ids import lookup_id
from core.registries import applications
from core.registries.applications import Application
from core.registries.vehicles import Vehicle
from core.validation import require_text

from .rules import MEASURE


def unit_vehicle(session: Session, unit: Unit, vehicle_id: str) -> Vehicle:
    """The unit's vehicle `vehicle_id`; another's (or none) is NOT_FOUND (no probing)."""
    require_text("vehicleId", vehicle_id, 16)
    vehicle = session.get(Vehicle, lookup_id(vehicle_id))
    if vehicle is None or vehicle.owner_unit_id != unit.id:
        raise NotFound("Vehicle", "vehicleId")
    return vehicle


def submit_for_unit(
    ctx: Context,
    scope: WriteScope,
    unit: Unit,
    member: UnitMember,
    vehicle: Vehicle,
    business: str,
    data: dict[str, Any],
    **detail: Any,
) -> Application:
    """Submit `business` online for the unit's `vehicle`, applied for by `member`; the
    application's data names the unit and the member, then `data`. Audited with the member as
    subject, the unit and `detail`."""
    app = applications.submit(
        scope.session,
        now=scope.now,
        measure=MEASURE,
        business=business,
        city_code=vehicle.registration_city,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=member.person_id,
        vehicle_id=vehicle.id,
        channel="ONLINE",
        data={"unitId": unit.id, "memberId": member.id, **data},
    )
    scope.subject(member.person_id, f"Application:{app.id}", unit=unit.id, **detail)
    return app
