"""M16 report: home-service bookings per pilot area of a city and period (pilot progress)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from core.clock import CHINA_TZ
from core.plugin_api import ReportResult, ReportRow

from .models import Booking, PilotArea

COLUMNS = ["booked", "delivered", "rejected", "cancelled", "fees_yuan"]


def build(session: Any, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=CHINA_TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA_TZ)
    areas = session.exec(select(PilotArea).where(PilotArea.city_code == city_code)).all()
    rows = []
    for area in sorted(areas, key=lambda a: a.name):
        bookings = session.exec(
            select(Booking).where(
                Booking.area_id == area.id, Booking.created_at >= lo, Booking.created_at < hi
            )
        ).all()
        figures: dict[str, float | int | str] = {
            "booked": len(bookings),
            "delivered": sum(b.status == "DELIVERED" for b in bookings),
            "rejected": sum(b.status == "REJECTED" for b in bookings),
            "cancelled": sum(b.status == "CANCELLED" for b in bookings),
            "fees_yuan": sum(b.total_yuan for b in bookings),
        }
        rows.append(ReportRow(area.name, figures))
    return ReportResult(COLUMNS, rows, ["Bookings created in the period, by pilot area."])
