"""GraphQL documents and builders shared by the M20 tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from core.accounts import Account, Person, Unit, UnitMember, UnitRole
from core.clock import CHINA_TZ
from core.db import stamp
from core.registries.applications import Application
from core.registries.vehicles import FiledDriver, Violation
from core.testing import Env

from ..models import LegacyUnitAccount
from ..rules import MEASURE, LegacyRow

PLUGINS = ["unit_accounts"]
AFTER = "2024-09-02"  # categories in force
BEFORE = "2024-06-15"  # measure in force (clean-up), categories not yet

MEMBER_FIELDS = "errors { code message field rule measure city date } member { id role status canReplacePlates platesGrantedAtWindow person { name idNumber } }"

REGISTER = f"""
mutation($input: UnitManagerRegisterInput!) {{ unitManagerRegister(input: $input) {{ {MEMBER_FIELDS} }} }}
"""
WINDOW_REMOVE = f"""
mutation($id: ID!) {{ unitMemberRemoveAtWindow(memberId: $id) {{ {MEMBER_FIELDS} }} }}
"""
GRANT = f"""
mutation($id: ID!, $granted: Boolean!) {{ unitUserPlateGrant(memberId: $id, granted: $granted) {{ {MEMBER_FIELDS} }} }}
"""
USER_ADD = f"""
mutation($unit: ID!, $type: IdType!, $number: String!) {{
  unitUserAdd(unitId: $unit, idType: $type, idNumber: $number) {{ {MEMBER_FIELDS} }} }}
"""
USER_REMOVE = f"""
mutation($unit: ID!, $member: ID!) {{ unitUserRemove(unitId: $unit, memberId: $member) {{ {MEMBER_FIELDS} }} }}
"""
MEMBERS = """
query($unit: ID!, $first: Int) { unitAccountMembers(unitId: $unit, first: $first) {
  totalCount nodes { id role canReplacePlates person { name idNumber } } } }
"""
MY_UNITS = "{ myUnits { unitId unitName role canReplacePlates } }"
MY_UNITS_DEPRECATED = "{ unitAccountMyUnits { unitId role } }"
VEHICLES = """
query($unit: ID!) { unitVehicles(unitId: $unit) { totalCount nodes {
  vehicle { id plate status } filedDrivers { name idNumberMasked }
  violations { description points status } } } }
"""
VEHICLE = """
query($unit: ID!, $vehicle: ID!) { unitVehicle(unitId: $unit, vehicleId: $vehicle) {
  vehicle { id plate } violations { points } } }
"""
PLATES = """
mutation($input: UnitPlateReplacementInput!) { unitPlateReplacementApply(input: $input) {
  errors { code field rule measure } application { id business status city } } }
"""
QR_CREATE = """
mutation($city: String!) { unitQrLoginCreate(city: $city) {
  errors { code field rule measure } challengeId secret qrPayload expiresAt } }
"""
QR_APPROVE = """
mutation($id: String!, $unit: ID!) { unitQrLoginApprove(challengeId: $id, unitId: $unit) {
  errors { code field rule measure } approved } }
"""
QR_REDEEM = """
mutation($id: ID!, $secret: String!) { unitQrLoginRedeem(challengeId: $id, secret: $secret) {
  errors { code field rule measure } token expiresAt unitId } }
"""
CLEANUP_RUN = """
mutation($province: String) { unitAccountCleanupRun(province: $province) {
  errors { code field rule measure date }
  run { mode scope accounts changed duplicateId unitOver10 personOver3 converted } } }
"""
EXPORT = """
query($city: String!) { unitAccountCleanupExport(city: $city) { city rowCount csv } }
"""
REPORT = """
query($city: String!, $start: Date!, $end: Date!) {
  report(name: "unit_accounts_cleanup", city: $city, start: $start, end: $end) {
    columns rows { label values } } }
"""


def errors(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The payload errors of mutation `name` (the answer must have no top-level errors)."""
    assert not body.get("errors"), body
    return body["data"][name]["errors"]


