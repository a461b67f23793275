"""Every state of a unit's application has a way out (issue 15 item 12): the office approves or
rejects with a reason and completes; the member who applied withdraws a pending one; each move
is told to the member (issue 16 item 1). Preselected numbers are released or expire."""

from __future__ import annotations

from sqlmodel import select

from core.outbox import OutboxMessage
from core.registries.applications import Application
from core.testing_answers import top_code
from core.testing_notices import notice_templates, notice_texts

from ..workflows import APPLICATION, LEGACY_ACCOUNT, PLATE_RESERVATION
from .helpers import AFTER, PLUGINS, apply_plates, errors

DECIDE = """mutation($a: ID!, $ok: Boolean!, $n: String) { unitApplicationDecide(applicationId: $a,
  approve: $ok, note: $n) { errors { code field rule } application { status decisionNote } } }"""
COMPLETE = """mutation($a: ID!) { unitApplicationComplete(applicationId: $a) {
  errors { code field } application { status } } }"""
WITHDRAW = """mutation($a: ID!) { applicationWithdraw(applicationId: $a) {
  errors { code field } application { status } } }"""


def _apply(env, who="zhang_account"):
    body = apply_plates(env, who)
    assert errors(body, "unitPlateReplacementApply") == []
    return body["data"]["unitPlateReplacementApply"]["application"]["id"]


def test_the_office_approves_then_completes_and_the_member_is_told(make_env):
    env = make_env(PLUGINS, now=AFTER)
    app_id = _apply(env)
    assert top_code(env.gql(DECIDE, {"a": app_id, "ok": True}, as_="zhang_account")) == "FORBIDDEN"
    far = env.data(DECIDE, {"a": app_id, "ok": True}, as_="clerk_sh")["unitApplicationDecide"]
    assert far["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    early = env.data(COMPLETE, {"a": app_id}, as_="clerk")["unitApplicationComplete"]
    assert early["errors"][0]["code"] == "INVALID_TRANSITION"
    ok = env.data(DECIDE, {"a": app_id, "ok": True}, as_="clerk")["unitApplicationDecide"]
    assert ok["errors"] == [] and ok["application"]["status"] == "APPROVED"
    done = env.data(COMPLETE, {"a": app_id}, as_="supervisor")["unitApplicationComplete"]
    assert done["application"]["status"] == "COMPLETED"
    told = notice_templates(env)
    assert "unit_accounts.application_approved" in told
    assert "unit_accounts.application_completed" in told


def test_a_rejection_says_why_and_is_told(make_env):
    env = make_env(PLUGINS, now=AFTER)
    app_id = _apply(env)
    bare = env.data(DECIDE, {"a": app_id, "ok": False}, as_="clerk")["unitApplicationDecide"]
    assert bare["errors"][0]["code"] == "UNIT_NOTE_REQUIRED"
    with env.session() as s:
        assert s.get(Application, app_id).status == "SUBMITTED"
    out = env.data(DECIDE, {"a": app_id, "ok": False, "n": "行驶证信息不符"}, as_="clerk")
    assert out["unitApplicationDecide"]["application"] == {
        "status": "REJECTED", "decisionNote": "行驶证信息不符"
    }  # fmt: skip
    texts = notice_texts(env, "zhang_account")
    assert any("未通过：行驶证信息不符" in t for t in texts)


def test_the_member_withdraws_a_pending_application(make_env):
    env = make_env(PLUGINS, now=AFTER)
    app_id = _apply(env)
    other = env.data(WITHDRAW, {"a": app_id}, as_="li_account")["applicationWithdraw"]
    assert other["errors"][0]["code"] == "NOT_FOUND"
    out = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert out["errors"] == [] and out["application"]["status"] == "CANCELLED"
    assert "unit_accounts.application_withdrawn" in notice_templates(env)
    late = env.data(DECIDE, {"a": app_id, "ok": True}, as_="clerk")["unitApplicationDecide"]
    assert late["errors"][0]["code"] == "INVALID_TRANSITION"


def test_decide_refused_where_the_measure_is_off(make_env):
    env = make_env(PLUGINS, now=AFTER)
    app_id = _apply(env)
    env.set_rollout("unit_accounts", "320100", enabled=False)
    out = env.data(DECIDE, {"a": app_id, "ok": True}, as_="clerk")["unitApplicationDecide"]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    with env.session() as s:
        assert s.exec(select(OutboxMessage).where(
            OutboxMessage.template == "unit_accounts.application_approved")).all() == []  # fmt: skip


def test_every_m20_workflow_leaves_no_one_stuck():
    for flow in (APPLICATION, PLATE_RESERVATION, LEGACY_ACCOUNT):
        assert flow.problems() == [], flow.name
    assert any(t.name == "withdraw" for t in APPLICATION.transitions)
