"""M12 timeliness (十二-四: 确保证据材料查阅、复制服务的及时性): from the delivery of the
determination or certificate to the unit head's approval of the evidence, per city or province,
and the cases still waiting beyond the city's time limit (setting `approval_days`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlmodel import Session

from core.accounts import Role
from core.clock import to_china
from core.plugin_api import (
    ReportArea,
    ReportDelivery,
    ReportLevel,
    ReportPeriod,
    ReportResult,
    ReportRow,
    ReportSpec,
    SettingSpec,
    SettingType,
    for_city,
)
from core.reports import units
from core.settings_store import read_setting

from .models import AccidentCase, EvidenceItem
from .rules import MEASURE, R_REVIEW, OfferStatus, Procedure, delivered_on

APPROVAL_DAYS = SettingSpec(
    "approval_days",
    5,
    "Timeliness report: days from the delivery of the determination or certificate by which "
    "the evidence should be approved (the seed asks 及时 and names no number).",
    type=SettingType.INT,
    unit="days",
    minimum=1,
    maximum=60,
)
COLUMNS = [
    "name", "delivered", "approved", "approved_in_time", "approved_late", "avg_lag_days",
    "max_lag_days", "overdue_open",
]  # fmt: skip
RULE_TIMELY = f"{R_REVIEW}: 确保证据材料查阅、复制服务的及时性 (总队要加强督促指导)"


def _cases(session: Session, cities: tuple[str, ...], end: dt.date) -> list[tuple[str, str, dt.date, dt.date | None]]:  # fmt: skip
    """(case id, city, delivered on, first approval day or None) of the general-procedure cases
    of `cities` delivered by `end`."""
    case = AccidentCase.__table__  # type: ignore[attr-defined]
    item = EvidenceItem.__table__  # type: ignore[attr-defined]
    first = (
        select(item.c.case_id, func.min(item.c.reviewed_at).label("approved_at"))
        .where(item.c.offer_status == OfferStatus.APPROVED.value)
        .group_by(item.c.case_id)
        .subquery()
    )
    found = session.execute(
        select(case.c.id, case.c.city_code, case.c.determination_delivered_on,
               case.c.certificate_delivered_on, first.c.approved_at)
        .select_from(case.outerjoin(first, first.c.case_id == case.c.id))
        .where(case.c.city_code.in_(cities), case.c.procedure == Procedure.GENERAL.value)
    ).all()  # fmt: skip
    out = []
    for case_id, city, determination, certificate, approved_at in found:
        day = delivered_on(determination, certificate)
        if day is not None and day <= end:
            approved = to_china(approved_at).date() if approved_at is not None else None
            out.append((case_id, city, day, approved))
    return out


def timeliness(session: Session, area: ReportArea, start: dt.date, end: dt.date) -> ReportResult:
    """Per city (a city, a province's cities) or per province (the nation), plus a total:
    cases delivered in the period; of these, approved (whenever), within the city's limit or
    late, the average and longest lag in days; and `overdue_open`: cases delivered by the end of
    the period still without approved evidence at its end, past the limit."""
    limits = {c: int(read_setting(session, MEASURE, APPROVAL_DAYS, c)) for c in area.cities}
    cases = _cases(session, area.cities, end)

    def figures(name: str, cities: set[str]) -> dict[str, float | int | str]:
        mine = [c for c in cases if c[1] in cities]
        delivered = [c for c in mine if start <= c[2] <= end]
        lags = [(max(0, (a - d).days), limits[city]) for _, city, d, a in delivered if a]
        overdue = [
            c for c in mine
            if (c[3] is None or c[3] > end) and (end - c[2]).days > limits[c[1]]
        ]  # fmt: skip
        return {
            "name": name,
            "delivered": len(delivered),
            "approved": len(lags),
            "approved_in_time": sum(1 for lag, limit in lags if lag <= limit),
            "approved_late": sum(1 for lag, limit in lags if lag > limit),
            "avg_lag_days": round(sum(lag for lag, _ in lags) / len(lags), 1) if lags else "",
            "max_lag_days": max((lag for lag, _ in lags), default=""),
            "overdue_open": len(overdue),
        }

    rows = [
        ReportRow(label, figures(name, set(cities)))
        for label, name, cities in units(area)
        if area.level is ReportLevel.CITY or any(c[1] in cities for c in cases)
    ]
    if area.level is not ReportLevel.CITY:
        rows.append(ReportRow(area.code, figures("合计", set(area.cities))))
    limit_text = sorted({f"{v} days" for v in limits.values()})
    return ReportResult(
        COLUMNS, rows, [RULE_TIMELY, f"time limit (approval_days): {', '.join(limit_text)}"]
    )


COLUMN_LABELS = {
    "approved_in_time": "按时审批数",
    "approved_late": "超时审批数",
    "avg_lag_days": "平均用时（天）",
    "max_lag_days": "最长用时（天）",
    "overdue_open": "超期未办数",
}  # Chinese labels of its own columns (ReportSpec.column_labels)


REPORT = ReportSpec(
    f"{MEASURE}.timeliness",
    MEASURE,
    "事故证据网上查阅及时性：送达至审核通过用时、超期未审核 (delivery-to-approval lag, overdue)",
    ReportPeriod.MONTHLY.value,
    for_city(timeliness),
    roll_up=timeliness,
    deliveries=(
        ReportDelivery(ReportLevel.PROVINCE, ReportPeriod.MONTHLY, (Role.PROVINCE_ADMIN,), RULE_TIMELY),
    ),
    subject_zh="查阅审批时效",
    column_labels=COLUMN_LABELS,
)  # fmt: skip
