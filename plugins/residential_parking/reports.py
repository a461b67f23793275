"""M05 figures per city and period: segments in force, changes made, bays."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.clock import CHINA_TZ
from core.plugin_api import ReportResult, ReportRow, ReportSpec

from .models import ParkingSegment, ParkingSegmentVersion
from .rules import MEASURE

COLUMNS = ["active_segments", "active_bays", "designated", "adjusted", "withdrawn"]


def _local_day(value: dt.datetime) -> dt.date:
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(CHINA_TZ).date()


def build(session: Session, city: str, start: dt.date, end: dt.date) -> ReportResult:
    """Segments active now and the designations, adjustments, withdrawals made in the period."""
    segments = session.exec(select(ParkingSegment).where(ParkingSegment.city_code == city)).all()
    ids = [s.id for s in segments]
    versions = (
        session.exec(
            select(ParkingSegmentVersion).where(ParkingSegmentVersion.segment_id.in_(ids))  # type: ignore[attr-defined]
        ).all()
        if ids
        else []
    )
    in_period = [v for v in versions if start <= _local_day(v.effective_at) <= end]
    active = [s for s in segments if s.status == "ACTIVE"]
    figures = {
        "active_segments": len(active),
        "active_bays": sum(s.bay_count for s in active),
        "designated": sum(1 for v in in_period if v.action == "DESIGNATE"),
        "adjusted": sum(1 for v in in_period if v.action == "ADJUST"),
        "withdrawn": sum(1 for v in in_period if v.action == "WITHDRAW"),
    }
    return ReportResult(COLUMNS, [ReportRow(city, figures)], ["active_*: as of now."])


REPORTS = [
    ReportSpec(
        f"{MEASURE}.segments",
        MEASURE,
        "Residential on-street parking: segments and changes",
        "ANY",
        build,
        subject_zh="路内停车路段与泊位变更",
        column_labels={
            "active_segments": "在用路段数",
            "active_bays": "在用泊位数",
            "designated": "新施划数",
            "adjusted": "调整数",
            "withdrawn": "撤销数",
        },
    )
]
