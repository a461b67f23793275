"""M18 operations: save an intersection's design, designate key intersections, record staffing
and enforcement. The mutations (schema.py) call these in their mutation frame, with
`scope.session`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypeVar

from sqlmodel import Session

from core.context import Context
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, RuleError
from core.records import get_or_not_found
from core.validation import require_range, require_text

from . import rules
from .errors import IntersectionErrorCode
from .models import EnforcementRecord, Intersection, StaffingShift
from .rules import (
    MEASURE,
    Design,
    EnforcementAction,
    Findings,
    KeyReason,
    LeftTurn,
    Separation,
    ViolationKind,
)

Record = TypeVar("Record", StaffingShift, EnforcementRecord)


def _number(ctx: Context, key: str, city: str) -> float:
    """A setting of `city` as a number (its declaration bounds it: core/settings_store.py)."""
    return float(ctx.setting(MEASURE, key, city))


def city_policy(ctx: Context, city: str) -> rules.CityPolicy:
    """The city's own expectations (its settings, else its province's, else the defaults)."""
    return rules.CityPolicy(
        police_per_shift=int(ctx.setting(MEASURE, "expected_police_per_shift", city)),
        helpers_per_shift=int(ctx.setting(MEASURE, "expected_helpers_per_shift", city)),
        stop_line_fines=bool(ctx.setting(MEASURE, "stop_line_fines_expected", city)),
        persuasion_for_serious=bool(
            ctx.setting(MEASURE, "persuasion_alone_for_serious_expected", city)
        ),
    )


def validate_design(d: Design) -> Design:
    """Input ranges (areas, counts, widths): typed INVALID_INPUT, never a 500."""
    for name, value, high in (
        ("waitingAreaM2", d.waiting_area_m2, 5000.0),
        ("secondStageAreaM2", d.second_stage_area_m2, 5000.0),
        ("leftLaneWidthM", d.left_lane_width_m, 20.0),
    ):
        if value is not None and not 0 <= value <= high:
            raise RuleError(Code.INVALID_INPUT, f"`{name}` is between 0 and {high}.", field=name)
    require_range("peakWaitingBikes", d.peak_waiting_bikes, 0, 2000)
    if d.peak_left_turn_bikes is not None:
        require_range("peakLeftTurnBikes", d.peak_left_turn_bikes, 0, 2000)
    return d


def check(ctx: Context, city: str, design: Design) -> Findings:
    """The findings for a design in a city (its settings: area per vehicle, minimum lane width)."""
    validate_design(design)
    return rules.check_design(
        design,
        _number(ctx, "area_per_bike_m2", city),
        _number(ctx, "min_left_lane_width_m", city),
    )


def city_in_scope(ctx: Context, city: str) -> str:
    """The city code, if the measure is in force there and the caller's jurisdiction covers it."""
    code = lookup_city(city).code
    ctx.require_in_force(MEASURE, code)
    ctx.require_jurisdiction(code, field="city")
    return code


def _load(ctx: Context, session: Session, intersection_id: str) -> Intersection:
    row = get_or_not_found(session, Intersection, intersection_id, "Intersection", "intersectionId")
    ctx.require_in_force(MEASURE, row.city_code)
    ctx.require_jurisdiction(row.city_code, field="intersectionId")
    return row


def _as_dict(d: Design) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in dataclasses.asdict(d).items()}


def design_of(row: Intersection) -> Design:
    raw = dict(row.design)
    raw["separation"] = Separation(raw["separation"])
    raw["left_turn"] = LeftTurn(raw["left_turn"])
    return Design(**raw)


