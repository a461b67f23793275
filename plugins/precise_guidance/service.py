"""Operations of M19: outlets, guides, corrections, to-dos. Called by schema.py and the push job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, or_
from sqlalchemy import select as core_select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.accounts import Person
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import CITIES
from core.divisions import city as lookup_city
from core.errors import Code, RuleError
from core.outbox import notify
from core.records import get_or_not_found
from core.registries import caller
from core.registries.licences import DrivingLicence
from core.registries.vehicles import Vehicle, Violation
from core.text import strip_blanks
from core.validation import optional_text, require_text
from core.workflow import move

from . import rules
from .errors import PreciseGuidanceErrorCode
from .models import BusinessGuide, GuidanceOutlet, OutletCorrection, TodoPush
from .rules import MEASURE, Business, CorrectionField, Todo
from .workflows import CORRECTION

NEAR_DEGREES = 1.0  # bounding box (about 100 km) searched around a given location


@dataclass(frozen=True)
class OutletData:
    city: str
    name: str
    address: str
    latitude: float
    longitude: float
    hours: str
    businesses: list[str]
    window_guide: str | None
    phone: str | None


@dataclass(frozen=True)
class Guide:
    business: Business
    city_code: str
    process: str
    materials: list[str]
    local: bool  # False = the national default text


@dataclass(frozen=True)
class TodoView:
    todo: Todo
    guide: Guide
    outlet: Any  # an outlet row (GuidanceOutlet's columns) or None
    distance_km: float | None


# --- gates -------------------------------------------------------------------------------------------


def require_maintenance(ctx: Context, city_code: str, field: str = "city") -> str:
    """Staff maintain outlet data where the measure is in force, or will be within the
    preparation window (七-一: 服务网点信息 updated before the start)."""
    code = lookup_city(city_code, field).code
    if not ctx.decision(MEASURE, code).in_force:
        ctx.require_in_force(MEASURE, code, day=rules.maintenance_day(ctx.today()), field=field)
    ctx.require_jurisdiction(code, rule=rules.R_OUTLETS, field=field)
    return code


# --- outlets and guides ------------------------------------------------------------------------------


def validate_outlet(data: OutletData) -> dict[str, Any]:
    lat, lon = rules.parse_location(data.latitude, data.longitude)
    return {
        "name": require_text("name", data.name, 100),
        "address": require_text("address", data.address, 200),
        "latitude": lat,
        "longitude": lon,
        "hours": require_text("hours", data.hours, 200, multiline=True),
        "businesses": rules.parse_businesses(data.businesses),
        "window_guide": optional_text("windowGuide", data.window_guide, 500, multiline=True) or "",
        "phone": rules.parse_phone(data.phone) if data.phone and strip_blanks(data.phone) else None,
    }


def save_outlet(
    ctx: Context, scope: WriteScope, outlet_id: str | None, data: OutletData
) -> GuidanceOutlet:
    """Create or update an outlet of the clerk's city (七-一 维护服务网点信息)."""
    session = scope.session
    city = require_maintenance(ctx, data.city)
    values = validate_outlet(data)
    if outlet_id:
        outlet = get_or_not_found(session, GuidanceOutlet, outlet_id, "Outlet", "id")
        require_maintenance(ctx, outlet.city_code, "id")
        if outlet.city_code != city:
            raise RuleError(Code.INVALID_INPUT, "An outlet cannot move city.", field="city")
        for key, value in values.items():
            setattr(outlet, key, value)
        outlet.version += 1
    else:
        outlet = GuidanceOutlet(city_code=city, **values, updated_at=stamp(ctx.now()))
    outlet.updated_by = ctx.actor.account_id
    outlet.updated_at = stamp(ctx.now())
    session.add(outlet)
    session.flush()
    scope.subject(ref=f"GuidanceOutlet:{outlet.id}", version=outlet.version)
    return outlet


