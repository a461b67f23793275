"""Designate, adjust, withdraw segments and record their signs; every change is a new version."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import NotFound, RuleError
from core.graphql.pagination import Connection, paginate
from core.validation import optional_text, require_text
from core.workflow import move

from . import rules
from .errors import ResidentialParkingErrorCode
from .models import ParkingSegment as SegmentRow
from .models import ParkingSegmentVersion as VersionRow
from .rules import MEASURE, ChangeReason
from .types import (
    ResidentialParkingAdjustInput,
    ResidentialParkingSegment,
    ResidentialParkingSegmentInput,
    ResidentialParkingSegmentPayload,
    ResidentialParkingSegmentVersion,
    ResidentialParkingWindowInput,
)
from .workflows import SEGMENT

WITHDRAW_REASONS = (ChangeReason.OFF_STREET_SUFFICIENT, ChangeReason.EMERGENCY_ACCESS)


def gate_city(ctx: Context, city_code: str, field: str = "city") -> str:
    """A known city where the measure is in force today."""
    code = lookup_city(require_text(field, city_code, 6), field).code
    ctx.require_in_force(MEASURE, code, field=field)
    return code


def gate_staff_city(ctx: Context, city_code: str, field: str = "city") -> str:
    code = gate_city(ctx, city_code, field)
    ctx.require_jurisdiction(code, field=field)
    return code


def _windows(items: list[ResidentialParkingWindowInput]) -> list[dict]:
    rules.check_windows(list(items))
    out = []
    for i, item in enumerate(items):
        field = f"windows[{i}]"
        start = rules.parse_time(item.start, field)
        end = rules.parse_time(item.end, field)
        out.append(rules.check_window(item.kind.value, start, end, field))
    return out


def _version(session: Session, ctx: Context, row: SegmentRow, action: str,
             reason: ChangeReason | None = None, note: str | None = None) -> None:  # fmt: skip
    session.add(
        VersionRow(
            segment_id=row.id,
            version=row.version,
            action=action,
            status=row.status,
            **row.layout(),
            reason=reason.value if reason else None,
            note=note,
            effective_at=stamp(ctx.now()),
            actor_account_id=ctx.actor.account_id,
        )
    )


def _changed(
    ctx: Context,
    scope: WriteScope,
    row: SegmentRow,
    action: str,
    reason: ChangeReason | None = None,
    note: str | None = None,
) -> ResidentialParkingSegmentPayload:
    """Finish a change of the segment: its next version recorded (`action`, with the reason and
    note if any), audited with the reason, and the payload."""
    row.version += 1
    row.updated_at = stamp(ctx.now())
    scope.session.add(row)
    _version(scope.session, ctx, row, action, reason, note)
    detail = {"reason": reason.value} if reason else {}
    scope.subject(ref=f"ResidentialParkingSegment:{row.id}", **detail)
    return ResidentialParkingSegmentPayload(segment=ResidentialParkingSegment.of(row))


def _signs_date(ctx: Context, day: dt.date | None, field: str) -> dt.date | None:
    if day is not None and (day > ctx.today() or day.year < 2000):
        raise RuleError(
            ResidentialParkingErrorCode.SIGNS_DATE,
            "Signs can only be recorded as installed on a past day or today.",
            field=field,
        )
    return day


def designate(
    ctx: Context, scope: WriteScope, data: ResidentialParkingSegmentInput
) -> ResidentialParkingSegmentPayload:
    city = gate_staff_city(ctx, data.city)
    road = require_text("road", data.road, 100)
    section = require_text("section", data.section, 200)
    county = optional_text("county", data.county, 50)
    rules.check_not_emergency(data.emergency_route)
    windows = _windows(data.windows)
    rules.check_marking(data.marking.value, data.bay_count, data.bay_time_marked)
    signs = _signs_date(ctx, data.signs_installed_on, "signsInstalledOn")
    now = stamp(ctx.now())
    row = SegmentRow(
        city_code=city,
        county=county,
        road=road,
        section=section,
        windows=windows,
        marking=data.marking.value,
        bay_count=data.bay_count,
        bay_time_marked=data.bay_time_marked,
        signs_installed_on=signs,
        created_at=now,
        updated_at=now,
    )
    scope.session.add(row)
    scope.session.flush()
    _version(scope.session, ctx, row, "DESIGNATE")
    scope.subject(ref=f"ResidentialParkingSegment:{row.id}", city=city)
    return ResidentialParkingSegmentPayload(segment=ResidentialParkingSegment.of(row))


def _load_active(ctx: Context, session: Session, segment_id: str) -> SegmentRow:
    row = session.get(SegmentRow, require_text("segmentId", segment_id, 16))
    if row is None:
        raise NotFound("ResidentialParkingSegment", "segmentId")
    gate_staff_city(ctx, row.city_code, "segmentId")
    if row.status != "ACTIVE":
        raise RuleError(
            ResidentialParkingErrorCode.WITHDRAWN,
            "The segment is withdrawn; designate a new one.",
            field="segmentId",
        )
    return row


def adjust(
    ctx: Context, scope: WriteScope, data: ResidentialParkingAdjustInput
) -> ResidentialParkingSegmentPayload:
    row = _load_active(ctx, scope.session, str(data.segment_id))
    note = require_text("note", data.note, 300, multiline=True)
    windows = _windows(data.windows)
    rules.check_marking(data.marking.value, data.bay_count, data.bay_time_marked)
    row.windows = windows
    row.marking = data.marking.value
    row.bay_count = data.bay_count
    row.bay_time_marked = data.bay_time_marked
    return _changed(ctx, scope, row, "ADJUST", data.reason, note)


def withdraw(
    ctx: Context, scope: WriteScope, segment_id: str, reason: ChangeReason, note: str
) -> ResidentialParkingSegmentPayload:
    """Withdraw once off-street supply suffices, or because emergency access is affected (the
    segment is then flagged as an emergency route); the segment and its versions are kept."""
    row = _load_active(ctx, scope.session, segment_id)
    text = require_text("note", note, 300, multiline=True)
    if reason not in WITHDRAW_REASONS:
        raise RuleError(
            ResidentialParkingErrorCode.WITHDRAW_REASON,
            "Withdraw when off-street supply suffices or emergency access is affected.",
            field="reason",
        )
    # the declared move: one conditional UPDATE (a concurrent change gets CONFLICT)
    move(ctx, scope.session, SEGMENT, row, "withdraw", field_name="segmentId")
    if reason is ChangeReason.EMERGENCY_ACCESS:
        row.emergency_route = True
    return _changed(ctx, scope, row, "WITHDRAW", reason, text)


def record_signs(
    ctx: Context, scope: WriteScope, segment_id: str, installed_on: dt.date
) -> ResidentialParkingSegmentPayload:
    row = _load_active(ctx, scope.session, segment_id)
    row.signs_installed_on = _signs_date(ctx, installed_on, "installedOn")
    return _changed(ctx, scope, row, "SIGNS")


def list_segments(
    ctx: Context, city_code: str, include_withdrawn: bool, first: int, after: str | None
) -> Connection[ResidentialParkingSegment]:
    city = gate_city(ctx, city_code)
    stmt = select(SegmentRow).where(SegmentRow.city_code == city)
    if not include_withdrawn:
        stmt = stmt.where(SegmentRow.status == "ACTIVE")
    stmt = stmt.order_by(SegmentRow.road, SegmentRow.id)
    return paginate(ctx, stmt, first, after, ResidentialParkingSegment.of)


def history(ctx: Context, segment_id: str) -> list[ResidentialParkingSegmentVersion]:
    row = ctx.session.get(SegmentRow, require_text("segmentId", segment_id, 16))
    if row is None:
        raise NotFound("ResidentialParkingSegment", "segmentId")
    gate_city(ctx, row.city_code, "segmentId")
    versions = ctx.session.exec(
        select(VersionRow).where(VersionRow.segment_id == row.id).order_by(VersionRow.version)
    ).all()
    return [ResidentialParkingSegmentVersion.of(v) for v in versions]
