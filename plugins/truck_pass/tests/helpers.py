"""Helpers shared by the truck pass tests (GraphQL documents and a ready city)."""

from __future__ import annotations

from typing import Any

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
