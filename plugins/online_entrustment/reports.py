"""M09 figures per city and period: entrustments made, used, revoked, expired unused, paper."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.dates import stored_bounds
from core.plugin_api import ReportResult, ReportRow, ReportSpec

from . import rules
from .models import EntrustmentGrant

COLUMNS = ["online_created", "paper_recorded", "used", "revoked", "expired_unused"]


def _within(value: dt.datetime | None, lo: dt.datetime, hi: dt.datetime) -> bool:
    if value is None:
        return False
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return lo <= aware < hi


def build(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """One row per business with any activity in [start, end] (Beijing dates), plus a total."""
    lo, hi = stored_bounds(start, end)
    rows = session.exec(
        select(EntrustmentGrant).where(EntrustmentGrant.city_code == city_code)
    ).all()
    figures: dict[str, dict[str, int]] = {}
    for g in rows:
        f = figures.setdefault(g.business, dict.fromkeys(COLUMNS, 0))
        if _within(g.created_at, lo, hi):
            f["paper_recorded" if g.kind == "PAPER" else "online_created"] += 1
        if g.kind == "ONLINE" and _within(g.used_at, lo, hi):
            f["used"] += 1
        if _within(g.revoked_at, lo, hi):
            f["revoked"] += 1
        if g.used_at is None and g.revoked_at is None and start <= g.valid_until < end:
            f["expired_unused"] += 1
    out = [
        ReportRow(f"{code} {rules.BUSINESSES[code].label_zh}", dict(f))
        for code, f in sorted(figures.items())
        if any(f.values())
    ]
    total = {c: sum(r.figures[c] for r in out) for c in COLUMNS}  # type: ignore[misc]
    out.append(ReportRow("TOTAL", total))
    return ReportResult(
        COLUMNS,
        out,
        ["expired_unused: online entrustments whose last day fell in the period, never used"],
    )


REPORT = ReportSpec(
    f"{rules.MEASURE}.activity",
    rules.MEASURE,
    "网上委托办理情况",
    "ANY",
    build,
    subject_zh="网上委托办理情况",
    column_labels={
        "online_created": "网上委托数",
        "paper_recorded": "纸质委托录入数",
        "used": "已使用数",
        "revoked": "已撤销数",
        "expired_unused": "过期未使用数",
    },
)