def save_guide(
    ctx: Context,
    scope: WriteScope,
    city_code: str,
    business: Business,
    process: str,
    materials: list[str],
) -> BusinessGuide:
    """Set a city's 办理流程 and 所需材料 for one business (七-一 逐一确认)."""
    city = require_maintenance(ctx, city_code)
    text = require_text("process", process, 1000, multiline=True)
    if not 1 <= len(materials) <= 20:
        raise RuleError(Code.INVALID_INPUT, "Give 1 to 20 materials.", field="materials")
    items = [require_text(f"materials[{i}]", m, 100) for i, m in enumerate(materials)]
    session = scope.session
    guide = session.exec(
        select(BusinessGuide).where(
            BusinessGuide.city_code == city, BusinessGuide.business == business.value
        )
    ).first()
    if guide is None:
        guide = BusinessGuide(
            city_code=city, business=business.value, process=text, updated_at=stamp(ctx.now())
        )
    guide.process, guide.materials = text, items
    guide.updated_by, guide.updated_at = ctx.actor.account_id, stamp(ctx.now())
    session.add(guide)
    session.flush()
    scope.subject(ref=f"BusinessGuide:{guide.id}", business=business.value)
    return guide


_guides = BusinessGuide.__table__  # type: ignore[attr-defined]
_outlets = GuidanceOutlet.__table__  # type: ignore[attr-defined]
_violations = Violation.__table__  # type: ignore[attr-defined]
GUIDES = core_select(_guides).where(
    _guides.c.city_code.in_(bindparam("cities", expanding=True)),
    _guides.c.business.in_(bindparam("businesses", expanding=True)),
)
OUTLETS_OF_CITY = (
    core_select(_outlets)
    .where(_outlets.c.city_code == bindparam("city"))
    .order_by(_outlets.c.name, _outlets.c.id)
)
OUTLETS_NEAR_OR_OF_CITY = (
    core_select(_outlets)
    .where(
        or_(
            _outlets.c.latitude.between(bindparam("lat_min"), bindparam("lat_max"))
            & _outlets.c.longitude.between(bindparam("lon_min"), bindparam("lon_max")),
            _outlets.c.city_code == bindparam("city"),
        )
    )
    .order_by(_outlets.c.name, _outlets.c.id)
)
VIOLATIONS = (
    core_select(_violations)
    .where(
        or_(
            _violations.c.person_id == bindparam("person_id"),
            _violations.c.vehicle_id.in_(bindparam("vehicle_ids", expanding=True)),
        )
    )
    .order_by(_violations.c.occurred_at, _violations.c.id)
)


def guides_for(
    session: Session, wanted: Iterable[tuple[str, Business]]
) -> dict[tuple[str, Business], Guide]:
    """The guide of each (city, business): the city's own, else the national default. One SELECT
    whatever the number of pairs."""
    pairs = set(wanted)
    if not pairs:
        return {}
    rows = session.execute(
        GUIDES,
        {
            "cities": sorted({city for city, _ in pairs}),
            "businesses": sorted({business.value for _, business in pairs}),
        },
    ).all()
    local = {(row.city_code, row.business): row for row in rows}
    out = {}
    for city, business in pairs:
        row = local.get((city, business.value))
        if row is not None:
            out[city, business] = Guide(business, city, row.process, list(row.materials), True)
        else:
            process, materials = rules.DEFAULT_GUIDES[business]
            out[city, business] = Guide(business, city, process, list(materials), False)
    return out


def guide_for(session: Session, city_code: str, business: Business) -> Guide:
    """The city's guide for a business, else the national default."""
    return guides_for(session, [(city_code, business)])[city_code, business]


def outlets_statement(city_code: str) -> Any:
    return (
        select(GuidanceOutlet)
        .where(GuidanceOutlet.city_code == city_code)
        .order_by(GuidanceOutlet.name, GuidanceOutlet.id)
    )


def _box(location: tuple[float, float]) -> tuple[float, float, float, float]:
    lat, lon = location
    return lat - NEAR_DEGREES, lat + NEAR_DEGREES, lon - NEAR_DEGREES, lon + NEAR_DEGREES


