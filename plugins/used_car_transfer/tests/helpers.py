"""Shared GraphQL documents and helpers of the M02 tests."""

from __future__ import annotations

from typing import Any

from core.accounts import Person, Role
from core.registries.applications import Application
from core.registries.vehicles import Vehicle, VehicleCategory
from core.testing_answers import payload
from core.testing_db import add_staff, row_count

from ..models import UsedCarTransferRow
from ..rules import MEASURE

PLUGINS = [MEASURE]
SHA = "ab" * 32

FIELDS = "id status route channel fromCity toCity handlingCity plateAfter returnReason inspection { passed suspicion }"
APPLY = (
    "mutation($i: UsedCarTransferApplyInput!) { usedCarTransferApply(input: $i) { "
    "errors { code field rule measure city } transfer { " + FIELDS + " } } }"
)
INSPECT = (
    "mutation($i: UsedCarTransferInspectInput!) { usedCarTransferInspect(input: $i) { "
    "errors { code field rule } transfer { " + FIELDS + " } } }"
)
REGISTER = (
    "mutation($t: ID!, $p: String!) { usedCarTransferRegister(transferId: $t, newPlate: $p) { "
    "errors { code field rule city } transfer { " + FIELDS + " } } }"
)
RETURN = (
    "mutation($t: ID!, $r: UsedCarTransferReturnReason!, $n: String!) { "
    "usedCarTransferArchiveReturn(transferId: $t, reason: $r, note: $n) { "
    "errors { code field rule } transfer { " + FIELDS + " } } }"
)
READ = "query($id: ID!) { usedCarTransfer(id: $id) { " + FIELDS + " } }"
OPEN = "query($c: String!) { usedCarTransfersOpen(city: $c, first: 5) { totalCount nodes { id } } }"
SETTING = """mutation($s: String!, $k: String!, $v: JSON!) { measureSettingSet(measure: "used_car_transfer",
  scopeCode: $s, key: $k, value: $v) { errors { code field } } }"""
REPORT = (
    "query($n: String!, $c: String!, $s: Date!, $e: Date!) { report(name: $n, city: $c, "
    "start: $s, end: $e) { columns rows { label values } notes } }"
)

# the ways out of a transfer (withdrawal, rejection) and the fields they answer
CLOSE_FIELDS = "id status returnReason returnBasis returnEvidence closeNote inspection { passed }"
WITHDRAW = (
    "mutation($t: ID!, $r: String) { usedCarTransferWithdraw(transferId: $t, reason: $r) { "
    "errors { code field rule } transfer { " + CLOSE_FIELDS + " } } }"
)
REJECT = (
    "mutation($t: ID!, $r: String!) { usedCarTransferReject(transferId: $t, reason: $r) { "
    "errors { code field rule } transfer { " + CLOSE_FIELDS + " } } }"
)


def apply_input(vehicle: Any, trade_city: str, **extra: Any) -> dict[str, Any]:
    return {
        "vin": vehicle.vin,
        "plate": vehicle.plate,
        "tradeCity": trade_city,
        "invoiceNumber": "INV20210601",
        "invoiceDate": "2021-05-20",
        **extra,
    }


def apply(
    env: Any, vehicle: Any, trade_city: str, as_: Any = "zhang_account", **extra: Any
) -> dict:
    body = env.gql(APPLY, {"i": apply_input(vehicle, trade_city, **extra)}, as_=as_)
    return payload(body, "usedCarTransferApply")


def inspect(env: Any, transfer_id: str, as_: Any = "inspector", **extra: Any) -> dict:
    i = {
        "transferId": transfer_id,
        "vinMatches": True,
        "videoRef": "av://nj/0001",
        "videoSha256": SHA,
    }
    i.update(extra)
    return payload(env.gql(INSPECT, {"i": i}, as_=as_), "usedCarTransferInspect")


def register(env: Any, transfer_id: str, plate: str = "苏A9X001", as_: Any = "clerk") -> dict:
    return payload(
        env.gql(REGISTER, {"t": transfer_id, "p": plate}, as_=as_), "usedCarTransferRegister"
    )


def transfer_count(env: Any) -> int:
    return row_count(env, UsedCarTransferRow)


def staff(env: Any, login: str, role: Role, city: str) -> Any:
    return add_staff(env, login, [role], city)


def citizen(env: Any, name: str, city: str) -> tuple[Person, Any]:
    with env.session() as s:
        person, account = env.factory(s).citizen(name, city=city, phone=None)
        s.commit()
        return person, account


def id_number(env: Any, person: Person) -> str:
    with env.session() as s:
        return s.get(Person, person.id).id_number


def cars(env: Any, n: int, city: str = "310100") -> list[Vehicle]:
    """`n` small passenger cars of Li registered in `city`."""
    with env.session() as s:
        f = env.factory(s)
        made = [
            f.vehicle(env.refs["li"], city=city, category=VehicleCategory.SMALL_PASSENGER)
            for _ in range(n)
        ]
        s.commit()
        return made


def statuses(env: Any, transfer_id: str) -> tuple[str, str]:
    """The transfer's status and its application's."""
    with env.session() as s:
        row = s.get(UsedCarTransferRow, transfer_id)
        return row.status, s.get(Application, row.application_id).status
