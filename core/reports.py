"""Reports rolled up and delivered (the figures the seeds ask for, 2021 十一-三, 2024 一-一-1, ...).

A measure contributes reports (`register_reports`, `core.plugin_api.ReportSpec`) that build the
figures of one city for a period. Here the core runs them for an area:

- **City** (支队): the report's `build` for that city.
- **Province** (总队): the sum of its cities. Each city is built, then rows with the same label
  are added figure by figure: whole numbers are summed; any other figure (a share, an average, a
  text) is kept only where every city that has the row agrees, else left blank (the per-city
  results stay available as `parts`). A row label or text figure equal to the city's code becomes
  the area's code, so "one row for the city" sums to "one row for the province". A report that
  knows better (ratios, trends, a row per city) gives `roll_up`.
- **Nation** (部局): the same over every city.

Who may run what: staff of a city run their city; staff of a province (no city) run their
province and its cities; national admins run anything (`authorise`).

Delivery: `ReportSpec.deliveries` declares the reports the seeds ask to be sent (level, period,
recipients, seed clause). The `report_deliver` job (daily) sends, for each declared delivery,
the latest period whose delivery day has come and that was not delivered yet, for every area
where the measure was in force during the period: the figures are stored in
`report_deliveries` (one row per report, level, area and period: never sent twice) and each
recipient is told through the outbox (notice `core.report.delivered`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from core.accounts import Account, Role
from core.clock import to_china
from core.db import json_field, stamp, write_session
from core.divisions import CITIES, PROVINCES, cities_of
from core.divisions import city as lookup_city
from core.divisions import province as lookup_province
from core.errors import Code, RuleError
from core.ids import new_id
from core.notices import Addressee, NoticeTemplate
from core.outbox import notify
from core.plugin_api import (
    ReportArea,
    ReportDelivery,
    ReportLevel,
    ReportPeriod,
    ReportResult,
    ReportRow,
    ReportSpec,
)

NATION = "CN"
RULE = "core: report jurisdiction (支队 its city, 总队 its province, 部局 the nation)"

DELIVERED = NoticeTemplate(
    "core.report.delivered",
    "core",
    "{title}（{areaName}，{start}至{end}）已按期报送，送达记录{deliveryId}：{summary}",
    "APP",
)


class ReportDeliveryRow(SQLModel, table=True):
    """One scheduled delivery of a report for an area and period, with the figures as sent."""

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("report", "level", "area", "period_start"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    report: str = Field(max_length=80, index=True)
    measure: str = Field(max_length=40)
    level: str = Field(max_length=12)
    area: str = Field(max_length=6, index=True)
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    delivered_at: dt.datetime
    recipients: int = 0
    rule: str = Field(max_length=200)
    result: dict = json_field({})  # {"columns": [...], "rows": [[label, [values]]], "notes": [...]}


# --- areas and who may see them ------------------------------------------------------------------


def make_area(level: ReportLevel, code: str | None, field: str = "area") -> ReportArea:
    """The area of `level` named by `code` (UNKNOWN_CITY naming `field` when there is none)."""
    if level is ReportLevel.NATION:
        return ReportArea(level, NATION, tuple(sorted(CITIES)))
    if code is None:
        raise RuleError(Code.INVALID_INPUT, f"A {level.value.lower()} report names one.", field)
    if level is ReportLevel.PROVINCE:
        prov = lookup_province(code, field)
        return ReportArea(level, prov.code, tuple(c.code for c in cities_of(prov.code)))
    return ReportArea(level, lookup_city(code, field).code, (lookup_city(code, field).code,))


def area_name(area: ReportArea) -> str:
    if area.level is ReportLevel.NATION:
        return "全国"
    if area.level is ReportLevel.PROVINCE:
        return PROVINCES[area.code].name
    return CITIES[area.code].name


def units(area: ReportArea) -> list[tuple[str, str, tuple[str, ...]]]:
    """(label, name, cities) of the rows a roll-up shows: the city itself, each city of a
    province, each province of the nation (for `ReportSpec.roll_up` builders)."""
    if area.level is ReportLevel.NATION:
        return [
            (p.code, p.name, tuple(c.code for c in cities_of(p.code)))
            for p in PROVINCES.values()
            if cities_of(p.code)
        ]
    return [(c, CITIES[c].name, (c,)) for c in area.cities]


def covers(roles: Iterable[str], province_code: str | None, city_code: str | None,
           area: ReportArea) -> bool:  # fmt: skip
    """Whether a staff jurisdiction covers the whole area: national admins everything, province
    staff (no city) their province and its cities, city staff their city."""
    if Role.NATIONAL_ADMIN.value in {str(r) for r in roles}:
        return True
    if area.level is ReportLevel.NATION:
        return False
    if city_code:
        return area.level is ReportLevel.CITY and area.code == city_code
    if not province_code:
        return False
    if area.level is ReportLevel.PROVINCE:
        return area.code == province_code
    return CITIES[area.code].province_code == province_code


def authorise(ctx: Any, area: ReportArea, field: str = "area") -> None:
    """OUT_OF_JURISDICTION unless the staff caller's jurisdiction covers the whole area."""
    actor = ctx.actor
    if not actor.is_staff or not covers(actor.roles, actor.province_code, actor.city_code, area):
        whose = {
            ReportLevel.CITY: "that city's or its province's staff",
            ReportLevel.PROVINCE: "that province's staff (总队) and the ministry",
            ReportLevel.NATION: "the ministry (部局)",
        }[area.level]
        raise RuleError(
            Code.OUT_OF_JURISDICTION,
            f"The {area.level.value.lower()} report of {area.code} is for {whose}.",
            field=field,
            rule=RULE,
            city=area.code if area.level is ReportLevel.CITY else None,
        )