def candidate_outlets(
    session: Session, location: tuple[float, float] | None, fallback_city: str | None
) -> list[Row[Any]]:
    """Every outlet `rank_outlets` may choose from, by name: those within about 100 km of
    `location` and those of `fallback_city`. One SELECT, for any number of businesses."""
    if location is None:
        if fallback_city is None:
            return []
        return list(session.execute(OUTLETS_OF_CITY, {"city": fallback_city}).all())
    lat_min, lat_max, lon_min, lon_max = _box(location)
    params = {
        "lat_min": lat_min, "lat_max": lat_max, "lon_min": lon_min, "lon_max": lon_max,
        "city": fallback_city,
    }  # fmt: skip
    return list(session.execute(OUTLETS_NEAR_OR_OF_CITY, params).all())


def rank_outlets(
    candidates: Sequence[Any],
    business: Business,
    location: tuple[float, float] | None,
    fallback_city: str | None,
    limit: int,
) -> list[tuple[Any, float | None]]:
    """Of `candidates` (from `candidate_outlets`, by name), those that handle `business`: by
    distance from `location` (within about 100 km; ties by id), else those of `fallback_city`
    by name. Pairs of (outlet, distance in km or None)."""
    if location is not None:
        lat, lon = location
        lat_min, lat_max, lon_min, lon_max = _box(location)
        ranked = sorted(
            (
                (o, rules.distance_km(lat, lon, o.latitude, o.longitude))
                for o in candidates
                if lat_min <= o.latitude <= lat_max
                and lon_min <= o.longitude <= lon_max
                and business.value in o.businesses
            ),
            key=lambda pair: (pair[1], pair[0].id),
        )
        if ranked:
            return list(ranked[:limit])
    if fallback_city is None:
        return []
    return [
        (o, None)
        for o in candidates
        if o.city_code == fallback_city and business.value in o.businesses
    ][:limit]


def nearest_outlets(
    session: Session,
    business: Business,
    location: tuple[float, float] | None,
    fallback_city: str | None,
    limit: int,
) -> list[tuple[Any, float | None]]:
    """Outlets that handle `business`: by distance from `location` (within about 100 km), else
    those of `fallback_city` by name."""
    candidates = candidate_outlets(session, location, fallback_city)
    return rank_outlets(candidates, business, location, fallback_city, limit)


# --- corrections -------------------------------------------------------------------------------------


def report_correction(
    ctx: Context,
    scope: WriteScope,
    outlet_id: str,
    kind: CorrectionField,
    proposed: str,
    note: str | None,
) -> OutletCorrection:
    """Anyone signed in reports an error in an outlet's data (七-一 群众纠错反馈)."""
    person_id = ctx.require_person()
    ctx.platform.limiter.hit(
        f"{MEASURE}.correction", ctx.actor.account_id or person_id, 10, 3600, field="outletId"
    )
    outlet = get_or_not_found(scope.session, GuidanceOutlet, outlet_id, "Outlet", "outletId")
    ctx.require_in_force(MEASURE, outlet.city_code, field="outletId")
    value = rules.parse_correction(kind, proposed)
    correction = OutletCorrection(
        outlet_id=outlet.id,
        city_code=outlet.city_code,
        field=kind.value,
        proposed=_as_text(value),
        note=optional_text("note", note, 300, multiline=True),
        reporter_account_id=ctx.actor.account_id,
        reporter_person_id=person_id,
        created_at=stamp(ctx.now()),
    )
    scope.session.add(correction)
    scope.session.flush()
    scope.subject(person_id, f"OutletCorrection:{correction.id}", field=kind.value)
    return correction


def _as_text(value: Any) -> str:
    if isinstance(value, tuple):
        return f"{value[0]},{value[1]}"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _current(outlet: GuidanceOutlet, kind: CorrectionField) -> str:
    return {
        CorrectionField.NAME: outlet.name,
        CorrectionField.ADDRESS: outlet.address,
        CorrectionField.LOCATION: f"{outlet.latitude},{outlet.longitude}",
        CorrectionField.HOURS: outlet.hours,
        CorrectionField.PHONE: outlet.phone or "",
        CorrectionField.WINDOW_GUIDE: outlet.window_guide,
        CorrectionField.BUSINESSES: ",".join(outlet.businesses),
    }[kind]


