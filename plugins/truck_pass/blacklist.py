"""The blacklist (黑名单) of units and vehicles with many violations or accidents (2021-四-三)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, or_, select

from core.accounts import Unit
from core.context import Context, WriteScope
from core.errors import Code, NotFound, RuleError
from core.graphql.pagination import Connection, paginate
from core.registries.vehicles import Vehicle, Violation
from core.validation import require_range, require_text

from . import rules
from .errors import TruckPassErrorCode
from .models import TruckPassBlacklistEntry as EntryRow
from .policies import gate_staff_city
from .rules import MEASURE
from .types import TruckPassBlacklistEntry, TruckPassBlacklistPayload


def is_blacklisted(session: Session, city_code: str, vehicle: Vehicle) -> bool:
    """Is the vehicle, or the unit that owns it, on the city's blacklist (not lifted)?"""
    targets = [EntryRow.vehicle_id == vehicle.id]
    if vehicle.owner_unit_id:
        targets.append(EntryRow.unit_id == vehicle.owner_unit_id)
    found = session.exec(
        select(EntryRow).where(
            EntryRow.city_code == city_code,
            EntryRow.lifted_on.is_(None),
            or_(*targets),  # type: ignore[union-attr]
        )
    ).first()
    return found is not None


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def count_violations(session: Session, vehicle_ids: list[str], since: dt.datetime) -> int:
    """Violations of these vehicles recorded at or after `since` (any city)."""
    if not vehicle_ids:
        return 0
    rows = session.exec(select(Violation).where(Violation.vehicle_id.in_(vehicle_ids))).all()  # type: ignore[union-attr]
    return sum(1 for v in rows if _as_utc(v.occurred_at) >= since)


def add(
    ctx: Context,
    scope: WriteScope,
    city_code: str,
    vehicle_id: str | None,
    unit_id: str | None,
    accidents: int,
    reason: str,
    correction_days: int,
) -> TruckPassBlacklistPayload:
    """A supervisor lists a unit or a vehicle, with a deadline to correct (责令限期整改)."""
    session = scope.session
    city = gate_staff_city(ctx, city_code)
    if (vehicle_id is None) == (unit_id is None):
        raise RuleError(Code.INVALID_INPUT, "Name exactly one vehicle or unit.", field="vehicleId")
    require_range("accidents", accidents, 0, 1000)
    text = require_text("reason", reason, 300, multiline=True)
    days = require_range("correctionDays", correction_days, 1, 180)
    lookback = int(ctx.setting(MEASURE, "violation_lookback_days", city))
    since = ctx.now() - dt.timedelta(days=lookback)
    if vehicle_id is not None:
        vehicle = session.get(Vehicle, require_text("vehicleId", vehicle_id, 16))
        if vehicle is None:
            raise NotFound("Vehicle", "vehicleId")
        ids = [vehicle.id]
        existing = EntryRow.vehicle_id == vehicle.id
        scope.subject(vehicle.owner_person_id, f"Vehicle:{vehicle.id}", city=city)
    else:
        unit = session.get(Unit, require_text("unitId", unit_id, 16))
        if unit is None:
            raise NotFound("Unit", "unitId")
        ids = list(session.exec(select(Vehicle.id).where(Vehicle.owner_unit_id == unit.id)).all())
        existing = EntryRow.unit_id == unit.id
        scope.subject(ref=f"Unit:{unit.id}", city=city)
    if session.exec(
        select(EntryRow).where(existing, EntryRow.city_code == city, EntryRow.lifted_on.is_(None))  # type: ignore[union-attr]
    ).first():
        raise RuleError(
            TruckPassErrorCode.ALREADY_BLACKLISTED, "Already on the blacklist.", field="vehicleId"
        )
    violations = count_violations(session, ids, since)
    rules.check_blacklist_threshold(
        violations,
        accidents,
        int(ctx.setting(MEASURE, "blacklist_violation_threshold", city)),
        int(ctx.setting(MEASURE, "blacklist_accident_threshold", city)),
    )
    today = ctx.today()
    row = EntryRow(
        city_code=city,
        vehicle_id=vehicle_id,
        unit_id=unit_id,
        violations=violations,
        accidents=accidents,
        reason=text,
        listed_on=today,
        correct_by=today + dt.timedelta(days=days),
        listed_by=ctx.actor.account_id,
    )
    session.add(row)
    session.flush()
    return TruckPassBlacklistPayload(entry=TruckPassBlacklistEntry.of(row, today))


def lift(ctx: Context, scope: WriteScope, entry_id: str, note: str) -> TruckPassBlacklistPayload:
    """A supervisor lifts a listing once the correction is done."""
    row = scope.session.get(EntryRow, require_text("entryId", entry_id, 16))
    if row is None:
        raise NotFound("TruckPassBlacklistEntry", "entryId")
    gate_staff_city(ctx, row.city_code, "entryId")
    text = require_text("note", note, 300, multiline=True)
    if row.lifted_on is not None:
        raise RuleError(TruckPassErrorCode.ALREADY_LIFTED, "Already lifted.", field="entryId")
    row.lifted_on = ctx.today()
    row.lift_note = text
    scope.session.add(row)
    scope.subject(ref=f"TruckPassBlacklistEntry:{row.id}", city=row.city_code)
    return TruckPassBlacklistPayload(entry=TruckPassBlacklistEntry.of(row, ctx.today()))


def entries(
    ctx: Context, city_code: str, include_lifted: bool, first: int, after: str | None
) -> Connection[TruckPassBlacklistEntry]:
    city = gate_staff_city(ctx, city_code)
    stmt = select(EntryRow).where(EntryRow.city_code == city)
    if not include_lifted:
        stmt = stmt.where(EntryRow.lifted_on.is_(None))  # type: ignore[union-attr]
    today = ctx.today()
    stmt = stmt.order_by(EntryRow.listed_on, EntryRow.id)
    return paginate(ctx, stmt, first, after, lambda r: TruckPassBlacklistEntry.of(r, today))
