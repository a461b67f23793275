"""The M11 weekly reports (十一-三): failed checks per week and insurer for a city, and the weekly
anomaly figure per city or province with its trend, delivered to the province and the ministry."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlmodel import Session, select

from core.accounts import Role
from core.clock import to_china
from core.dates import stored_bounds
from core.db import stamp
from core.divisions import PROVINCES
from core.plugin_api import (
    ReportArea,
    ReportDelivery,
    ReportLevel,
    ReportPeriod,
    ReportResult,
    ReportRow,
    ReportSpec,
    for_city,
)
from core.reports import units

from .models import InsuranceCheckRow
from .rules import FAILURES, MEASURE, Outcome, Rule, week_start

NO_INSURER = "(未核查到保险公司)"
COLUMNS = ["week", "city", "insurer", *[o.value for o in FAILURES], "failed"]


def build_weekly(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """Failed checks of `city_code` between `start` and `end` (Beijing dates, inclusive),
    one row per ISO week (its Monday) and insurer, with a count per failure kind."""
    lo, hi = stored_bounds(start, end)
    rows = session.exec(
        select(InsuranceCheckRow).where(
            InsuranceCheckRow.city_code == city_code,
            InsuranceCheckRow.checked_at >= lo,
            InsuranceCheckRow.checked_at < hi,
        )
    ).all()
    buckets: dict[tuple[dt.date, str], Counter[str]] = defaultdict(Counter)
    total = len(rows)
    failed = 0
    for row in rows:
        if row.outcome == Outcome.FOUND.value:
            continue
        failed += 1
        week = week_start(to_china(row.checked_at).date())
        buckets[(week, row.insurer_name or NO_INSURER)][row.outcome] += 1
    out = []
    for (week, insurer), counts in sorted(buckets.items()):
        figures: dict[str, float | int | str] = {
            "week": week.isoformat(),
            "city": city_code,
            "insurer": insurer,
        }
        figures.update({o.value: counts.get(o.value, 0) for o in FAILURES})
        figures["failed"] = sum(counts.values())
        out.append(ReportRow(f"{week.isoformat()} {insurer}", figures))
    notes = [f"checks={total} failed={failed}", Rule.FEEDBACK]
    return ReportResult(COLUMNS, out, notes)


REPORTS = [
    ReportSpec(
        f"{MEASURE}.weekly_failures",
        MEASURE,
        "交强险核查异常周报 (failed compulsory-insurance checks per week and insurer)",
        "WEEKLY",
        build_weekly,
        subject_zh="核查未通过（按周、保险公司）",
        column_labels={
            "insurer": "保险公司",
            "NOT_FOUND": "查无投保",
            "EXPIRED": "保险已过期",
            "NOT_YET_VALID": "保险尚未生效",
            "SOURCE_UNAVAILABLE": "数据源不可用",
            "failed": "核查未通过数",
        },
    )
]


# --- the weekly anomaly figure per city / province, with its trend (十一-三) -------------------------

TREND_COLUMNS = [
    "name", "checks", "failed", "failure_rate_pct", "failed_prev", "change", "trend",
    "last_4_periods", "unresolved",
]  # fmt: skip
TREND_WINDOWS = 4  # this period and the three before it


def _figures(name: str, checks: list[int], failed: list[int], unresolved: int) -> dict[str, float | int | str]:  # fmt: skip
    now, prev = failed[0], failed[1]
    return {
        "name": name,
        "checks": checks[0],
        "failed": now,
        "failure_rate_pct": round(100 * now / checks[0], 1) if checks[0] else "",
        "failed_prev": prev,
        "change": now - prev,
        "trend": "UP" if now > prev else "DOWN" if now < prev else "SAME",
        "last_4_periods": " > ".join(str(n) for n in reversed(failed)),
        "unresolved": unresolved,
    }


def anomalies(session: Session, area: ReportArea, start: dt.date, end: dt.date) -> ReportResult:
    """Failed checks in the period per city (a city, a province's cities) or per province (the
    nation), against the same number of days just before (failed_prev, change, trend) and over
    the last four periods; a total row for a province or the nation. `unresolved`: failures of
    the period still open at the end of it."""
    span = (end - start).days + 1
    lo, hi = stored_bounds(start - dt.timedelta(days=span * (TREND_WINDOWS - 1)), end)
    table = InsuranceCheckRow.__table__  # type: ignore[attr-defined]
    found = session.execute(
        select(table.c.city_code, table.c.outcome, table.c.checked_at, table.c.resolved_at).where(
            table.c.city_code.in_(area.cities), table.c.checked_at >= lo, table.c.checked_at < hi
        )
    ).all()
    checks: dict[str, list[int]] = defaultdict(lambda: [0] * TREND_WINDOWS)
    failed: dict[str, list[int]] = defaultdict(lambda: [0] * TREND_WINDOWS)
    unresolved: Counter[str] = Counter()
    for city_code, outcome, checked_at, resolved_at in found:
        window = (end - to_china(checked_at).date()).days // span
        checks[city_code][window] += 1
        if outcome != Outcome.FOUND.value:
            failed[city_code][window] += 1
            if window == 0 and (resolved_at is None or stamp(resolved_at) >= hi):
                unresolved[city_code] += 1
    rows: list[ReportRow] = []
    totals = ([0] * TREND_WINDOWS, [0] * TREND_WINDOWS, 0)
    for label, name, cities in units(area):
        c = [sum(checks[x][k] for x in cities) for k in range(TREND_WINDOWS)]
        f = [sum(failed[x][k] for x in cities) for k in range(TREND_WINDOWS)]
        u = sum(unresolved[x] for x in cities)
        totals = (
            [a + b for a, b in zip(totals[0], c, strict=True)],
            [a + b for a, b in zip(totals[1], f, strict=True)],
            totals[2] + u,
        )
        if any(c) or area.level is ReportLevel.CITY:
            rows.append(ReportRow(label, _figures(name, c, f, u)))
    if area.level is not ReportLevel.CITY:
        name = "全国" if area.level is ReportLevel.NATION else PROVINCES[area.code].name
        rows.append(ReportRow(area.code, _figures(name, *totals)))
    notes = [
        f"period {start.isoformat()}..{end.isoformat()} ({span} days) against the {TREND_WINDOWS - 1} periods of the same length before it",
        Rule.FEEDBACK,
    ]  # fmt: skip
    return ReportResult(TREND_COLUMNS, rows, notes)


ANOMALY_COLUMNS = {
    "checks": "核查次数",
    "failed": "核查未通过数",
    "failure_rate_pct": "未通过率（%）",
    "failed_prev": "上期未通过数",
    "change": "增减",
    "trend": "趋势",
    "last_4_periods": "近四期",
    "unresolved": "未处理数",
}  # Chinese labels of its own columns (ReportSpec.column_labels)


REPORTS.append(
    ReportSpec(
        f"{MEASURE}.weekly_anomalies",
        MEASURE,
        "交强险核查异常周报：各市、各省失败数与趋势 (weekly anomaly figure with its trend)",
        ReportPeriod.WEEKLY.value,
        for_city(anomalies),
        roll_up=anomalies,
        deliveries=(
            ReportDelivery(ReportLevel.PROVINCE, ReportPeriod.WEEKLY, (Role.PROVINCE_ADMIN,), Rule.WEEKLY_PROVINCE),
            ReportDelivery(ReportLevel.NATION, ReportPeriod.WEEKLY, (Role.NATIONAL_ADMIN,), Rule.WEEKLY_NATION),
        ),
        subject_zh="核查异常及趋势",
        column_labels=ANOMALY_COLUMNS,
    )
)  # fmt: skip