def _apply(outlet: GuidanceOutlet, kind: CorrectionField, value: Any) -> None:
    if kind is CorrectionField.LOCATION:
        outlet.latitude, outlet.longitude = value
        return
    attr = {
        CorrectionField.NAME: "name",
        CorrectionField.ADDRESS: "address",
        CorrectionField.HOURS: "hours",
        CorrectionField.PHONE: "phone",
        CorrectionField.WINDOW_GUIDE: "window_guide",
        CorrectionField.BUSINESSES: "businesses",
    }[kind]
    setattr(outlet, attr, value)


def decide_correction(
    ctx: Context, scope: WriteScope, correction_id: str, accept: bool, note: str | None
) -> OutletCorrection:
    """A clerk / supervisor of the outlet's city accepts (the outlet is updated) or rejects it;
    the reporter is told the outcome (七-一 及时处理群众纠错反馈). Decided once."""
    session = scope.session
    correction = get_or_not_found(session, OutletCorrection, correction_id, "Correction", "id")
    ctx.require_in_force(MEASURE, correction.city_code, field="id")
    ctx.require_jurisdiction(correction.city_code, rule=rules.R_OUTLETS, field="id")
    note_text = optional_text("note", note, 300, multiline=True)
    if not accept and note_text is None:
        raise RuleError(Code.INVALID_INPUT, "A rejection needs a note.", field="note")
    now = stamp(ctx.now())
    if correction.status != "PENDING":
        raise _decided()
    kind = CorrectionField(correction.field)
    outlet = session.get(GuidanceOutlet, correction.outlet_id) if accept else None
    if accept:
        assert outlet is not None
        value = rules.parse_correction(kind, correction.proposed)
        if _as_text(value) == _current(outlet, kind):
            raise RuleError(
                PreciseGuidanceErrorCode.NO_CHANGE,
                "The outlet already shows this value.",
                field="id",
                rule=rules.R_OUTLETS,
            )
    try:  # the declared move (workflows.CORRECTION) tells the reporter
        move(
            ctx,
            session,
            CORRECTION,
            correction,
            "accept" if accept else "reject",
            values={"decided_at": now, "decided_by": ctx.actor.account_id,
                    "decision_note": note_text},
            field_name="id",
        )  # fmt: skip
    except RuleError as error:
        if error.code == Code.CONFLICT:  # decided meanwhile by someone else
            raise _decided() from None
        raise
    if accept:
        assert outlet is not None
        _apply(outlet, kind, value)
        outlet.version += 1
        outlet.updated_by, outlet.updated_at = ctx.actor.account_id, now
        session.add(outlet)
    scope.subject(
        correction.reporter_person_id, f"OutletCorrection:{correction.id}", accepted=accept
    )
    return correction


def _decided() -> RuleError:
    return RuleError(
        PreciseGuidanceErrorCode.ALREADY_DECIDED,
        "This correction was already decided.",
        field="id",
    )


def corrections_statement(city_code: str, status: str | None) -> Any:
    statement = select(OutletCorrection).where(OutletCorrection.city_code == city_code)
    if status:
        statement = statement.where(OutletCorrection.status == status)
    return statement.order_by(OutletCorrection.created_at, OutletCorrection.id)


# --- to-dos ------------------------------------------------------------------------------------------


def violations_of(session: Session, person_id: str, vehicle_ids: Sequence[str]) -> list[Row[Any]]:
    """Violations recorded against the person or any of their vehicles, oldest first."""
    params = {"person_id": person_id, "vehicle_ids": list(vehicle_ids)}
    return list(session.execute(VIOLATIONS, params).all())


