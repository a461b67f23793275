"""The M11 weekly anomaly report: failed checks per week and insurer for a city (十一-三)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlmodel import Session, select

from core.clock import CHINA_TZ, to_china
from core.db import stamp
from core.plugin_api import ReportResult, ReportRow, ReportSpec

from .models import InsuranceCheckRow
from .rules import FAILURES, MEASURE, Outcome, Rule, week_start

NO_INSURER = "(未核查到保险公司)"
COLUMNS = ["week", "city", "insurer", *[o.value for o in FAILURES], "failed"]


def build_weekly(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """Failed checks of `city_code` between `start` and `end` (Beijing dates, inclusive),
    one row per ISO week (its Monday) and insurer, with a count per failure kind."""
    lo = stamp(dt.datetime.combine(start, dt.time(0), tzinfo=CHINA_TZ))
    hi = stamp(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA_TZ))
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
    )
]
