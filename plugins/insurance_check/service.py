"""M11 operations: run an online check (recording every outcome) and read a vehicle's checks."""

from __future__ import annotations

from sqlmodel import select

from core.context import Context, WriteScope
from core.db import stamp
from core.errors import Code, Forbidden, NotFound, RuleError
from core.identifiers import parse_vin
from core.records import get_or_not_found
from core.registries.vehicles import Vehicle, VehicleCategory

from . import followup, rules
from .adapter import ADAPTER, SourceUnavailable
from .models import InsuranceCheckRow
from .rules import MEASURE, Business, Outcome, Rule, Verdict


def _target(
    ctx: Context, vin: str, business: Business, category: VehicleCategory | None
) -> tuple[Vehicle | None, str, str]:
    """The vehicle (None for a first registration), its category and the city of the business."""
    vehicle = ctx.session.exec(select(Vehicle).where(Vehicle.vin == vin)).first()
    if vehicle is not None:
        return vehicle, vehicle.category, vehicle.registration_city
    if business is Business.INSPECTION_MARK:
        raise NotFound("Vehicle", "vin")
    if category is None:
        raise RuleError(
            Code.INVALID_INPUT,
            "A vehicle not yet registered needs its category.",
            field="category",
        )
    if not ctx.actor.city_code:
        raise Forbidden("Only an office's clerk registers vehicles.")
    return None, category.value, ctx.actor.city_code


def run_check(
    ctx: Context,
    scope: WriteScope,
    *,
    vin: str,
    business: Business,
    category: VehicleCategory | None,
) -> tuple[InsuranceCheckRow, Verdict]:
    """Check 交强险 online for a registration or an inspection mark; every outcome is recorded."""
    session = scope.session
    vin = parse_vin(vin)
    vehicle, cat, city = _target(ctx, vin, business, category)
    ctx.require_in_force(MEASURE, city, field="vin")
    ctx.require_jurisdiction(city, field="vin")
    scope.subject(
        vehicle.owner_person_id if vehicle else None,
        f"Vehicle:{vehicle.id}" if vehicle else f"VIN:{vin}",
        business=business.value,
    )
    rules.check_scope(cat)
    try:
        verdict = rules.evaluate(ctx.adapter(ADAPTER).policies(session, vin), ctx.today())
    except SourceUnavailable:
        verdict = Verdict(Outcome.SOURCE_UNAVAILABLE, None)
    policy = verdict.policy
    row = InsuranceCheckRow(
        vehicle_id=vehicle.id if vehicle else None,
        vin=vin,
        category=cat,
        city_code=city,
        business=business.value,
        outcome=verdict.outcome.value,
        insurer_name=policy.insurer_name if policy else None,
        policy_number=policy.policy_number if policy else None,
        valid_until=policy.valid_until if policy else None,
        checked_by=ctx.actor.account_id,
        checked_at=stamp(ctx.now()),
    )
    if verdict.outcome is Outcome.FOUND:
        followup.close_on_recheck(ctx, session, row)
    else:
        followup.open_failure(ctx, session, row)
    session.add(row)
    session.flush()
    scope.subject(outcome=verdict.outcome.value)
    return row, verdict


def rule_for(outcome: Outcome) -> str:
    return Rule.FOUND if outcome is Outcome.FOUND else Rule.FEEDBACK


def history(ctx: Context, vehicle_id: str):  # noqa: ANN201 - a SQLAlchemy select
    """A vehicle's checks, for staff of its registration city (audited)."""
    vehicle = get_or_not_found(ctx.session, Vehicle, vehicle_id, "Vehicle", "vehicleId")
    ctx.require_in_force(MEASURE, vehicle.registration_city, field="vehicleId")
    ctx.require_jurisdiction(vehicle.registration_city, field="vehicleId")
    ctx.audit_read(
        f"{MEASURE}.history",
        vehicle.owner_person_id,
        f"Vehicle:{vehicle.id}",
        {"purpose": "交强险核查记录"},
        measure=MEASURE,
    )
    return (
        select(InsuranceCheckRow)
        .where(InsuranceCheckRow.vin == vehicle.vin)
        .order_by(InsuranceCheckRow.checked_at.desc(), InsuranceCheckRow.id)  # type: ignore[attr-defined]
    )


__all__ = ["history", "run_check"]
