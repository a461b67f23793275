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


def _fields(platform, root: str) -> dict[str, tuple[str, Any, bool]]:
    """GraphQL name -> (measure, declared exemption, a `my…` list or its old name) of every gated
    root field."""
    schema = platform.schema._schema
    root_type = schema.mutation_type if root == "mutation" else schema.query_type
    out = {}
    for name, field in root_type.fields.items():
        definition = (field.extensions or {}).get("strawberry-definition")
        allowed = allowed_of(definition) if definition is not None else None
        if allowed is None:
            continue
        metadata = getattr(definition, "metadata", None) or {}
        mine = bool(re.match(r"my[A-Z]", name)) or (field.deprecation_reason or "").startswith(
            "Use my"
        )
        out[name] = (allowed.action.split(".")[0], metadata.get(ROLLOUT_METADATA), mine)
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
        for field, (measure, exempt, _) in mutations.items():
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
        for name, (measure, exempt, _) in _fields(platform, "mutation").items()
        if measure in platform.measures
        and name.endswith(WAY_OUT_VERBS)
        and exempt is not RolloutExemption.WAY_OUT
    ]
    assert undeclared == []


def test_every_list_of_ones_own_records_is_declared(platform):
    """Every measure's `my…` list: the citizen or firm still sees what it has there."""
    undeclared = [
        name
        for name, (measure, exempt, mine) in _fields(platform, "query").items()
        if measure in platform.measures and mine and exempt is not RolloutExemption.OWN_RECORDS
    ]
    assert undeclared == []


def test_office_ticket_steps_are_ways_out_and_raising_one_is_not(platform):
    mutations = _fields(platform, "mutation")
    steps = {n: e for n, (_, e, _) in mutations.items() if n.startswith("officeTicket")}
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


# --- through the API: the reviewer's cases, opened while on, then the measure switched off -----
def test_m17_registration_withdrawn_closed_and_listed_after_the_measure_is_switched_off(make_env):
    from plugins.reapplication_exam.tests.helpers import MINE, MINE_OLD, P, holder, register

    withdraw = """mutation($r: ID!) { reapplicationExamRegistrationWithdraw(registrationId: $r,
      reason: "暂不考试") { errors { code } plan { status } } }"""
    close = """mutation($r: ID!) { reapplicationExamRegistrationClose(registrationId: $r,
      reason: "本市已停止该措施") { errors { code } plan { status } } }"""
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "C1")
    first = register(env, licence, "C1", account)["plan"]["registrationId"]
    _, other, other_licence = holder(env, "C1")
    second = register(env, other_licence, "C1", other)["plan"]["registrationId"]
    env.set_rollout("reapplication_exam", "320100", enabled=False)
    # new business is still refused
    _, newcomer, new_licence = holder(env, "C1")
    assert register(env, new_licence, "C1", newcomer)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    # the citizen still sees the open registration (and under the list's old name)
    assert env.data(MINE, as_=account)["myReapplicationExamRegistrations"]["totalCount"] == 1
    assert env.data(MINE_OLD, as_=account)["reapplicationExamMyRegistrations"]["totalCount"] == 1
    plan = "query($r: ID!) { reapplicationExamPlan(registrationId: $r) { status } }"
    assert env.data(plan, {"r": first}, as_=account)["reapplicationExamPlan"] == {"status": "OPEN"}
    out = env.data(withdraw, {"r": first}, as_=account)["reapplicationExamRegistrationWithdraw"]
    assert out == {"errors": [], "plan": {"status": "WITHDRAWN"}}
    done = env.data(close, {"r": second}, as_="clerk")["reapplicationExamRegistrationClose"]
    assert done == {"errors": [], "plan": {"status": "CLOSED"}}
    # the exemption does not widen who may act: another city's clerk is still refused
    again = env.data(close, {"r": second}, as_="clerk_sh")["reapplicationExamRegistrationClose"]
    assert again["errors"][0]["code"] in ("OUT_OF_JURISDICTION", "NOT_FOUND")


def test_m14_approved_application_cancelled_by_the_office_after_the_measure_is_switched_off(
    make_env,
):
    from plugins.motorcycle_one_id.tests.helpers import PLUGINS, REVIEW, SUBMIT, move_in

    cancel = """mutation($a: ID!) { motorcycleApplicationCancel(applicationId: $a,
      reason: "本市已停止该措施") { errors { code } application { status } } }"""
    view = """query($a: ID!) { motorcycleApplication(applicationId: $a) { status } }"""
    env = make_env(PLUGINS, now="2024-07-01")
    sub = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    app_id = sub["motorcycleApplicationSubmit"]["application"]["id"]
    rev = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": ["RESIDENT_ID"]}}
    assert env.data(REVIEW, rev, as_="clerk_sh")["motorcycleApplicationReview"]["errors"] == []
    env.set_rollout("motorcycle_one_id", "310100", enabled=False)
    again = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    assert again["motorcycleApplicationSubmit"]["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert env.data(view, {"a": app_id}, as_="zhang_account")["motorcycleApplication"] == {
        "status": "APPROVED"
    }
    out = env.data(cancel, {"a": app_id}, as_="clerk_sh")["motorcycleApplicationCancel"]
    assert out == {"errors": [], "application": {"status": "CANCELLED"}}


