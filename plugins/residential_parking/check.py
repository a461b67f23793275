"""The public question: may I park on this segment at this time? Answered with the reason."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.clock import CHINA_TZ
from core.context import Context
from core.errors import Code, NotFound, RuleError
from core.validation import require_text

from . import rules
from .models import ParkingSegment as SegmentRow
from .models import ParkingSegmentVersion as VersionRow
from .segments import gate_city
from .types import ResidentialParkingAnswer, ResidentialParkingWindow

MESSAGES = {
    "WINDOW_MATCHED": "可以停放：在允许停车时段内（{window}）。",
    "OUTSIDE_WINDOWS": "不可停放：不在允许停车的夜间、周末或法定假期时段内。",
    "WITHDRAWN": "不可停放：该路段临时停车已取消。",
    "NOT_DESIGNATED": "不可停放：该时间该路段尚未划定为允许停车路段。",
    "SIGNS_NOT_INSTALLED": "不可停放：配套停车标志尚未设置到位。",
}


def _local(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=CHINA_TZ) if at.tzinfo is None else at.astimezone(CHINA_TZ)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def may_park(ctx: Context, segment_id: str, at: dt.datetime | None) -> ResidentialParkingAnswer:
    """Answer for `at` (default now) with the version of the segment in effect at that instant."""
    row = ctx.session.get(SegmentRow, require_text("segmentId", segment_id, 16))
    if row is None:
        raise NotFound("ResidentialParkingSegment", "segmentId")
    gate_city(ctx, row.city_code, "segmentId")
    when = _local(at) if at is not None else ctx.now().astimezone(CHINA_TZ)
    if not 2000 <= when.year <= 2100:
        raise RuleError(Code.INVALID_DATE, "`at` must be between 2000 and 2100.", field="at")
    versions = ctx.session.exec(
        select(VersionRow).where(VersionRow.segment_id == row.id).order_by(VersionRow.version)
    ).all()
    current = None
    for v in versions:
        if _utc(v.effective_at) <= when:
            current = v
    calendar = ctx.platform.calendar
    result = rules.answer(
        current.status if current else None,
        list(current.windows) if current else [],
        row.signs_installed_on,
        calendar,
        when,
    )
    window = ResidentialParkingWindow.of(result.window) if result.window else None
    return ResidentialParkingAnswer(
        allowed=result.allowed,
        reason=result.reason,
        matched_window=window,
        day_type=rules.day_type(calendar, when.date()),
        holiday_name=calendar.holiday_name(when.date()),
        rule=result.rule,
        message=MESSAGES[result.reason].format(window=window.label if window else ""),
        segment_version=current.version if current else None,
        at=when,
    )
