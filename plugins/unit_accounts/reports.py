"""Report of M20 per city and period: clean-up outcomes and QR sign-ins (the figures the offices
report while notifying units, 八-一)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from core.accounts import Unit
from core.dates import stored_bounds
from core.plugin_api import ReportResult, ReportRow

from .models import LegacyUnitAccount, QrLoginChallenge

COLUMNS = [
    "flagged",
    "disabled",
    "converted",
    "DUPLICATE_ID",
    "UNIT_OVER_10",
    "PERSON_OVER_3",
    "qr_sign_ins",
]


def build(session: Any, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """Legacy accounts decided in the period for units of the city, by outcome and rule."""
    begin, stop = stored_bounds(start, end)
    t = LegacyUnitAccount.__table__
    u = Unit.__table__
    figures: dict[str, int] = {c: 0 for c in COLUMNS}
    rows = session.execute(
        select(t.c.status, t.c.cleanup_rule, func.count())
        .select_from(t.join(u, u.c.id == t.c.unit_id))
        .where(u.c.city_code == city_code, t.c.decided_at >= begin, t.c.decided_at < stop)
        .group_by(t.c.status, t.c.cleanup_rule)
    ).all()
    for status, rule, count in rows:
        key = status.lower()
        if key in figures:
            figures[key] += count
        if rule in figures:
            figures[rule] += count
    q = QrLoginChallenge.__table__
    figures["qr_sign_ins"] = session.execute(
        select(func.count()).where(
            q.c.city_code == city_code, q.c.redeemed_at >= begin, q.c.redeemed_at < stop
        )
    ).scalar_one()
    return ReportResult(
        columns=COLUMNS,
        rows=[ReportRow(city_code, figures)],
        notes=["八-一: flagged before 2024-07-01, disabled from 2024-07-01; converted per 八-二."],
    )
