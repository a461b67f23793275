"""Report of abnormal split-exam transfers (2021-三-三: 同一驾校短期内批量转入转出、转入考生来源地集中).

Thresholds are this measure's settings (city value, else province value, else the default), read
from the settings table so the report builder needs only the session.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlmodel import Session, or_, select

from core.plugin_api import ReportResult, ReportRow, SettingSpec, SettingType
from core.settings_store import read_setting

from .models import ExamTransfer
from .rules import MEASURE

_INT, _FLOAT = SettingType.INT, SettingType.FLOAT
SETTINGS = [
    SettingSpec("other_class_interval_days", 30, "Subject 3 booking interval (days after the learner permit) for classes the seed leaves unchanged (C1, motorcycles...).",
                type=_INT, unit="days", minimum=1, maximum=365),
    SettingSpec("batch_window_days", 7, "Anomaly: length of the sliding window (days) for one driving school's transfers.",
                type=_INT, unit="days", minimum=1, maximum=90),
    SettingSpec("batch_threshold", 10, "Anomaly: transfers of one driving school within the window (in or out of the city) that are flagged.",
                type=_INT, unit="count", minimum=2, maximum=10000),
    SettingSpec("origin_share", 0.6, "Anomaly: share of transfers into the city from one origin city that is flagged.",
                type=_FLOAT, unit="share (0-1)", minimum=0.1, maximum=1.0),
    SettingSpec("origin_min", 10, "Anomaly: minimum transfers into the city before origin concentration is judged.",
                type=_INT, unit="count", minimum=1, maximum=10000),
]  # fmt: skip
SPECS = {s.key: s for s in SETTINGS}


def setting(session: Session, key: str, city_code: str) -> Any:
    """City value, else province value, else the nationwide value, else the default; a stored
    value outside the declaration is ignored (core.settings_store.read_setting)."""
    return read_setting(session, MEASURE, SPECS[key], city_code)


def max_in_window(days: list[dt.date], window: int) -> tuple[int, dt.date | None]:
    """Largest number of `days` inside any `window`-day span, and where that span starts."""
    days = sorted(days)
    best, start, lo = 0, None, 0
    for hi, day in enumerate(days):
        while (day - days[lo]).days >= window:
            lo += 1
        if hi - lo + 1 > best:
            best, start = hi - lo + 1, days[lo]
    return best, start


def transfer_anomalies(
    session: Session, city_code: str, start: dt.date, end: dt.date
) -> ReportResult:
    """Flag driving schools that move many candidates in a short time, and concentrated origins."""
    window = int(setting(session, "batch_window_days", city_code))
    threshold = int(setting(session, "batch_threshold", city_code))
    share_limit = float(setting(session, "origin_share", city_code))
    origin_min = int(setting(session, "origin_min", city_code))
    rows = session.exec(
        select(ExamTransfer).where(
            or_(ExamTransfer.to_city == city_code, ExamTransfer.from_city == city_code),
            ExamTransfer.on_day >= start,
            ExamTransfer.on_day <= end,
        )
    ).all()
    out: list[ReportRow] = []
    by_school: dict[str, list[dt.date]] = defaultdict(list)
    for r in rows:
        if r.driving_school:
            by_school[r.driving_school].append(r.on_day)
    for school, days in sorted(by_school.items()):
        count, since = max_in_window(days, window)
        if count >= threshold and since is not None:
            out.append(
                ReportRow(
                    f"school:{school}",
                    {"kind": "SCHOOL_BATCH", "count": count, "share": "", "from": since.isoformat(),
                     "detail": f"{count} transfers within {window} days (threshold {threshold})"},
                )
            )  # fmt: skip
    incoming = [r.from_city for r in rows if r.to_city == city_code]
    if len(incoming) >= origin_min:
        origin, count = Counter(incoming).most_common(1)[0]
        share = count / len(incoming)
        if share >= share_limit:
            out.append(
                ReportRow(
                    f"origin:{origin}",
                    {"kind": "ORIGIN_CONCENTRATED", "count": count, "share": round(share, 3),
                     "from": start.isoformat(),
                     "detail": f"{count} of {len(incoming)} transfers in come from {origin}"},
                )
            )  # fmt: skip
    out.append(
        ReportRow(
            "total",
            {"kind": "TOTAL", "count": len(rows), "share": "", "from": start.isoformat(),
             "detail": f"in {len(incoming)}, out {len(rows) - len(incoming)}"},
        )
    )  # fmt: skip
    return ReportResult(
        columns=["kind", "count", "share", "from", "detail"],
        rows=out,
        notes=[
            "M03 2021-三-三: 及时核查转入转出人数明显异常、同一驾校短期内批量转入转出、转入考生来源地集中等情形",
            f"thresholds: window {window} d, batch {threshold}, origin share {share_limit}, origin min {origin_min}",
        ],
    )
