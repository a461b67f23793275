"""Figures of M07 per city and period: exchanges issued, queued as suspicious, and why."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlmodel import Session, select

from core.clock import to_china
from core.plugin_api import ReportResult, ReportRow
from core.registries.applications import Application

from .rules import MEASURE
from .service import BUSINESS


def exchanges(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """One row per outcome (COMPLETED, UNDER_REVIEW, REJECTED) and per failed-check reason."""
    rows = [
        a
        for a in session.exec(
            select(Application).where(
                Application.measure == MEASURE,
                Application.business == BUSINESS,
                Application.city_code == city_code,
            )
        ).all()
        if start <= to_china(a.submitted_at).date() <= end
    ]
    status = Counter(a.status for a in rows)
    reasons = Counter(r for a in rows for r in a.data.get("reasons", []))
    checked = Counter(a.data.get("check") for a in rows)
    out = [ReportRow(f"status:{k}", {"count": v}) for k, v in sorted(status.items())]
    out += [ReportRow(f"check:{k}", {"count": v}) for k, v in sorted(checked.items()) if k]
    out += [ReportRow(f"reason:{k}", {"count": v}) for k, v in sorted(reasons.items())]
    out.append(ReportRow("total", {"count": len(rows)}))
    return ReportResult(["count"], out, ["M07 2021-七-一: 核查不通过的转入嫌疑业务"])
