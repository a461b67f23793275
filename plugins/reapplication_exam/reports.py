"""Figures of M17 per city and period: registrations by case and status."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlmodel import Session, select

from core.plugin_api import ReportResult, ReportRow

from .models import Registration
from .service import plan_of


def registrations(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """One row per case of 2024-五-一 (or FULL) and status, for registrations made in the period."""
    rows = session.exec(
        select(Registration).where(
            Registration.city_code == city_code,
            Registration.registered_on >= start,
            Registration.registered_on <= end,
        )
    ).all()
    counts = Counter((plan_of(r, end).case, r.status) for r in rows)
    out = [
        ReportRow(f"case {c if c is not None else 'FULL'}:{s}", {"count": n})
        for (c, s), n in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
    ]
    out.append(ReportRow("total", {"count": len(rows)}))
    return ReportResult(["count"], out, ["M17 2024-五-一: 四类情形"])
