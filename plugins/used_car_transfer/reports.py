"""The M02 anomaly report: concentrated transfers in or out (same city pair, same dealer)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, select

from core.clock import to_china
from core.dates import stored_bounds
from core.plugin_api import ReportResult, ReportRow, ReportSpec

from .models import UsedCarTransferRow
from .rules import MEASURE, Rule, max_in_window
from .settings import setting

COLUMNS = ["kind", "key", "transfers", "max_in_window", "flagged"]


def build_concentration(
    session: Session, city_code: str, start: dt.date, end: dt.date
) -> ReportResult:
    """Transfers into or out of `city_code` submitted between `start` and `end` (Beijing dates),
    grouped by city pair and by dealer; a group is flagged when at least `threshold` of them fall
    inside any `window_days` window (both settings of the measure)."""
    threshold = setting(session, "concentration_threshold", city_code)  # int, 2..1000
    window_days = setting(session, "concentration_window_days", city_code)  # int, 1..90
    lo, hi = stored_bounds(start, end)
    rows = session.exec(
        select(UsedCarTransferRow).where(
            (UsedCarTransferRow.from_city == city_code) | (UsedCarTransferRow.to_city == city_code),
            UsedCarTransferRow.submitted_at >= lo,
            UsedCarTransferRow.submitted_at < hi,
        )
    ).all()
    groups: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    for row in rows:
        when = to_china(row.submitted_at)
        direction = "OUT" if row.from_city == city_code else "IN"
        groups[(f"PAIR_{direction}", f"{row.from_city}->{row.to_city}")].append(when)
        if row.dealer_credit_code:
            groups[("DEALER", row.dealer_credit_code)].append(when)
    window = dt.timedelta(days=window_days)
    out: list[ReportRow] = []
    for (kind, key), times in sorted(groups.items()):
        peak = max_in_window(times, window)
        out.append(
            ReportRow(
                f"{kind} {key}",
                {
                    "kind": kind,
                    "key": key,
                    "transfers": len(times),
                    "max_in_window": peak,
                    "flagged": "YES" if peak >= threshold else "NO",
                },
            )
        )
    out.sort(key=lambda r: (r.figures["flagged"] != "YES", r.label))
    return ReportResult(
        COLUMNS,
        out,
        [f"threshold={threshold} transfers within {window_days} days", Rule.CONCENTRATION],
    )


REPORTS = [
    ReportSpec(
        f"{MEASURE}.concentration",
        MEASURE,
        "异地集中转入、转出异常研判 (concentrated cross-region transfers)",
        "ANY",
        build_concentration,
        subject_zh="异地集中转入转出研判",
        column_labels={
            "transfers": "转移登记数",
            "max_in_window": "时段内最多笔数",
            "key": "研判对象",
        },
        terms={"PAIR_IN": "转入（城市对）", "PAIR_OUT": "转出（城市对）", "DEALER": "经销企业"},
    )
]