def report_problem(spec: ReportSpec) -> str | None:
    """What is wrong with a report's declaration (checked at start-up), or None."""
    if spec.period not in {p.value for p in ReportPeriod}:
        return f"report {spec.name!r}: period {spec.period!r} is not one of WEEKLY, MONTHLY, ANY"
    for d in spec.deliveries:
        if d.period is ReportPeriod.ANY or not d.to or not d.rule:
            return f"report {spec.name!r}: a delivery needs a WEEKLY or MONTHLY period, roles and its seed clause"  # fmt: skip
        if not all(r in set(Role) for r in d.to):
            return f"report {spec.name!r}: a delivery goes to staff roles (core.accounts.Role)"
    return None


# --- periods -------------------------------------------------------------------------------------


def period_bounds(period: ReportPeriod, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday to Sunday) or calendar month containing `day`. ValueError for ANY."""
    if period is ReportPeriod.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if period is ReportPeriod.MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    raise ValueError("a report of ANY period has no period of its own")


def due_on(delivery: ReportDelivery, start: dt.date, end: dt.date) -> dt.date:
    """The day the period's report is delivered: its last day ("每月底前") or the day after."""
    return end if delivery.at_period_end else end + dt.timedelta(days=1)


def latest_due(delivery: ReportDelivery, today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(start, end, due) of the latest period whose delivery day is today or earlier."""
    start, end = period_bounds(delivery.period, today)
    while due_on(delivery, start, end) > today:
        start, end = period_bounds(delivery.period, start - dt.timedelta(days=1))
    return start, end, due_on(delivery, start, end)


# --- running -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RolledUp:
    """A report's answer for an area: the figures, and each city's own result when summed."""

    result: ReportResult
    parts: list[tuple[str, ReportResult]]


def run(session: Session, spec: ReportSpec, area: ReportArea, start: dt.date,
        end: dt.date) -> RolledUp:  # fmt: skip
    """The report for the area and period (see the module docstring)."""
    if area.level is ReportLevel.CITY and spec.roll_up is None:
        return RolledUp(spec.build(session, area.code, start, end), [])
    if spec.roll_up is not None:
        return RolledUp(spec.roll_up(session, area, start, end), [])
    parts = [(code, spec.build(session, code, start, end)) for code in area.cities]
    return RolledUp(sum_results(area.code, parts), [(c, r) for c, r in parts if r.rows])


def _adds(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def sum_results(area_code: str, parts: list[tuple[str, ReportResult]]) -> ReportResult:
    """Rows with the same label added figure by figure (see the module docstring)."""
    columns: list[str] = []
    labels: list[str] = []
    values: dict[str, dict[str, list[Any]]] = {}
    notes: list[str] = []
    for code, result in parts:
        columns += [c for c in result.columns if c not in columns]
        notes += [n for n in result.notes if n not in notes]
        for row in result.rows:
            label = area_code if row.label == code else row.label
            if label not in values:
                labels.append(label)
                values[label] = {}
            for column, value in row.figures.items():
                value = area_code if value == code and not _adds(value) else value
                values[label].setdefault(column, []).append(value)
    rows = []
    for label in labels:
        figures: dict[str, float | int | str] = {}
        for column, seen in values[label].items():
            if all(_adds(v) for v in seen):
                figures[column] = sum(seen)
            else:
                figures[column] = seen[0] if all(v == seen[0] for v in seen) else ""
        rows.append(ReportRow(label, figures))
    return ReportResult(columns, rows, notes)


# --- scheduled delivery --------------------------------------------------------------------------


def _areas(platform: Any, spec: ReportSpec, level: ReportLevel, start: dt.date,
           end: dt.date) -> list[ReportArea]:  # fmt: skip
    """The areas of `level` where the measure was in force on at least one day of the period."""
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    live = {
        code
        for code, city in CITIES.items()
        if any(platform.rollout.decide(spec.measure, city, d).in_force for d in days)
    }
    if level is ReportLevel.NATION:
        return [make_area(level, None)] if live else []
    if level is ReportLevel.PROVINCE:
        return [make_area(level, p) for p in sorted({CITIES[c].province_code for c in live})]
    return [make_area(level, c) for c in sorted(live)]


def recipients(session: Session, delivery: ReportDelivery, area: ReportArea) -> list[Account]:
    """Active staff accounts with one of the delivery's roles whose jurisdiction covers the area."""
    wanted = {str(getattr(r, "value", r)) for r in delivery.to}
    staff = session.exec(
        select(Account).where(Account.kind == "STAFF", Account.status == "ACTIVE")
    ).all()
    return [
        a
        for a in sorted(staff, key=lambda a: a.id)
        if wanted & set(a.roles) and covers(a.roles, a.province_code, a.city_code, area)
    ]


def _summary(result: ReportResult) -> str:
    if not result.rows:
        return "本期无数据"
    row = result.rows[-1]
    text = "，".join(f"{c} {row.figures.get(c, '')}" for c in result.columns[:8])
    return f"{row.label}：{text}"[:300]


def stored(result: ReportResult) -> dict[str, Any]:
    return {
        "columns": list(result.columns),
        "rows": [
            [r.label, [str(r.figures.get(c, "")) for c in result.columns]] for r in result.rows
        ],
        "notes": list(result.notes),
    }


def _delivered(session: Session, spec: ReportSpec, area: ReportArea, start: dt.date) -> bool:
    return (
        session.exec(
            select(ReportDeliveryRow.id).where(
                ReportDeliveryRow.report == spec.name,
                ReportDeliveryRow.level == area.level.value,
                ReportDeliveryRow.area == area.code,
                ReportDeliveryRow.period_start == start,
            )
        ).first()
        is not None
    )


def deliver_one(platform: Any, now: dt.datetime, spec: ReportSpec, delivery: ReportDelivery,
                area: ReportArea, period: tuple[dt.date, dt.date, dt.date]) -> int | None:  # fmt: skip
    """Deliver one report for one area and period: the figures are built in a read transaction,
    then stored with the notices in a short write. None when it was delivered already (by this
    job earlier, or by another worker meanwhile: the unique key); else the number told."""
    start, end, due = period
    with Session(platform.engine) as session:
        if _delivered(session, spec, area, start):
            return None
        result = run(session, spec, area, start, end).result
        to = [a.id for a in recipients(session, delivery, area)]
    try:
        with write_session(platform.engine) as session:
            if _delivered(session, spec, area, start):
                return None
            row = ReportDeliveryRow(
                report=spec.name,
                measure=spec.measure,
                level=area.level.value,
                area=area.code,
                period_start=start,
                period_end=end,
                due_on=due,
                delivered_at=stamp(now),
                recipients=len(to),
                rule=delivery.rule[:200],
                result=stored(result),
            )
            session.add(row)
            params = {
                "title": spec.title,
                "areaName": area_name(area),
                "start": start.isoformat(),
                "end": end.isoformat(),
                "deliveryId": row.id,
                "summary": _summary(result),
            }
            for account_id in to:
                notify(session, now, platform.notices, Addressee.account(account_id),
                       DELIVERED.name, params)  # fmt: skip
            session.commit()
    except IntegrityError:  # another worker stored it first
        return None
    return len(to)


def deliver_due(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """The `report_deliver` job: every declared delivery whose day has come, once per area."""
    today = to_china(now).date()
    sent = notices = 0
    for spec in sorted(platform.reports.values(), key=lambda s: s.name):
        for delivery in spec.deliveries:
            period = latest_due(delivery, today)
            for area in _areas(platform, spec, delivery.level, period[0], period[1]):
                told = deliver_one(platform, now, spec, delivery, area, period)
                if told is not None:
                    sent += 1
                    notices += told
    return {"delivered": sent, "notices": notices}
