"""M15 figures per city and period: certificates, scrap reports and the one-day rule."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlmodel import Session

from core.plugin_api import ReportResult, ReportRow

from . import rules
from .models import DeregCertificate, DeregScrapReport


def monthly(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    cert = DeregCertificate.__table__  # type: ignore[attr-defined]
    rep = DeregScrapReport.__table__  # type: ignore[attr-defined]
    certificates = session.execute(
        select(func.count()).where(
            cert.c.city_code == city_code,
            cert.c.deregistered_on >= start,
            cert.c.deregistered_on <= end,
        )
    ).scalar_one()
    reports = session.execute(
        select(rep.c.received_on, rep.c.processed_at, rep.c.overdue_flagged_at, rep.c.status).where(
            rep.c.registration_city == city_code,
            rep.c.received_on >= start,
            rep.c.received_on <= end,
        )
    ).all()
    in_time = sum(
        1
        for r in reports
        if r.processed_at is not None and r.processed_at.date() <= rules.scrap_due_by(r.received_on)
    )
    figures: dict[str, float | int | str] = {
        "certificates": certificates,
        "scrap_reports": len(reports),
        "processed_within_one_day": in_time,
        "flagged_overdue": sum(1 for r in reports if r.overdue_flagged_at is not None),
        "rejected": sum(1 for r in reports if r.status == rules.ScrapReportStatus.REJECTED.value),
        # closed because the owner's application deregistered the vehicle first
        "superseded": sum(
            1 for r in reports if r.status == rules.ScrapReportStatus.SUPERSEDED.value
        ),
        "still_open": sum(1 for r in reports if r.status == rules.ScrapReportStatus.RECEIVED.value),
    }
    return ReportResult(
        columns=list(figures), rows=[ReportRow(city_code, figures)], notes=[rules.R_ONE_DAY]
    )