class _Fac:
    """A factory whose counter continues across calls within one test (unique ID numbers)."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.session = env.session()
        self.f = env.factory(self.session)
        self.f.counter = getattr(env, "_m20_counter", self.f.counter)

    def __enter__(self):  # noqa: ANN204
        return self.f

    def __exit__(self, *exc: object) -> None:
        self.env._m20_counter = self.f.counter  # type: ignore[attr-defined]
        if exc[0] is None:
            self.session.commit()
        self.session.close()


def citizen(env: Env, name: str, city: str = "320100") -> tuple[Person, Account]:
    with _Fac(env) as f:
        return f.citizen(name, city=city)


def person_only(env: Env, name: str) -> Person:
    """A person without a personal app account."""
    with _Fac(env) as f:
        return f.person(name)


def unit(env: Env, name: str, city: str = "320100") -> Unit:
    with _Fac(env) as f:
        return f.unit(name, city)


def member(env: Env, target: Unit, person: Person, role: UnitRole, **kw: Any) -> UnitMember:
    with _Fac(env) as f:
        return f.unit_member(target, person, role, **kw)


def active_members(env: Env, unit_id: str) -> list[UnitMember]:
    with env.session() as s:
        return list(
            s.exec(
                select(UnitMember).where(
                    UnitMember.unit_id == unit_id, UnitMember.status == "ACTIVE"
                )
            ).all()
        )


def at(day: str, hour: int = 9) -> dt.datetime:
    return stamp(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=CHINA_TZ))


def legacy(env: Env, rows: list[tuple[Unit, Person, dt.datetime]]) -> list[str]:
    """Insert legacy accounts; returns their ids in the given order."""
    ids = []
    with env.session() as s:
        for target, person, when in rows:
            row = LegacyUnitAccount(unit_id=target.id, person_id=person.id, registered_at=when)
            s.add(row)
            s.flush()
            ids.append(row.id)
        s.commit()
    return ids


def legacy_status(env: Env) -> dict[str, tuple[str, str | None]]:
    with env.session() as s:
        return {r.id: (r.status, r.cleanup_rule) for r in s.exec(select(LegacyUnitAccount))}


def cleanup_world(env: Env) -> dict[str, Any]:
    """A Nanjing unit with 11 distinct accounts (+1 duplicate) and a person in 4 other units."""
    u = env.refs["unit"]  # zhang is its legal person
    people = [citizen(env, f"员工{i}")[0] for i in range(10)]
    rows = [(u, env.refs["zhang"], at("2019-01-01"))]
    rows += [(u, p, at(f"2020-01-{i + 10:02d}")) for i, p in enumerate(people)]
    rows += [(u, people[5], at("2018-05-05"))]  # older duplicate of 员工5
    busy = citizen(env, "多单位")[0]
    others = [unit(env, f"南京公司{i}") for i in range(4)]
    rows += [(o, busy, at(f"2021-0{i + 1}-01")) for i, o in enumerate(others)]
    ids = legacy(env, rows)
    return {
        "zhang": ids[0],
        "people": ids[1:11],
        "dup": ids[11],
        "busy": ids[12:16],
        "others": others,
        "busy_person": busy,
    }


def register(
    env: Env, who: str, credit: str, role: str, person: Person, as_: Any = "clerk"
) -> dict[str, Any]:
    """Register `person` as the unit's LEGAL_PERSON or ADMIN at the window (`as_` the clerk)."""
    variables = {
        "input": {
            "unitCreditCode": credit,
            "role": role,
            "idType": person.id_type,
            "idNumber": person.id_number,
        }
    }
    return env.gql(REGISTER, variables, as_=as_)


def register_typed(
    env: Env, credit: str, number: str, id_type: str = "MAINLAND_ID"
) -> dict[str, Any]:
    """Register an admin at the window from the credit code and ID number as typed."""
    variables = {
        "input": {"unitCreditCode": credit, "role": "ADMIN", "idType": id_type, "idNumber": number}
    }
    return env.gql(REGISTER, variables, as_="clerk")


def qr_create(env: Env, city: str = "320100", as_: Any = None) -> dict[str, Any]:
    """Start a web QR sign-in; the payload."""
    body = env.gql(QR_CREATE, {"city": city}, as_=as_)
    return body["data"]["unitQrLoginCreate"]


def with_driver_and_violation(env: Env) -> None:
    """File the elder as a driver of the unit car; give the unit truck a violation."""
    with env.session() as s:
        s.add(
            FiledDriver(
                vehicle_id=env.refs["unit_car"].id,
                person_id=env.refs["elder"].id,
                filed_at=stamp(dt.datetime(2023, 1, 1, tzinfo=CHINA_TZ)),
            )
        )
        s.add(
            Violation(
                vehicle_id=env.refs["unit_truck"].id,
                occurred_at=stamp(dt.datetime(2024, 8, 1, 8, tzinfo=CHINA_TZ)),
                city_code="320100",
                description="违反禁令标志",
                points=3,
                fine_yuan=200,
            )
        )
        s.commit()


def apply_plates(
    env: Env,
    who: Any,
    vehicle: str | None = None,
    item: str = "PLATE",
    reason: str = "号牌遗失",
    unit_id: str | None = None,
) -> dict[str, Any]:
    """Apply online to replace a unit vehicle's plates (the unit car by default)."""
    variables = {
        "input": {
            "unitId": unit_id or env.refs["unit"].id,
            "vehicleId": vehicle or env.refs["unit_car"].id,
            "item": item,
            "reason": reason,
        }
    }
    return env.gql(PLATES, variables, as_=who)


def plate_applications(env: Env) -> list[Application]:
    """The business applications this measure submitted."""
    with env.session() as s:
        return s.exec(select(Application).where(Application.measure == MEASURE)).all()


# --- rows for the pure rule tests ----------------------------------------------------------------

BASE = dt.datetime(2020, 1, 1)


def row(i: int, unit: str, person: str, day: int | None = None) -> LegacyRow:
    """Legacy account R<i> of `person` in `unit`, registered `day` (default i) days after BASE."""
    return LegacyRow(
        f"R{i:04d}", unit, person, BASE + dt.timedelta(days=day if day is not None else i)
    )
