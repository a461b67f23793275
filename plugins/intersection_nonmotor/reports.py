"""M18 per-city report: designs, key intersections, staffing and enforcement in a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from core.plugin_api import ReportResult, ReportRow

from .models import EnforcementRecord, Intersection, StaffingShift
from .rules import RecordFlag, ViolationKind

COLUMNS = [
    "intersections", "one_stage", "two_stage", "key", "police", "auxiliaries", "volunteers",
    *[k.value.lower() for k in ViolationKind],
    "flagged_shifts", "flagged_enforcement",
    *[f"flag_{f.value.lower()}" for f in RecordFlag],
]  # fmt: skip


def figures(session: Any, city_code: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """The city's figures: intersections now, staffing and enforcement within [start, end]."""
    rows = session.exec(select(Intersection).where(Intersection.city_code == city_code)).all()
    shifts = session.exec(
        select(StaffingShift).where(
            StaffingShift.city_code == city_code,
            StaffingShift.day >= start,
            StaffingShift.day <= end,
        )
    ).all()
    records = session.exec(
        select(EnforcementRecord).where(
            EnforcementRecord.city_code == city_code,
            EnforcementRecord.day >= start,
            EnforcementRecord.day <= end,
        )
    ).all()
    out = {
        "intersections": len(rows),
        "one_stage": sum(r.left_turn == "ONE_STAGE" for r in rows),
        "two_stage": sum(r.left_turn == "TWO_STAGE" for r in rows),
        "key": sum(bool(r.key_reasons) for r in rows),
        "police": sum(s.police for s in shifts),
        "auxiliaries": sum(s.auxiliaries for s in shifts),
        "volunteers": sum(s.volunteers for s in shifts),
    }
    for kind in ViolationKind:
        out[kind.value.lower()] = sum(r.count for r in records if r.kind == kind.value)
    # what the city's own policy would not expect: shifts, and violations dealt with
    out["flagged_shifts"] = sum(1 for s in shifts if s.flags)
    out["flagged_enforcement"] = sum(r.count for r in records if r.flags)
    for flag in RecordFlag:
        out[f"flag_{flag.value.lower()}"] = sum(1 for s in shifts if flag.value in s.flags) + sum(
            r.count for r in records if flag.value in r.flags
        )
    return out


def build(session: Any, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    return ReportResult(
        COLUMNS,
        [ReportRow(city_code, figures(session, city_code, start, end))],  # type: ignore[arg-type]
        [
            "Staffing in person-shifts; enforcement in violations dealt with. flagged_*: records "
            "the city's own policy (settings) would not expect (shifts counted once, enforcement "
            "in violations); flag_*: per flag."
        ],
    )
