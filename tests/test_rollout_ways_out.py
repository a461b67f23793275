"""The rollout gates new business only (core/context.py `RolloutExemption`, docs/plugins.md rule 2):
switching a measure off in a city never strands a case already open ("严禁…导致群众来回跑",
"及时解决"; disabling never deletes data, docs/architecture.md).

Over every registered measure: each way out of a declared workflow (`Workflow.ways_out`) is taken
by operations declared `way_out=True`, every operation named as a way out is declared so, and
every `my…` list is declared `own_records=True`; then through the API: an open case stays
reachable after its measure is switched off while a new one is still refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.context import RolloutExemption
from core.db import make_engine
from core.graphql.operations import ROLLOUT_METADATA
from core.permissions import allowed_of
from core.platform import build_platform
from core.registries.applications import Application, AppStatus, submit
from core.registries.applications import transition as move
from core.settings import Settings

# operations whose name says they end an open case for the people concerned
WAY_OUT_VERBS = ("Withdraw", "Cancel", "Close", "Lift", "Revoke", "Release", "Dismiss", "Overturn")
# operations whose name says they decide an open case (a rejection with its reason is a way out)
DECISION_VERBS = ("Review", "Decide", "Resolve")


@pytest.fixture(scope="module")
def platform():
    return build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))


def _fields(platform, root: str) -> dict[str, tuple[str, Any]]:
    """GraphQL name -> (measure, declared exemption) of every gated root field."""
    schema = platform.schema._schema
    root_type = schema.mutation_type if root == "mutation" else schema.query_type
    out = {}
    for name, field in root_type.fields.items():
        definition = (field.extensions or {}).get("strawberry-definition")
        allowed = allowed_of(definition) if definition is not None else None
        if allowed is None:
            continue
        metadata = getattr(definition, "metadata", None) or {}
        out[name] = (allowed.action.split(".")[0], metadata.get(ROLLOUT_METADATA))
    return out


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def test_every_way_out_of_every_workflow_is_taken_by_a_declared_way_out(platform):
    """A mutation of the measure named after one of its workflows' ways out (…Withdraw for
    `withdraw`, …Lift for `lift`) or deciding its cases (…Review, …Decide) is declared
    `way_out`, so the rollout gate cannot refuse it."""
    mutations = _fields(platform, "mutation")
    undeclared = []
    for wf in platform.workflows.values():
        names = {_camel(t.name) for t in wf.ways_out()}
        if "Reject" in names:
            names.update(DECISION_VERBS)
        for field, (measure, exempt) in mutations.items():
            if measure != wf.measure or field.endswith("Raise"):
                continue
            if any(field.endswith(n) for n in names) and exempt is not RolloutExemption.WAY_OUT:
                undeclared.append(f"{wf.name}: {field}")
    assert sorted(set(undeclared)) == []


def test_every_operation_named_as_a_way_out_is_declared_one(platform):
    """Every measure's …Withdraw, …Cancel, …Close, …Lift, …Revoke, …Release (the core's own
    operations are not gated by a measure's rollout)."""
    undeclared = [
        name
        for name, (measure, exempt) in _fields(platform, "mutation").items()
        if measure in platform.measures
        and name.endswith(WAY_OUT_VERBS)
        and exempt is not RolloutExemption.WAY_OUT
    ]
    assert undeclared == []


def test_every_list_of_ones_own_records_is_declared(platform):
    """Every measure's `my…` list: the citizen or firm still sees what it has there."""
    undeclared = [
        name
        for name, (measure, exempt) in _fields(platform, "query").items()
        if measure in platform.measures
        and re.match(r"my[A-Z]", name)
        and exempt is not RolloutExemption.OWN_RECORDS
    ]
    assert undeclared == []


def test_office_ticket_steps_are_ways_out_and_raising_one_is_not(platform):
    mutations = _fields(platform, "mutation")
    steps = {n: e for n, (_, e) in mutations.items() if n.startswith("officeTicket")}
    assert steps.pop("officeTicketRaise") is None
    assert steps and set(steps.values()) == {RolloutExemption.WAY_OUT}


# --- through the API: the core's applications --------------------------------------------------
WITHDRAW = """mutation($a: ID!, $r: String) { applicationWithdraw(applicationId: $a, reason: $r) {
  errors { code field } application { status } } }"""


def _application(env, status: AppStatus, measure: str = "motorcycle_one_id") -> str:
    with env.session() as s:
        app = submit(
            s, now=env.clock.now(), measure=measure, business="registration", city_code="320100",
            actor_account_id=None, applicant_person_id=env.refs["zhang"].id,
        )  # fmt: skip
        for to in (AppStatus.UNDER_REVIEW, AppStatus.APPROVED)[
            : {AppStatus.SUBMITTED: 0, AppStatus.APPROVED: 2}[status]
        ]:
            move(s, app, to, now=env.clock.now(), actor_account_id="C1")
        s.commit()
        return app.id


def test_an_approved_application_of_a_measure_switched_off_can_be_withdrawn(make_env):
    """The office can no longer carry out an approved application once the measure is off in its
    city: the applicant withdraws it (CANCELLED) instead of waiting for ever. While the measure
    is in force, an approved application is the office's to complete or cancel."""
    env = make_env(["motorcycle_one_id"], now="2024-09-02")
    env.set_rollout("motorcycle_one_id", "320100")
    approved = _application(env, AppStatus.APPROVED)
    out = env.data(WITHDRAW, {"a": approved}, as_="zhang_account")["applicationWithdraw"]
    assert out["errors"][0]["code"] == "INVALID_TRANSITION"
    env.set_rollout("motorcycle_one_id", "320100", enabled=False)
    other = env.data(WITHDRAW, {"a": approved}, as_="li_account")["applicationWithdraw"]
    assert other["errors"][0]["code"] == "NOT_FOUND"
    out = env.data(WITHDRAW, {"a": approved, "r": "不再办理"}, as_="zhang_account")
    assert out["applicationWithdraw"] == {"errors": [], "application": {"status": "CANCELLED"}}
    with env.session() as s:
        assert s.get(Application, approved).status == AppStatus.CANCELLED.value
