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
from core.workflow import move

from . import rules
from .errors import TruckPassErrorCode
from .models import TruckPassBlacklistEntry as EntryRow
from .models import TruckPassCode as CodeRow
from .models import TruckPassConditions as ConditionsRow
from .policies import gate_staff_city
from .rules import MEASURE
from .types import TruckPassBlacklistEntry, TruckPassBlacklistPayload
from .workflows import BLACKLIST, entry_params, firm_addressees


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
    if vehicle_id is not None:
        firm_unit, firm_person = (
            vehicle.owner_unit_id,
            (None if vehicle.owner_unit_id else vehicle.owner_person_id),
        )
    else:
        firm_unit, firm_person = unit.id, None
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
        status=rules.BlacklistStatus.LISTED.value,
        firm_unit_id=firm_unit,
        firm_person_id=firm_person,
    )
    session.add(row)
    session.flush()
    restrict_held_codes(ctx, session, row)
    for to in firm_addressees(row):
        if to:
            ctx.notify(
                session,
                to,
                f"{MEASURE}.blacklisted",
                {**entry_params(row), "reason": row.reason, "revoked": row.codes_revoked,
                 "shortened": row.codes_shortened},
            )  # fmt: skip
    return TruckPassBlacklistPayload(entry=TruckPassBlacklistEntry.of(row, today))


def _held_codes(session: Session, entry: EntryRow, today: dt.date) -> list[CodeRow]:
    """The listed firm's codes in the city still running (not revoked, not expired), oldest
    first: a unit's codes (owner), or the listed vehicle's."""
    target = (
        CodeRow.owner_key == f"U:{entry.unit_id}"
        if entry.unit_id
        else CodeRow.vehicle_id == entry.vehicle_id
    )
    return list(
        session.exec(
            select(CodeRow)
            .where(
                target,
                CodeRow.city_code == entry.city_code,
                CodeRow.status == rules.CodeStatus.ACTIVE,
                CodeRow.valid_until >= today,
            )
            .order_by(CodeRow.issued_at, CodeRow.id)
            .with_for_update()
        ).all()
    )


def restrict_held_codes(ctx: Context, session: Session, entry: EntryRow) -> None:
    """2021-四-三 "减少通行码（证）数量、缩短有效期": the codes the firm already holds fall under
    the city's published blacklist limits at once (the oldest kept, the rest revoked; the kept
    ones shortened); each change is marked with the listing and told to the code's holder."""
    today = ctx.today()
    conditions = session.get(ConditionsRow, entry.city_code)
    codes = _held_codes(session, entry, today)
    if conditions is None or not codes:
        return  # no code can exist before the city publishes its conditions
    revoke, shortened = rules.blacklist_code_effects(
        [(c.id, c.valid_from, c.valid_until) for c in codes],
        today,
        conditions.blacklist_max_codes,
        conditions.blacklist_validity_days,
    )
    for code in codes:
        if code.id in revoke:
            code.status = rules.CodeStatus.REVOKED
            code.revoked_on = today
            code.revoke_reason = rules.RevokeReason.BLACKLIST
            change = "已注销"
        elif code.id in shortened:
            code.original_valid_until = code.valid_until
            code.valid_until = shortened[code.id]
            change = f"有效期缩短至{code.valid_until.isoformat()}"
        else:
            continue
        code.blacklist_entry_id = entry.id
        session.add(code)
        ctx.notify(
            session, code.holder_person_id, f"{MEASURE}.code_restricted",
            {"plate": code.plate or "", "change": change},
        )  # fmt: skip
    entry.codes_revoked = len(revoke)
    entry.codes_shortened = len(shortened)
    session.add(entry)
    session.flush()


def restore_codes(ctx: Context, session: Session, entry: EntryRow) -> None:
    """An overturned listing gives back what it took: revoked codes whose days are not over
    become active again, shortened ones get their last day back."""
    today = ctx.today()
    codes = session.exec(select(CodeRow).where(CodeRow.blacklist_entry_id == entry.id)).all()
    for code in codes:
        if (
            code.revoke_reason == rules.RevokeReason.BLACKLIST
            and code.status == rules.CodeStatus.REVOKED
        ):
            if code.valid_until < today:
                continue
            code.status, code.revoked_on, code.revoke_reason = rules.CodeStatus.ACTIVE, None, None
        elif code.original_valid_until is not None:
            code.valid_until, code.original_valid_until = code.original_valid_until, None
        code.blacklist_entry_id = None
        session.add(code)


def _load_entry(ctx: Context, session: Session, entry_id: str) -> EntryRow:
    row = session.get(EntryRow, require_text("entryId", entry_id, 16))
    if row is None:
        raise NotFound("TruckPassBlacklistEntry", "entryId")
    return row


def lift(ctx: Context, scope: WriteScope, entry_id: str, note: str) -> TruckPassBlacklistPayload:
    """A supervisor lifts a listing once the correction is done (off the list, recorded and told
    to the firm); the codes it restricted stay as they are (the firm applies anew)."""
    row = _load_entry(ctx, scope.session, entry_id)
    gate_staff_city(ctx, row.city_code, "entryId")
    text = require_text("note", note, 300, multiline=True)
    if row.lifted_on is not None:
        raise RuleError(TruckPassErrorCode.ALREADY_LIFTED, "Already lifted.", field="entryId")
    move(ctx, scope.session, BLACKLIST, row, "lift", field_name="entryId",
         values={"lifted_on": ctx.today(), "lift_note": text,
                 "lifted_by": ctx.actor.account_id})  # fmt: skip
    scope.subject(row.firm_person_id, f"TruckPassBlacklistEntry:{row.id}", city=row.city_code)
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
