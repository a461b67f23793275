"""GraphQL documents and small helpers shared by the M09 tests."""

from __future__ import annotations

from typing import Any

from core.testing import Env
from core.testing_db import row_count

PLUGINS = ["online_entrustment"]

FIELDS = """
  id kind business businessLabel status city vehicleId licenceId vin agentName agentIdType
  agentIdNumber validFrom validUntil usedAt revokedAt qr
"""


def _grant_mutation(variables: str, call: str, errors: str = "code message field rule") -> str:
    """A mutation document that answers `errors { <errors> }` and the entrustment's FIELDS."""
    return f"""
mutation({variables}) {{
  {call} {{
    errors {{ {errors} }}
    entrustment {{{FIELDS}}}
  }}
}}"""


CREATE = _grant_mutation(
    "$input: EntrustmentCreateInput!",
    "entrustmentCreate(input: $input)",
    "code message field rule measure city date",
)
USE = _grant_mutation("$input: EntrustmentUseInput!", "entrustmentUse(input: $input)")
REVOKE = _grant_mutation("$id: ID!", "entrustmentRevoke(id: $id)")
PAPER = _grant_mutation(
    "$input: EntrustmentPaperRecordInput!", "entrustmentPaperRecord(input: $input)"
)

LOOKUP = "query($id: ID!) { entrustmentLookup(id: $id) {" + FIELDS + "} }"
SCAN = (
    "query($qr: String!) { entrustmentScan(qr: $qr) { valid reason entrustment {" + FIELDS + "} } }"
)
REQUIREMENT = """
query($input: EntrustmentRequirementInput!) {
  entrustmentRequirement(input: $input) {
    ownerInPerson entrustmentRequired rule usableEntrustments { id }
  }
}"""
MINE = "query { entrustmentsMine(first: 10) { totalCount nodes {" + FIELDS + "} } }"
BUSINESSES = "query { entrustmentBusinesses { code labelZh subject newVehicle targetCity } }"


def agent_of(env: Env, ref: str = "li") -> dict[str, str]:
    person = env.refs[ref]
    return {
        "agentIdType": person.id_type,
        "agentIdNumber": person.id_number,
        "agentName": person.name,
    }


def create_input(env: Env, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "business": "REPLACE_PLATES",
        "vehicleId": env.refs["zhang_car"].id,
        "validDays": 30,
        **agent_of(env),
    }
    data.update(over)
    return data


def create(env: Env, as_: str = "zhang_account", **over: Any) -> dict[str, Any]:
    """Create an entrustment and return the payload (errors + entrustment)."""
    return env.data(CREATE, {"input": create_input(env, **over)}, as_=as_)["entrustmentCreate"]


def created(env: Env, **over: Any) -> dict[str, Any]:
    payload = create(env, **over)
    assert payload["errors"] == [], payload
    return payload["entrustment"]


def use_input(env: Env, grant_id: str, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "entrustmentId": grant_id,
        "business": "REPLACE_PLATES",
        **agent_of(env),
    }
    data.update(over)
    return data


def use(env: Env, grant_id: str, as_: str = "clerk", **over: Any) -> dict[str, Any]:
    return env.data(USE, {"input": use_input(env, grant_id, **over)}, as_=as_)["entrustmentUse"]


def grant_count(env: Env) -> int:
    from ..models import EntrustmentGrant

    return row_count(env, EntrustmentGrant)
