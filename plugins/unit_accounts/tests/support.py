"""Shared GraphQL documents and builders for the M20 tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from core.accounts import Account, Person, Unit, UnitMember, UnitRole
from core.clock import CHINA_TZ
from core.db import stamp
from core.testing import Env
from plugins.unit_accounts.models import LegacyUnitAccount

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
mutation($unit: ID!, $type: String!, $number: String!) {{
  unitUserAdd(unitId: $unit, idType: $type, idNumber: $number) {{ {MEMBER_FIELDS} }} }}
"""
USER_REMOVE = f"""
mutation($unit: ID!, $member: ID!) {{ unitUserRemove(unitId: $unit, memberId: $member) {{ {MEMBER_FIELDS} }} }}
"""
MEMBERS = """
query($unit: ID!, $first: Int) { unitAccountMembers(unitId: $unit, first: $first) {
  totalCount nodes { id role canReplacePlates person { name idNumber } } } }
"""
MY_UNITS = "{ unitAccountMyUnits { unitId unitName role canReplacePlates } }"
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


def errors(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The payload errors of mutation `name` (the answer must have no top-level errors)."""
    assert not body.get("errors"), body
    return body["data"][name]["errors"]


def top_code(body: dict[str, Any]) -> str:
    """The code of the first top-level error (queries)."""
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]["code"]


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
