"""M16 report: home-service bookings per pilot area of a city and period (pilot progress)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from core.clock import CHINA_TZ
from core.plugin_api import ReportResult, ReportRow

from .models import Booking, FollowUp, PilotArea

COLUMNS = [
    "booked",
    "delivered",
    "rejected",
    "cancelled",
    "fees_yuan",
    "follow_ups",
    "follow_ups_unsatisfied",
]


def build(session: Any, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=CHINA_TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA_TZ)
    areas = session.exec(select(PilotArea).where(PilotArea.city_code == city_code)).all()
    follow_ups = session.exec(
        select(FollowUp).where(FollowUp.city_code == city_code, FollowUp.at >= lo, FollowUp.at < hi)
    ).all()
    rows = []
    for area in sorted(areas, key=lambda a: a.name):
        bookings = session.exec(
            select(Booking).where(
                Booking.area_id == area.id, Booking.created_at >= lo, Booking.created_at < hi
            )
        ).all()
        ids = {b.id for b in bookings}
        follow = [f for f in follow_ups if f.booking_id in ids]
        figures: dict[str, float | int | str] = {
            "booked": len(bookings),
            "delivered": sum(b.status == "DELIVERED" for b in bookings),
            "rejected": sum(b.status == "REJECTED" for b in bookings),
            "cancelled": sum(b.status == "CANCELLED" for b in bookings),
            "fees_yuan": sum(b.total_yuan for b in bookings),
            # 四-三-3 服务回访: follow-ups recorded in the period, and those with a problem or
            # an unsatisfied applicant
            "follow_ups": len(follow),
            "follow_ups_unsatisfied": sum(f.satisfied is False or bool(f.problems) for f in follow),
        }
        rows.append(ReportRow(area.name, figures))
    return ReportResult(
        COLUMNS,
        rows,
        [
            "Bookings created in the period, by pilot area; follow-ups recorded in the period of "
            "those bookings."
        ],
    )