def todos_from(
    person: Any,
    licences: Iterable[Any],
    vehicles: Iterable[Any],
    violations: Iterable[Any],
    today: dt.date,
) -> list[Todo]:
    """Every pending business of a person, from their records (七-二), earliest due first."""
    todos: list[Todo] = []
    for licence in licences:
        todos += rules.licence_todos(licence, person.birth_date, today)
    for vehicle in vehicles:
        todos += rules.vehicle_todos(vehicle, today)
    for violation in violations:
        todos += rules.violation_todos(violation, today)
    return sorted(todos, key=lambda t: (t.due, t.business.value, t.key))


def todos_of(session: Session, person: Person, today: dt.date) -> list[Todo]:
    """Every pending business of a person from the core registries (七-二), earliest due first."""
    licences = session.exec(select(DrivingLicence).where(DrivingLicence.person_id == person.id))
    vehicles = session.exec(select(Vehicle).where(Vehicle.owner_person_id == person.id)).all()
    violations = violations_of(session, person.id, [v.id for v in vehicles])
    return todos_from(person, licences.all(), vehicles, violations, today)


def citizen_todos(ctx: Context, location: tuple[float, float] | None) -> tuple[Any, list[TodoView]]:
    """The caller's to-dos, each with its guide and nearest outlet. Gated by the domicile city.

    The same statements whatever the number of to-dos: the caller's person, licences and
    vehicles (shared with the other fields of the request, core/registries/caller.py), their
    violations, the guides of every (city, business) and the candidate outlets, once each."""
    person = caller.person(ctx)
    if person is None or not person.domicile_city:
        raise RuleError(
            PreciseGuidanceErrorCode.NO_CITY,
            "No domicile city on record.",
            field="city",
        )
    ctx.require_in_force(MEASURE, person.domicile_city)
    session = ctx.session
    vehicles = caller.vehicles(ctx)
    violations = violations_of(session, person.id, [v.id for v in vehicles])
    todos = todos_from(person, caller.licences(ctx), vehicles, violations, ctx.today())
    if not todos:
        return person, []
    guides = guides_for(session, [(t.city_code, t.business) for t in todos])
    candidates = candidate_outlets(session, location, person.domicile_city)
    views = []
    for todo in todos:
        found = rank_outlets(candidates, todo.business, location, person.domicile_city, 1)
        outlet, distance = found[0] if found else (None, None)
        views.append(TodoView(todo, guides[todo.city_code, todo.business], outlet, distance))
    return person, views


def push_todos(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """The push job (七-二 短信、APP消息): for every person whose domicile city has the measure in
    force, enqueue an SMS and an app message per new to-do; a to-do is never pushed twice."""
    today = now.date()
    pushed = skipped = 0
    with Session(platform.engine) as session:
        owners = set(session.exec(select(DrivingLicence.person_id)).all())
        owners |= {p for p in session.exec(select(Vehicle.owner_person_id)).all() if p}
        owners |= {p for p in session.exec(select(Violation.person_id)).all() if p}
    for person_id in sorted(owners):
        with Session(platform.engine) as session:
            person = session.get(Person, person_id)
            if person is None or not person.domicile_city:
                continue
            city = CITIES.get(person.domicile_city)
            if city is None or not platform.rollout.decide(MEASURE, city, today).in_force:
                continue
            done = set(
                session.exec(select(TodoPush.todo_key).where(TodoPush.person_id == person.id)).all()
            )
            for todo in todos_of(session, person, today):
                if todo.key in done:
                    skipped += 1
                    continue
                try:
                    with session.begin_nested():
                        session.add(
                            TodoPush(
                                person_id=person.id,
                                todo_key=todo.key,
                                kind=todo.business.value,
                                pushed_at=stamp(now),
                            )
                        )
                        session.flush()
                except IntegrityError:
                    skipped += 1
                    continue
                params = {
                    "business": todo.business.value,
                    "label": rules.LABELS[todo.business],
                    "due": todo.due.isoformat(),
                    "subject": todo.subject_label,
                }
                for channel in ("SMS", "APP"):
                    notify(
                        session,
                        now,
                        platform.notices,
                        person.id,
                        f"{MEASURE}.todo",
                        params,
                        channel,
                    )
                pushed += 1
            session.commit()
    return {"pushed": pushed, "already_pushed": skipped}
