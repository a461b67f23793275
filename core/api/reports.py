"""Report queries: the reports on offer, a report for a city, a province or the nation and a
period, and the reports delivered on schedule (core/reports.py)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import or_, select

from core import reports as core_reports
from core.accounts import Role
from core.context import Context
from core.divisions import cities_of
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import operation_field
from core.graphql.pagination import Connection, paginate
from core.plugin_api import ReportLevel, ReportPeriod, ReportResult

ReportLevelEnum = strawberry.enum(
    ReportLevel,
    name="ReportLevel",
    description="CITY (支队: one city), PROVINCE (总队: the sum of its cities), NATION (部局).",
)
ReportPeriodEnum = strawberry.enum(
    ReportPeriod,
    name="ReportPeriod",
    description="WEEKLY (Monday to Sunday), MONTHLY (a calendar month), ANY (any span).",
)
QUALIFIER = "a city, province or the nation your jurisdiction covers"


@strawberry.type(description="A report's figures: one row per label.")
class ReportRowOut:
    label: str
    values: list[str]


@strawberry.type(description="One city's own figures inside a province or national roll-up.")
class ReportPart:
    city: str
    rows: list[ReportRowOut]


@strawberry.type(description="A report for a city, a province (the sum of its cities) or the nation, and a period.")  # fmt: skip
class ReportTable:
    name: str
    title: str
    measure: str
    level: ReportLevelEnum  # type: ignore[valid-type]
    area: str = strawberry.field(description="The city code, the province code, or CN.")
    city: str = strawberry.field(
        deprecation_reason="Use area (a city, a province or CN); removal on or after 2027-06-30."
    )
    start: dt.date
    end: dt.date
    columns: list[str]
    rows: list[ReportRowOut]
    parts: list[ReportPart] = strawberry.field(
        description="Each city's own rows, when the rows are the sum of its cities."
    )
    notes: list[str]


@strawberry.type(description="A report a measure offers, with the period and deliveries its seed names.")  # fmt: skip
class ReportInfo:
    name: str
    measure: str
    title: str
    period: ReportPeriodEnum  # type: ignore[valid-type]
    delivered: list[str] = strawberry.field(
        description="Scheduled deliveries: 'LEVEL PERIOD to ROLES (seed clause)'."
    )


@strawberry.type(description="A report delivered on schedule, with the figures as sent.")
class ReportDeliveryInfo:
    id: strawberry.ID
    due_on: dt.date
    delivered_at: dt.datetime
    recipients: int
    rule: str
    table: ReportTable


def _rows(result: ReportResult) -> list[ReportRowOut]:
    return [
        ReportRowOut(label=r.label, values=[str(r.figures.get(c, "")) for c in result.columns])
        for r in result.rows
    ]


def _delivery(ctx: Context, row: core_reports.ReportDeliveryRow) -> ReportDeliveryInfo:
    spec = ctx.platform.reports.get(row.report)
    stored = row.result or {}
    return ReportDeliveryInfo(
        id=strawberry.ID(row.id),
        due_on=row.due_on,
        delivered_at=row.delivered_at,
        recipients=row.recipients,
        rule=row.rule,
        table=ReportTable(
            name=row.report,
            title=spec.title if spec else row.report,
            measure=row.measure,
            level=ReportLevel(row.level),
            area=row.area,
            city=row.area,
            start=row.period_start,
            end=row.period_end,
            columns=list(stored.get("columns", [])),
            rows=[ReportRowOut(label=lb, values=v) for lb, v in stored.get("rows", [])],
            parts=[],
            notes=list(stored.get("notes", [])),
        ),
    )


def _period(
    period: ReportPeriod, start: dt.date | None, end: dt.date | None, period_of: dt.date | None
) -> tuple[dt.date, dt.date]:
    if period_of is not None:
        if start is not None or end is not None:
            raise RuleError(Code.INVALID_INPUT, "Give periodOf or start and end.", "periodOf")
        if period is ReportPeriod.ANY:
            raise RuleError(
                Code.INVALID_INPUT,
                "This report has no period of its own: give start and end.",
                "periodOf",
            )
        return core_reports.period_bounds(period, period_of)
    if start is None or end is None:
        raise RuleError(Code.INVALID_INPUT, "Give start and end, or periodOf.", "start")
    if end < start or (end - start).days > 366:
        raise RuleError(
            Code.INVALID_DATE, "The period must run forwards and span at most a year.", "end"
        )
    return start, end


@strawberry.type
class ReportsQuery:
    @operation_field("core.report_read", "Reports on offer.", qualifier=QUALIFIER)
    def reports(self, info: strawberry.Info) -> list[ReportInfo]:
        ctx: Context = info.context
        return [
            ReportInfo(
                name=r.name,
                measure=r.measure,
                title=r.title,
                period=ReportPeriod(r.period),
                delivered=[
                    f"{d.level.value} {d.period.value} to "
                    f"{','.join(str(getattr(x, 'value', x)) for x in d.to)} ({d.rule})"
                    for d in r.deliveries
                ],
            )
            for r in ctx.platform.reports.values()
        ]

    @operation_field(
        "core.report_read",
        "Run a report for one area: `city`, `province` (the sum of its cities) or `nation`; "
        "for `start`..`end` (Beijing dates, inclusive, at most a year) or `periodOf` (the week "
        "or month of the report's period containing that day). City staff run their city, "
        "province staff their province and its cities, national admins anything "
        "(OUT_OF_JURISDICTION otherwise).",
        qualifier=QUALIFIER,
    )
    def report(
        self,
        info: strawberry.Info,
        name: str,
        city: str | None = None,
        province: str | None = None,
        nation: bool = False,
        start: dt.date | None = None,
        end: dt.date | None = None,
        period_of: dt.date | None = None,
    ) -> ReportTable:
        ctx: Context = info.context
        spec = ctx.platform.reports.get(name)
        if spec is None:
            raise NotFound("Report", "name")
        given = [k for k, v in (("city", city), ("province", province), ("nation", nation)) if v]
        if len(given) != 1:
            raise RuleError(Code.INVALID_INPUT, "Name one of city, province or nation.", "city")
        level = {"city": ReportLevel.CITY, "province": ReportLevel.PROVINCE}.get(
            given[0], ReportLevel.NATION
        )
        area = core_reports.make_area(level, city or province, given[0])
        core_reports.authorise(ctx, area, given[0])
        first, last = _period(ReportPeriod(spec.period), start, end, period_of)
        rolled = core_reports.run(ctx.session, spec, area, first, last)
        return ReportTable(
            name=spec.name,
            title=spec.title,
            measure=spec.measure,
            level=area.level,
            area=area.code,
            city=area.code,
            start=first,
            end=last,
            columns=rolled.result.columns,
            rows=_rows(rolled.result),
            parts=[ReportPart(city=code, rows=_rows(r)) for code, r in rolled.parts],
            notes=rolled.result.notes,
        )

    @operation_field(
        "core.report_read",
        "Reports delivered on schedule to areas your jurisdiction covers, newest first.",
        qualifier=QUALIFIER,
    )
    def report_deliveries(
        self,
        info: strawberry.Info,
        name: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[ReportDeliveryInfo]:
        ctx: Context = info.context
        row = core_reports.ReportDeliveryRow
        statement = select(row).order_by(row.delivered_at.desc(), row.id)  # type: ignore[attr-defined]
        actor = ctx.actor
        if Role.NATIONAL_ADMIN not in actor.roles:
            if actor.city_code:
                statement = statement.where(
                    row.area == actor.city_code, row.level == ReportLevel.CITY.value
                )
            else:
                mine = [c.code for c in cities_of(actor.province_code or "")]
                statement = statement.where(
                    or_(
                        (row.area == (actor.province_code or "-"))
                        & (row.level == ReportLevel.PROVINCE.value),
                        (row.area.in_(mine)) & (row.level == ReportLevel.CITY.value),  # type: ignore[attr-defined]
                    )
                )
        if name is not None:
            statement = statement.where(row.report == name[:80])
        return paginate(ctx, statement, first, after, lambda r: _delivery(ctx, r))
