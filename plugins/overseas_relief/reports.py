"""Figures of M08 per city and period: restorations and deferrals by outcome."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlmodel import Session, select

from core.clock import to_china
from core.plugin_api import ReportResult, ReportRow
from core.registries.applications import Application

from .rules import MEASURE

# the row counting restorations that need Subject 1 again (八-二-3); the console's term for it is
# in the ReportSpec (__init__.py)
SUBJECT1_ROW = "restorations needing Subject 1"


def relief(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """One row per business (restoration, deferral kind) and status."""
    rows = [
        a
        for a in session.exec(
            select(Application).where(
                Application.measure == MEASURE, Application.city_code == city_code
            )
        ).all()
        if start <= to_china(a.submitted_at).date() <= end
    ]
    counts = Counter((a.business, a.status) for a in rows)
    out = [ReportRow(f"{b}:{s}", {"count": n}) for (b, s), n in sorted(counts.items())]
    subject1 = sum(1 for a in rows if a.data.get("needs_subject1"))
    out.append(ReportRow(SUBJECT1_ROW, {"count": subject1}))
    out.append(ReportRow("total", {"count": len(rows)}))
    return ReportResult(["count"], out, ["M08 2021-八: 延期办理与救济措施"])
