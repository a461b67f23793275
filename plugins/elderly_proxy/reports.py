"""M06 figures per city and period: proxy applications by outcome, and green-channel tickets."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.clock import CHINA_TZ
from core.plugin_api import ReportResult, ReportRow, ReportSpec
from core.registries.applications import Application, AppStatus

from . import rules
from .models import ElderProxyAuthorisation, ElderQueueTicket
from .rules import MEASURE

COLUMNS = ["applied", "approved", "rejected", "handled", "cancelled", "tickets", "green_channel"]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def build(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """Applications made in [start, end] (Beijing dates) per business and their current state;
    handled = used in the period. Then one row of queue tickets issued in the city."""
    lo = dt.datetime.combine(start, dt.time(), tzinfo=CHINA_TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=CHINA_TZ)
    pairs = session.exec(
        select(ElderProxyAuthorisation, Application)
        .join(Application, Application.id == ElderProxyAuthorisation.id)
        .where(ElderProxyAuthorisation.city_code == city_code)
    ).all()
    figures: dict[str, dict[str, int]] = {}
    for auth, app in pairs:
        f = figures.setdefault(auth.business, dict.fromkeys(COLUMNS, 0))
        if start <= auth.applied_on <= end:
            f["applied"] += 1
            if app.status in (AppStatus.APPROVED.value, AppStatus.COMPLETED.value):
                f["approved"] += 1
            f["rejected"] += app.status == AppStatus.REJECTED.value
            f["cancelled"] += app.status == AppStatus.CANCELLED.value
        used = _aware(auth.used_at)
        if used is not None and lo <= used < hi:
            f["handled"] += 1
    rows = [
        ReportRow(f"{code} {rules.BUSINESSES[code].label_zh}", dict(f))
        for code, f in sorted(figures.items())
        if any(f.values())
    ]
    tickets = session.exec(
        select(ElderQueueTicket).where(
            ElderQueueTicket.city_code == city_code,
            ElderQueueTicket.day >= start,
            ElderQueueTicket.day <= end,
        )
    ).all()
    queue = dict.fromkeys(COLUMNS, 0)
    queue["tickets"] = len(tickets)
    queue["green_channel"] = sum(1 for t in tickets if t.priority)
    rows.append(ReportRow("QUEUE 窗口取号", queue))
    return ReportResult(COLUMNS, rows, ["approved counts applications approved or completed"])


REPORT = ReportSpec(
    f"{MEASURE}.activity",
    MEASURE,
    "老年人代办与绿色通道",
    "ANY",
    build,
    subject_zh="代办与绿色通道",
    column_labels={"tickets": "取号数", "green_channel": "绿色通道办理数"},
)