def test_m14_review_rejects_but_does_not_approve_after_the_measure_is_switched_off(make_env):
    """A decision operation is a way out only when it rejects (`way_out=lambda a: ...`)."""
    from plugins.motorcycle_one_id.tests.helpers import PLUGINS, REVIEW, SUBMIT, move_in

    env = make_env(PLUGINS, now="2024-07-01")
    sub = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    ids = [sub["motorcycleApplicationSubmit"]["application"]["id"]]
    env.set_rollout("motorcycle_one_id", "310100", enabled=False)
    yes = {"input": {"applicationId": ids[0], "approve": True, "documentsChecked": ["RESIDENT_ID"]}}
    refused = env.data(REVIEW, yes, as_="clerk_sh")["motorcycleApplicationReview"]
    assert refused["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    no = {"input": {"applicationId": ids[0], "approve": False, "note": "本市已停止该措施",
                    "documentsChecked": []}}  # fmt: skip
    out = env.data(REVIEW, no, as_="clerk_sh")["motorcycleApplicationReview"]
    assert out["errors"] == []


def test_m04_blacklist_lifted_and_read_by_the_firm_after_the_measure_is_switched_off(make_env):
    from plugins.truck_pass.tests.helpers import BLACKLIST_LIFT, PLUGINS, blacklist_add

    mine = """query { myTruckPassBlacklist(city: "320100") { totalCount nodes { status } } }"""
    env = make_env(PLUGINS, now="2024-09-02")
    env.set_rollout("truck_pass", "320100")
    entry = blacklist_add(env, acc=2)["entry"]["id"]
    env.set_rollout("truck_pass", "320100", enabled=False)
    refused = blacklist_add(env, u=None, v=env.refs["unit_truck"].id, acc=3)
    assert refused["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    listed = env.data(mine, as_="zhang_account")["myTruckPassBlacklist"]
    assert listed["totalCount"] == 1
    lifted = env.data(BLACKLIST_LIFT, {"id": entry}, as_="supervisor")["truckPassBlacklistLift"]
    assert lifted["errors"] == [] and lifted["entry"]["status"] == "LIFTED"


def test_office_ticket_steps_go_on_after_m02_is_switched_off_but_no_new_ticket(make_env):
    """An office ticket raised while M02 was in force is still acknowledged, answered, read and
    resolved by the two offices once M02 is switched off in both cities; a new one is refused."""
    from tests.office_tickets import ONE, PLUGINS, raised, step, transfer

    env = make_env(PLUGINS, now="2021-07-01")
    app_id = transfer(env)
    ticket = raised(env, app_id)["ticket"]["id"]
    for city in ("320100", "310100"):
        env.set_rollout("used_car_transfer", city, enabled=False)
    assert raised(env, app_id, "SYSTEM_ERROR")["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    ack = step(env, "acknowledge", ticket, None, "clerk_sh")
    assert ack["errors"] == [] and ack["ticket"]["status"] == "PENDING"
    ans = step(env, "answer", ticket, "已补传登记证书扫描件", "clerk_sh")
    assert ans["errors"] == [] and ans["ticket"]["status"] == "ANSWERED"
    assert env.data(ONE, {"t": ticket}, as_="clerk")["officeTicket"]["status"] == "ANSWERED"
    # the exemption does not widen who may act: a third city's clerk is still refused
    stranger = step(env, "resolve", ticket, "档案齐全", "clerk_bj")["errors"][0]["code"]
    assert stranger in ("NOT_FOUND", "OUT_OF_JURISDICTION")
    done = step(env, "resolve", ticket, "档案齐全", "clerk")
    assert done["errors"] == [] and done["ticket"]["status"] == "RESOLVED"


def test_m07_own_list_keeps_the_cases_of_a_city_where_the_measure_was_switched_off(make_env):
    """A `my…` list that keeps only some cities' rows asks `ctx.gate_passes`: one's own cases in
    a city where the measure was switched off are still listed (and still revocable)."""
    from plugins.elderly_proxy.tests.helpers import APPLY, PLUGINS, apply_input

    mine = "query { myElderProxyApplications { totalCount nodes { status } } }"
    env = make_env(PLUGINS, now="2021-07-10")
    data = apply_input(env.refs["elder"], vehicleId=env.refs["elder_car"].id)
    assert env.data(APPLY, {"input": data}, as_="zhang_account")["elderProxyApply"]["errors"] == []
    env.set_rollout("elderly_proxy", "320100", enabled=False)
    listed = env.data(mine, as_="zhang_account")["myElderProxyApplications"]
    assert listed["totalCount"] == 1
    again = env.data(APPLY, {"input": data}, as_="zhang_account")["elderProxyApply"]
    assert again["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
