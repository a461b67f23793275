"""Core queries: the caller, their records, what applies where and look-ups (reports: reports.py)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import select

from core.accounts import Role
from core.api.audit import log_damaged
from core.api.types import Application, AuditEvent, DrivingLicence, Person, Vehicle
from core.audit import AuditEvent as AuditEventRow
from core.audit.sequencer import DATA_ERRORS
from core.context import Context
from core.divisions import CITIES, PROVINCES, province
from core.divisions import city as lookup_city
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import operation_field
from core.graphql.pagination import Connection, paginate, paginate_by_key
from core.identity import parse_identity
from core.registries import caller
from core.registries.applications import Application as ApplicationRow
from core.registries.persons import person_by_identity
from core.rollout import NATIONAL
from core.units import application_unit_clause
from core.validation import require_text


@strawberry.type(description="The signed-in caller.")
class Me:
    kind: str
    roles: list[str]
    account_id: strawberry.ID | None
    person: Person | None
    province: str | None
    city: str | None
    office_id: str | None
    partner_org_id: str | None
    scopes: list[str]


@strawberry.type(description="A measure (one plugin) of the platform.")
class Measure:
    slug: str
    code: str
    title: str
    title_zh: str
    seed: str
    summary: str


PHASE = (
    "The rollout stage the rule belongs to, a label as its source wrote it (not a closed set: "
    "e.g. PILOT, MAJOR_CITIES, NATIONWIDE; ADMIN for an administrator's switch)."
)


@strawberry.type(description="Whether a measure is in force in a city on a date, and why.")
class MeasureStatus:
    measure: Measure
    city: str
    date: dt.date
    in_force: bool
    since: dt.date | None
    until: dt.date | None
    phase: str | None = strawberry.field(description=PHASE)
    reason: str = strawberry.field(description="The rule that decided, in words.")


@strawberry.type(description="A prefecture-level city and its flags.")
class CityInfo:
    code: str
    name: str
    name_en: str
    province_code: str
    province_name: str
    municipality: bool
    capital: bool
    planning: bool


@strawberry.type(description="A rollout rule row.")
class RolloutRuleInfo:
    id: strawberry.ID
    measure: str
    province_code: str
    city_code: str
    enabled: bool
    valid_from: dt.date
    valid_until: dt.date | None
    source: str
    phase: str | None = strawberry.field(description=PHASE)
    note: str | None


def _measure(ctx: Context, slug: str) -> Measure:
    info = ctx.platform.measures[slug]
    return Measure(
        slug=info.slug,
        code=info.code,
        title=info.title,
        title_zh=info.title_zh,
        seed=info.seed,
        summary=info.summary,
    )


def measure_status(ctx: Context, slug: str, city_code: str, day: dt.date) -> MeasureStatus:
    decision = ctx.decision(slug, city_code, day)
    rule = decision.rule
    if rule is None:
        reason = "No rollout rule covers this city on this date."
    else:
        scope = (
            "nationwide"
            if rule.province_code == NATIONAL
            else (
                f"province {rule.province_code}"
                if rule.city_code == "*"
                else f"city {rule.city_code}"
            )
        )
        verb = "enabled" if rule.enabled else "disabled"
        window = f"from {rule.valid_from}" + (
            f" until {rule.valid_until}" if rule.valid_until else ""
        )
        reason = f"{rule.source.lower()} rule: {verb} {scope} {window}" + (
            f" ({rule.note})" if rule.note else ""
        )
    return MeasureStatus(
        measure=_measure(ctx, slug),
        city=city_code,
        date=day,
        in_force=decision.in_force,
        since=rule.valid_from if rule and decision.in_force else None,
        until=rule.valid_until if rule and decision.in_force else None,
        phase=rule.phase if rule else None,
        reason=reason,
    )


@strawberry.type
class CoreQuery:
    @operation_field(
        "core.me",
        "The signed-in caller.",
    )
    def me(self, info: strawberry.Info) -> Me:
        ctx: Context = info.context
        a = ctx.actor
        person = caller.person(ctx) if a.person_id else None
        return Me(
            kind=a.kind,
            roles=sorted(r.value for r in a.roles),
            account_id=strawberry.ID(a.account_id) if a.account_id else None,
            person=Person.of(person) if person else None,
            province=a.province_code,
            city=a.city_code,
            office_id=a.office_id,
            partner_org_id=a.partner_org_id,
            scopes=sorted(a.scopes),
        )

    @operation_field(
        "core.my_records",
        "Your driving licences, by first issue date.",
    )
    def my_driving_licences(self, info: strawberry.Info) -> list[DrivingLicence]:
        ctx: Context = info.context
        return [DrivingLicence.of(r) for r in caller.licences(ctx)]

    @operation_field(
        "core.my_records",
        "Vehicles you own, by registration date.",
    )
    def my_vehicles(self, info: strawberry.Info) -> list[Vehicle]:
        ctx: Context = info.context
        return [Vehicle.of(r) for r in caller.vehicles(ctx)]

    @operation_field(
        "core.my_records",
        "Your business applications, newest first (with those of the units you are the legal "
        "person or an admin of; a unit's application is no longer yours once you leave the unit).",
    )
    def my_applications(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[Application]:
        ctx: Context = info.context
        pid = ctx.require_person()
        # an application made for a unit (M20) is the unit's: seen while one is its member, and
        # by its current legal person and admins (core/units.py)
        own_unit, managed = application_unit_clause(ApplicationRow, pid)
        stmt = (
            select(ApplicationRow)
            .where(
                (
                    (
                        (ApplicationRow.applicant_person_id == pid)
                        | (ApplicationRow.subject_person_id == pid)
                    )
                    & own_unit
                )
                | managed
            )
            .order_by(ApplicationRow.submitted_at.desc(), ApplicationRow.id)  # type: ignore[attr-defined]
        )
        return paginate(ctx, stmt, first, after, Application.of)

    @operation_field(
        "core.my_records",
        "Who did what with your data (verifications, look-ups, changes), newest first.",
    )
    def my_audit_trail(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[AuditEvent]:
        ctx: Context = info.context
        pid = ctx.require_person()
        stmt = select(AuditEventRow).where(AuditEventRow.subject_person_id == pid)
        # keyset by seq: events added while the citizen pages never repeat on the next page
        try:
            return paginate_by_key(ctx, stmt, AuditEventRow.seq, first, after, AuditEvent.of)
        except DATA_ERRORS as damage:  # an event whose stored time or detail no longer reads
            raise log_damaged(None, damage) from None

    @operation_field(
        "core.public",
        "Today's date on the platform clock (Beijing): the default date of every rule.",
    )
    def today(self, info: strawberry.Info) -> dt.date:
        return info.context.today()

    @operation_field(
        "core.public",
        "The measures this platform runs.",
    )
    def measures(self, info: strawberry.Info) -> list[Measure]:
        ctx: Context = info.context
        return [
            _measure(ctx, slug)
            for slug in sorted(ctx.platform.measures, key=lambda s: ctx.platform.measures[s].code)
        ]

    @operation_field(
        "core.public",
        "What applies here: for a city and a date (default today), each measure in force or not, and why.",
    )
    def measures_in_force(
        self, info: strawberry.Info, city: str, date: dt.date | None = None
    ) -> list[MeasureStatus]:
        ctx: Context = info.context
        lookup_city(city)
        day = date or ctx.today()
        slugs = sorted(ctx.platform.measures, key=lambda s: ctx.platform.measures[s].code)
        return [measure_status(ctx, slug, city, day) for slug in slugs]

    @operation_field(
        "core.public",
        "Known cities, optionally of one province.",
    )
    def cities(self, info: strawberry.Info, province_code: str | None = None) -> list[CityInfo]:
        if province_code is not None:
            province(province_code, "provinceCode")
        return [
            CityInfo(
                code=c.code,
                name=c.name,
                name_en=c.name_en,
                province_code=c.province_code,
                province_name=PROVINCES[c.province_code].name,
                municipality=c.municipality,
                capital=c.capital,
                planning=c.planning,
            )
            for c in CITIES.values()
            if province_code is None or c.province_code == province_code
        ]

    @operation_field(
        "core.rollout_read",
        "Rollout rules of a province (province admins: their own).",
        qualifier="province admins: their own province",
    )
    def rollout_rules(
        self, info: strawberry.Info, province_code: str, measure: str | None = None
    ) -> list[RolloutRuleInfo]:
        ctx: Context = info.context
        province(province_code, "provinceCode")
        if measure is not None:
            ctx.platform.measure(measure)
        if Role.NATIONAL_ADMIN not in ctx.actor.roles and ctx.actor.province_code != province_code:
            raise RuleError(
                Code.OUT_OF_JURISDICTION,
                "Another province's rollout.",
                field="provinceCode",
                rule="core: jurisdiction",
            )
        rows = [
            r
            for r in ctx.platform.rollout.rules(measure)
            if r.province_code in (province_code, NATIONAL)
        ]
        rows.sort(key=lambda r: (r.measure, r.province_code, r.city_code, r.valid_from))
        return [
            RolloutRuleInfo(
                id=strawberry.ID(r.id),
                measure=r.measure,
                province_code=r.province_code,
                city_code=r.city_code,
                enabled=r.enabled,
                valid_from=r.valid_from,
                valid_until=r.valid_until,
                source=r.source,
                phase=r.phase,
                note=r.note,
            )
            for r in rows
        ]

    @operation_field(
        "core.person_lookup",
        "Look a person up by identity document (audited as a read of their data).",
    )
    def person_lookup(
        self, info: strawberry.Info, id_type: str, id_number: str, purpose: str
    ) -> Person:
        ctx: Context = info.context
        ident = parse_identity(id_type, id_number, today=ctx.platform.clock.today())
        purpose = require_text("purpose", purpose, 200)
        row = person_by_identity(ctx.session, ident)
        if row is None:
            ctx.audit_read(
                "core.person_lookup", None, None, {"purpose": purpose[:200]}, outcome="NOT_FOUND"
            )
            raise NotFound("Person", "idNumber")
        ctx.audit_read("core.person_lookup", row.id, f"Person:{row.id}", {"purpose": purpose[:200]})
        return Person.of(row)