def save(
    ctx: Context,
    session: Session,
    intersection_id: str | None,
    city: str,
    name: str,
    design: Design,
) -> Intersection:
    """Create or update an intersection; a design with any violation is refused (the first one,
    with every finding listed in `details`)."""
    code = city_in_scope(ctx, city)
    clean = require_text("name", name, 100)
    findings = check(ctx, code, design)
    if not findings.valid:
        first = findings.violations[0]
        first.details = {"findings": [f"{v.field}:{v.code}" for v in findings.violations]}
        raise first
    now = stamp(ctx.now())
    if intersection_id:
        row = _load(ctx, session, intersection_id)
        if row.city_code != code:
            raise RuleError(Code.INVALID_INPUT, "An intersection stays in its city.", field="city")
    else:
        row = Intersection(city_code=code, name=clean, left_turn=design.left_turn.value,
                           created_at=now, updated_at=now)  # fmt: skip
    row.name = clean
    row.design = _as_dict(design)
    row.left_turn = design.left_turn.value
    row.advice = findings.advice
    row.updated_by = ctx.actor.account_id
    row.updated_at = now
    session.add(row)
    session.flush()
    return row


def set_key(
    ctx: Context, session: Session, intersection_id: str, reasons: list[KeyReason]
) -> Intersection:
    """Designate (reasons given) or release (no reasons) a key intersection (六-三)."""
    row = _load(ctx, session, intersection_id)
    clean = rules.check_key_reasons(reasons)
    if clean and not row.key_reasons:
        row.key_since = ctx.today()
    if not clean:
        row.key_since = None
    row.key_reasons = clean
    row.updated_at = stamp(ctx.now())
    session.add(row)
    return row


def _add_day_record(
    ctx: Context,
    session: Session,
    model: type[Record],
    row: Intersection,
    day: dt.date,
    flags: list[str],
    **values: Any,
) -> Record:
    """Add one day's record (staffing or enforcement) at the intersection `row`, stamped with
    the recording account and time."""
    record = model(
        intersection_id=row.id,
        city_code=row.city_code,
        day=day,
        flags=flags,
        recorded_by=ctx.actor.account_id,
        recorded_at=stamp(ctx.now()),
        **values,
    )
    session.add(record)
    session.flush()
    return record


def record_staffing(
    ctx: Context,
    session: Session,
    intersection_id: str,
    day: dt.date,
    police: int,
    auxiliaries: int,
    volunteers: int,
) -> StaffingShift:
    """Staff on duty at a key intersection, dated from its designation up to today; recorded as
    it was, flagged where it falls short of the city's expectation (never refused for that)."""
    row = _load(ctx, session, intersection_id)
    if not row.key_reasons or row.key_since is None:
        raise RuleError(
            IntersectionErrorCode.NOT_KEY_INTERSECTION,
            "Staffing is recorded for key intersections.",
            field="intersectionId",
        )
    rules.check_record_date(day, ctx.today(), row.key_since, rules.R_KEY)
    rules.check_staffing(police, auxiliaries, volunteers)
    flags = rules.staffing_flags(police, auxiliaries, volunteers, city_policy(ctx, row.city_code))
    return _add_day_record(ctx, session, StaffingShift, row, day, flags,
                           police=police, auxiliaries=auxiliaries, volunteers=volunteers)  # fmt: skip


def record_enforcement(
    ctx: Context,
    session: Session,
    intersection_id: str,
    day: dt.date,
    kind: ViolationKind,
    action: EnforcementAction,
    count: int,
) -> EnforcementRecord:
    """Non-motor violations dealt with on one day (counts only, no personal data); any action is
    recorded, flagged where the city's policy would not expect it."""
    row = _load(ctx, session, intersection_id)
    window = int(_number(ctx, "record_window_days", row.city_code))
    rules.check_record_date(
        day, ctx.today(), ctx.today() - dt.timedelta(days=window), rules.R_WINDOW
    )
    require_range("count", count, 1, 500)
    flags = rules.enforcement_flags(kind, action, city_policy(ctx, row.city_code))
    return _add_day_record(ctx, session, EnforcementRecord, row, day, flags,
                           kind=kind.value, action=action.value, count=count)  # fmt: skip
