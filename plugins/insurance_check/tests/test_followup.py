"""M11 failed checks followed up (issue 16 item 4, 十一-三 反馈机制): the insurer concerned is told,
sees the failures that concern it and records cause and correction; the office closes one with a
cause; a later check that finds cover closes it; every failure ends RESOLVED (issue 15 item 12)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.accounts import PartnerKind
from core.outbox import OutboxMessage
from core.testing_db import audit_events

from ..followup import FLOW
from ..models import InsuranceCheckRow
from .helpers import PLUGINS, policy, run

FAILURES = """query($s: InsuranceCheckResolution, $c: String) {
  insuranceCheckFailures(status: $s, city: $c, first: 20) { totalCount
  nodes { id vin outcome insurerName resolution cause correction } } }"""
RESOLVE = """mutation($id: ID!, $cause: InsuranceCheckFailureCause!, $text: String!) {
  insuranceCheckFailureResolve(checkId: $id, cause: $cause, correction: $text) {
  errors { code field rule city } check { id resolution cause correction resolvedAt } } }"""
CLOSE = """mutation($id: ID!, $cause: InsuranceCheckFailureCause!, $text: String!) {
  insuranceCheckFailureClose(checkId: $id, cause: $cause, note: $text) {
  errors { code field rule city } check { id resolution cause correction } } }"""


def _expired(env) -> str:
    """张伟's car checked on 2022-07-01 against a policy that ended the day before."""
    car = env.refs["zhang_car"]
    policy(env, car.vin, "2021-07-01", "2022-06-30")
    out = run(env, car.vin)
    assert out["check"]["outcome"] == "EXPIRED"
    return out["check"]["id"]


def _messages(env, template: str) -> list[OutboxMessage]:
    with env.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.template == template)).all())


def _other_insurer(env):
    with env.session() as s:
        pair = env.factory(s).partner("人保财险苏州分公司", PartnerKind.INSURER)
        s.commit()
        return pair


def test_the_insurer_is_told_sees_it_and_records_cause_and_correction(make_env):
    env = make_env(PLUGINS, now="2022-07-01")
    check_id = _expired(env)
    org = env.refs["insurer"][0]
    [told] = _messages(env, "insurance_check.failure_reported")
    assert told.partner_org_id == org.id and check_id in told.text and "EXPIRED" in told.text
    page = env.data(FAILURES, {"s": "OPEN"}, as_="insurer")["insuranceCheckFailures"]
    assert [(n["id"], n["resolution"]) for n in page["nodes"]] == [(check_id, "OPEN")]
    # another insurer neither sees it nor can resolve it
    other = _other_insurer(env)
    assert env.data(FAILURES, {}, as_=other)["insuranceCheckFailures"]["totalCount"] == 0
    out = env.data(RESOLVE, {"id": check_id, "cause": "DATES_WRONG", "text": "x"}, as_=other)
    assert out["insuranceCheckFailureResolve"]["errors"][0]["code"] == "NOT_FOUND"
    # an empty correction is refused, nothing changes
    out = env.data(RESOLVE, {"id": check_id, "cause": "DATES_WRONG", "text": " "}, as_="insurer")
    assert out["insuranceCheckFailureResolve"]["errors"][0]["field"] == "correction"
    out = env.data(
        RESOLVE,
        {"id": check_id, "cause": "DATES_WRONG", "text": "保险止期录入错误，已更正为2023-06-30"},
        as_="insurer",
    )["insuranceCheckFailureResolve"]
    assert out["errors"] == []
    assert (out["check"]["resolution"], out["check"]["cause"]) == ("RESOLVED", "DATES_WRONG")
    assert out["check"]["correction"].startswith("保险止期录入错误") and out["check"]["resolvedAt"]
    # the clerk who ran the check is told; the audit log has the decision
    resolved = _messages(env, "insurance_check.failure_resolved")
    assert env.refs["clerk"].id in {m.account_id for m in resolved}
    assert any("DATES_WRONG" in (m.text or "") for m in resolved)
    event = audit_events(env, "insurance_check.failure_resolve")
    outcomes = sorted(e.outcome for e in event)  # refusals are audited too
    assert outcomes.count("OK") == 1 and any(o.startswith("REFUSED") for o in outcomes)
    # resolved is final: a second record is refused
    again = env.data(RESOLVE, {"id": check_id, "cause": "OTHER", "text": "again"}, as_="insurer")
    assert again["insuranceCheckFailureResolve"]["errors"][0]["code"] == "INVALID_TRANSITION"
    page = env.data(FAILURES, {"s": "OPEN"}, as_="insurer")["insuranceCheckFailures"]
    assert page["totalCount"] == 0


