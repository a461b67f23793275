"""M04 figures per city and period: applications, time-limit compliance, blacklist."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.plugin_api import ReportResult, ReportRow, ReportSpec
from core.registries.applications import Application

from .models import TruckPassBlacklistEntry, TruckPassCode, TruckPassRequest
from .rules import MEASURE

PENDING = ("SUBMITTED", "UNDER_REVIEW")  # as applications.PENDING (the core's open states)

COLUMNS = [
    "submitted",
    "issued",
    "rejected",
    "pending",
    "overdue_pending",
    "blacklisted_codes",
    "blacklist_listed",
]


def build(session: Session, city: str, start: dt.date, end: dt.date) -> ReportResult:
    """Applications submitted in [start, end] and where they stand now; pending ones whose due
    date (核发时限) is before `end` count as overdue; listings made in the period."""
    requests = session.exec(
        select(TruckPassRequest).where(
            TruckPassRequest.city_code == city,
            TruckPassRequest.submitted_on >= start,
            TruckPassRequest.submitted_on <= end,
        )
    ).all()
    ids = [r.application_id for r in requests]
    statuses = (
        {a.id: a.status for a in session.exec(select(Application).where(Application.id.in_(ids)))}  # type: ignore[attr-defined]
        if ids
        else {}
    )
    codes = session.exec(
        select(TruckPassCode).where(TruckPassCode.application_id.in_(ids))  # type: ignore[attr-defined]
    ).all() if ids else []  # fmt: skip
    listed = session.exec(
        select(TruckPassBlacklistEntry).where(
            TruckPassBlacklistEntry.city_code == city,
            TruckPassBlacklistEntry.listed_on >= start,
            TruckPassBlacklistEntry.listed_on <= end,
        )
    ).all()
    figures = {
        "submitted": len(requests),
        "issued": len(codes),
        "rejected": sum(1 for s in statuses.values() if s == "REJECTED"),
        "pending": sum(1 for r in requests if statuses.get(r.application_id) in PENDING),
        "overdue_pending": sum(
            1 for r in requests if statuses.get(r.application_id) in PENDING and r.due_date < end
        ),
        "blacklisted_codes": sum(1 for c in codes if c.blacklisted),
        "blacklist_listed": len(listed),
    }
    return ReportResult(
        COLUMNS,
        [ReportRow(city, figures)],
        ["overdue_pending: still pending and due before the period's last day (核发时限)."],
    )


REPORTS = [
    ReportSpec(
        f"{MEASURE}.applications",
        MEASURE,
        "Truck pass codes: applications, time limits, blacklist",
        "ANY",
        build,
        subject_zh="通行证申请、时限与黑名单",
        column_labels={
            "blacklisted_codes": "黑名单通行证数",
            "blacklist_listed": "列入黑名单企业数",
        },
    )
]
