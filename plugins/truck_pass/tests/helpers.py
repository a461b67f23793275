"""Helpers shared by the truck pass tests: GraphQL documents, input builders, a ready city."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.clock import CHINA_TZ
from core.registries.vehicles import Violation

PLUGINS = ["truck_pass"]
NOW = dt.datetime(2024, 9, 2, 9, 0, tzinfo=CHINA_TZ)

POLICY_CREATE = """
mutation($input: TruckPassPolicyInput!) {
  truckPassPolicyCreate(input: $input) {
    errors { code field rule measure city }
    policy { id city name scope coreArea openMinutesPerDay restrictedWindows status }
  }
}"""

CONDITIONS_PUBLISH = """
mutation($input: TruckPassConditionsInput!) {
  truckPassConditionsPublish(input: $input) {
    errors { code field rule }
    conditions { city timeLimitWorkdays maxCodesPerOwner validityDays }
  }
}"""

APPLY = """
mutation($v: ID!, $p: ID!, $from: Date!, $days: Int!) {
  truckPassApplicationCreate(vehicleId: $v, policyId: $p, validFrom: $from, days: $days) {
    errors { code field rule measure city }
    application { id status dueDate overdue applicantKind submittedOn }
  }
}"""

APPROVE = """
mutation($id: ID!) {
  truckPassApplicationApprove(applicationId: $id) {
    errors { code field rule city }
    application { id status }
    code { id plate validFrom validUntil blacklisted qr status }
  }
}"""

VERIFY = """
query($qr: String!) {
  truckPassVerify(qr: $qr) { valid reason plate city policyName validFrom validUntil }
}"""

REJECT = """
mutation($id: ID!, $r: String!) {
  truckPassApplicationReject(applicationId: $id, reason: $r) { errors { code } application { status } }
}"""

WITHDRAW = """
mutation($id: ID!) { truckPassPolicyWithdraw(policyId: $id) { errors { code } policy { status } } }"""

POLICIES = """
query($city: String!) {
  truckPassPolicies(city: $city) { totalCount nodes { name openMinutesPerDay } }
}"""

CONDITIONS = (
    """query($city: String!) { truckPassConditions(city: $city) { city timeLimitWorkdays } }"""
)

OVERDUE = """
query($city: String!) {
  truckPassOverdueApplications(city: $city) { totalCount nodes { id dueDate overdue } }
}"""

MY_CODES = (
    """query($city: String!) { myTruckPassCodes(city: $city) { totalCount nodes { id qr } } }"""
)
MY_CODES_OLD = (
    """query($city: String!) { truckPassMyCodes(city: $city) { totalCount nodes { id qr } } }"""
)
MY_APPLICATIONS = """
query($city: String!) { myTruckPassApplications(city: $city) { totalCount nodes { status applicantKind } } }"""
MY_APPLICATIONS_OLD = """
query($city: String!) { truckPassMyApplications(city: $city) { totalCount nodes { status } } }"""

BLACKLIST_ADD = """
mutation($city: String!, $v: ID, $u: ID, $acc: Int!, $days: Int!, $reason: String!) {
  truckPassBlacklistAdd(city: $city, vehicleId: $v, unitId: $u, accidents: $acc,
                        reason: $reason, correctionDays: $days) {
    errors { code field rule }
    entry { id violations accidents listedOn correctBy correctionOverdue liftedOn status
            codesRevoked codesShortened }
  }
}"""

BLACKLIST_LIFT = """
mutation($id: ID!) { truckPassBlacklistLift(entryId: $id, note: "整改完成") {
  errors { code } entry { liftedOn status liftNote } } }"""

BLACKLIST = """
query($city: String!) { truckPassBlacklist(city: $city) { totalCount nodes { correctionOverdue } } }"""

REPORT = """
query($s: Date!, $e: Date!) {
  report(name: "truck_pass.applications", city: "320100", start: $s, end: $e) {
    columns rows { label values }
  }
}"""


def policy_input(**over: Any) -> dict[str, Any]:
    base = {
        "city": "320100",
        "name": "中山路",
        "scope": "ROAD",
        "coreArea": False,
        "vehicleCategories": ["HEAVY_TRUCK", "MEDIUM_TRUCK", "LIGHT_TRUCK"],
        "restrictedWindows": ["07:00-09:00", "17:00-19:00"],
    }
    base.update(over)
    return base


def conditions_input(**over: Any) -> dict[str, Any]:
    base = {
        "city": "320100",
        "conditions": "城市配送货车",
        "method": "交管12123 APP",
        "timeLimitWorkdays": 3,
        "usageRules": "限核定路段、时段通行",
        "maxCodesPerOwner": 3,
        "validityDays": 90,
        "blacklistMaxCodes": 1,
        "blacklistValidityDays": 30,
    }
    base.update(over)
    return base


def ready_city(env: Any, **policy: Any) -> str:
    """Publish Nanjing's conditions and one policy (as the Nanjing supervisor); the policy id."""
    body = env.data(CONDITIONS_PUBLISH, {"input": conditions_input()}, as_="supervisor")
    assert body["truckPassConditionsPublish"]["errors"] == []
    body = env.data(POLICY_CREATE, {"input": policy_input(**policy)}, as_="supervisor")
    assert body["truckPassPolicyCreate"]["errors"] == []
    return body["truckPassPolicyCreate"]["policy"]["id"]


def apply(env: Any, policy_id: str, vehicle: str = "unit_truck", as_: str = "zhang_account",
          valid_from: str | None = None, days: int = 60) -> dict[str, Any]:  # fmt: skip
    day = valid_from or env.clock.today().isoformat()
    vid = env.refs[vehicle].id
    body = env.data(APPLY, {"v": vid, "p": policy_id, "from": day, "days": days}, as_=as_)
    return body["truckPassApplicationCreate"]


def create_policy(env: Any, as_: str = "supervisor", **over: Any) -> dict[str, Any]:
    """`truckPassPolicyCreate` with `policy_input(**over)`; the payload."""
    body = env.data(POLICY_CREATE, {"input": policy_input(**over)}, as_=as_)
    return body["truckPassPolicyCreate"]


def blacklist_add(env: Any, as_: str = "supervisor", **over: Any) -> dict[str, Any]:
    """`truckPassBlacklistAdd` for the demo unit in Nanjing (variables overridden by `over`)."""
    variables = {"city": "320100", "v": None, "u": env.refs["unit"].id, "acc": 0, "days": 30,
                 "reason": "违法突出"}  # fmt: skip
    variables.update(over)
    return env.data(BLACKLIST_ADD, variables, as_=as_)["truckPassBlacklistAdd"]


def add_violations(env: Any, vehicle: Any, times: list[dt.datetime]) -> None:
    """Record a violation of `vehicle` in Nanjing at each of `times`."""
    with env.session() as s:
        for when in times:
            s.add(Violation(vehicle_id=vehicle.id, occurred_at=when, city_code="320100",
                            description="闯红灯", points=6, fine_yuan=200))  # fmt: skip
        s.commit()
