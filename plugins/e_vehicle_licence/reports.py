"""M13's monthly pilot report (2024 一-一-1: 总队于每月底前将试点工作情况报部局): per city of a
province (or per province of the nation), applications, e-licences issued, verifications,
roadside checks and grants to filed users in the month; delivered to the ministry on the
month's last day for every province where the measure is in force."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlmodel import Session

from core.accounts import Role
from core.clock import CHINA_TZ
from core.db import stamp
from core.documents.credentials import IssuedCredential
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
from core.registries.applications import Application
from core.registries.vehicles import Vehicle
from core.reports import units

from .models import EvlGrant, EvlRoadsideCheck, EvlVerification
from .rules import MEASURE

RULE = "M13 2024-一-一-1: 要及时开展试点评估问效，总队于每月底前将试点工作情况报部局"
COLUMNS = [
    "name", "applications", "approved", "rejected", "issued", "verifications",
    "roadside_checks", "roadside_e_only_warnings", "grants",
]  # fmt: skip


def _counts(session: Session, area: ReportArea, start: dt.date, end: dt.date) -> dict[str, Counter[str]]:  # fmt: skip
    """Per figure, a Counter by city code."""
    lo = stamp(dt.datetime.combine(start, dt.time(0), tzinfo=CHINA_TZ))
    hi = stamp(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA_TZ))
    cities = area.cities
    app = Application.__table__  # type: ignore[attr-defined]
    cred = IssuedCredential.__table__  # type: ignore[attr-defined]
    veh = Vehicle.__table__  # type: ignore[attr-defined]
    out: dict[str, Counter[str]] = {c: Counter() for c in COLUMNS[1:]}
    for city, status, n in session.execute(
        select(app.c.city_code, app.c.status, func.count())
        .where(app.c.measure == MEASURE, app.c.city_code.in_(cities))
        .where(app.c.submitted_at >= lo, app.c.submitted_at < hi)
        .group_by(app.c.city_code, app.c.status)
    ).all():
        out["applications"][city] += n
        out["approved"][city] += n if status in ("APPROVED", "COMPLETED") else 0
        out["rejected"][city] += n if status == "REJECTED" else 0
    by_city = cred.join(veh, veh.c.id == cred.c.subject_id)
    for city, n in session.execute(
        select(veh.c.registration_city, func.count())
        .select_from(by_city)
        .where(cred.c.kind == "VL", veh.c.registration_city.in_(cities))
        .where(cred.c.issued_at >= lo, cred.c.issued_at < hi)
        .group_by(veh.c.registration_city)
    ).all():
        out["issued"][city] += n
    ver = EvlVerification.__table__  # type: ignore[attr-defined]
    for city, n in session.execute(
        select(veh.c.registration_city, func.count())
        .select_from(ver.join(cred, cred.c.handle == ver.c.handle).join(veh, veh.c.id == cred.c.subject_id))
        .where(veh.c.registration_city.in_(cities), ver.c.at >= lo, ver.c.at < hi)
        .group_by(veh.c.registration_city)
    ).all():  # fmt: skip
        out["verifications"][city] += n
    road = EvlRoadsideCheck.__table__  # type: ignore[attr-defined]
    for city, outcome, n in session.execute(
        select(road.c.city_code, road.c.outcome, func.count())
        .where(road.c.city_code.in_(cities), road.c.at >= lo, road.c.at < hi)
        .group_by(road.c.city_code, road.c.outcome)
    ).all():
        out["roadside_checks"][city] += n
        out["roadside_e_only_warnings"][city] += n if outcome == "WARNING_NO_FINE" else 0
    grant = EvlGrant.__table__  # type: ignore[attr-defined]
    for city, n in session.execute(
        select(veh.c.registration_city, func.count())
        .select_from(grant.join(veh, veh.c.id == grant.c.vehicle_id))
        .where(veh.c.registration_city.in_(cities))
        .where(grant.c.created_at >= lo, grant.c.created_at < hi)
        .group_by(veh.c.registration_city)
    ).all():
        out["grants"][city] += n
    return out


def monthly_pilot(session: Session, area: ReportArea, start: dt.date, end: dt.date) -> ReportResult:
    """A row per city (a city, a province's cities with any figure) or per province (the
    nation), and the total of a province or the nation."""
    counts = _counts(session, area, start, end)

    def figures(name: str, cities: tuple[str, ...]) -> dict[str, float | int | str]:
        values: dict[str, float | int | str] = {"name": name}
        values.update({k: sum(c[x] for x in cities) for k, c in counts.items()})
        return values

    rows = []
    for label, name, cities in units(area):
        f = figures(name, cities)
        if area.level is ReportLevel.CITY or any(f[k] for k in COLUMNS[1:]):
            rows.append(ReportRow(label, f))
    if area.level is not ReportLevel.CITY:
        rows.append(ReportRow(area.code, figures("合计", area.cities)))
    notes = [RULE, "Applications by the application's city; licences, verifications and grants by the vehicle's registration city; roadside checks by the check's city."]  # fmt: skip
    return ReportResult(COLUMNS, rows, notes)


COLUMN_LABELS = {
    "verifications": "核验次数",
    "roadside_checks": "路面查验次数",
    "roadside_e_only_warnings": "仅出示电子证件提示次数",
    "grants": "授权数",
}  # Chinese labels of its own columns (ReportSpec.column_labels)


REPORTS = [
    ReportSpec(
        f"{MEASURE}.monthly_pilot",
        MEASURE,
        "电子行驶证试点工作情况月报 (monthly pilot report to the ministry)",
        ReportPeriod.MONTHLY.value,
        for_city(monthly_pilot),
        roll_up=monthly_pilot,
        deliveries=(
            ReportDelivery(ReportLevel.PROVINCE, ReportPeriod.MONTHLY, (Role.NATIONAL_ADMIN,), RULE, at_period_end=True),
        ),
        subject_zh="试点工作情况",
        column_labels=COLUMN_LABELS,
    )
]  # fmt: skip