def test_roles_and_the_choice_of_cause(make_env):
    env = make_env(PLUGINS, now="2022-07-01")
    check_id = _expired(env)
    variables = {"id": check_id, "cause": "DATES_WRONG", "text": "fixed"}
    for who in ("zhang_account", "bank", "clerk"):
        body = env.gql(RESOLVE, variables, as_=who)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
    body = env.gql(CLOSE, variables, as_="insurer")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = env.gql(FAILURES, {}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    out = env.data(RESOLVE, {**variables, "cause": "RECHECK_FOUND"}, as_="insurer")
    assert out["insuranceCheckFailureResolve"]["errors"][0]["field"] == "cause"
    out = env.data(RESOLVE, {**variables, "id": "nope"}, as_="insurer")
    assert out["insuranceCheckFailureResolve"]["errors"][0]["code"] == "NOT_FOUND"


def test_the_office_closes_a_failure_of_its_city_only(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    check_id = run(env, env.refs["zhang_car"].vin)["check"]["id"]  # NOT_FOUND: no insurer
    assert _messages(env, "insurance_check.failure_reported") == []
    variables = {"id": check_id, "cause": "POLICY_LAPSED", "text": "车辆确未投保，已告知车主"}
    out = env.data(CLOSE, variables, as_="clerk_sh")["insuranceCheckFailureClose"]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    listing = env.gql(FAILURES, {"c": "320100"}, as_="clerk_sh")
    assert listing["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    mine = env.data(FAILURES, {}, as_="supervisor")["insuranceCheckFailures"]
    assert [n["id"] for n in mine["nodes"]] == [check_id]
    out = env.data(CLOSE, variables, as_="supervisor")["insuranceCheckFailureClose"]
    assert out["errors"] == [] and out["check"]["resolution"] == "RESOLVED"
    assert out["check"]["cause"] == "POLICY_LAPSED"


def test_a_later_check_that_finds_cover_closes_the_vehicles_open_failures(make_env):
    env = make_env(PLUGINS, now="2021-06-30")
    car = env.refs["zhang_car"]
    policy(env, car.vin, "2021-07-01", "2022-06-30")
    first = run(env, car.vin)["check"]
    assert first["outcome"] == "NOT_YET_VALID"
    env.clock.set("2021-07-01")
    assert run(env, car.vin)["check"]["outcome"] == "FOUND"
    with env.session() as s:
        row = s.get(InsuranceCheckRow, first["id"])
        assert (row.resolution_status, row.cause) == ("RESOLVED", "RECHECK_FOUND")
        found = s.exec(select(InsuranceCheckRow).where(InsuranceCheckRow.outcome == "FOUND")).one()
        assert found.resolution_status is None  # a found check has nothing to follow up
    assert len(_messages(env, "insurance_check.failure_resolved")) == 2  # clerk and insurer


def test_measure_off_in_the_city_of_the_check(make_env):
    env = make_env(PLUGINS, now="2022-07-01")
    check_id = _expired(env)
    env.set_rollout("insurance_check", "320100", enabled=False, valid_from=dt.date(2022, 7, 2))
    env.clock.set("2022-07-02")
    out = env.data(RESOLVE, {"id": check_id, "cause": "OTHER", "text": "x"}, as_="insurer")
    error = out["insuranceCheckFailureResolve"]["errors"][0]
    assert (error["code"], error["city"]) == ("FEATURE_NOT_ENABLED", "320100")
    assert env.data(FAILURES, {}, as_="insurer")["insuranceCheckFailures"]["totalCount"] == 0
    body = env.gql(FAILURES, {"c": "320100"}, as_="supervisor")
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"
    with env.session() as s:
        assert s.get(InsuranceCheckRow, check_id).resolution_status == "OPEN"


def test_the_failure_workflow_has_a_way_out_of_every_state(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert env.platform.workflows[FLOW.name] is FLOW  # registered, so tests/test_workflows sees it
    assert FLOW.problems() == []
    assert {t.name for t in FLOW.exits("OPEN")} == {
        "insurer_resolve",
        "office_close",
        "recheck_found",
    }
