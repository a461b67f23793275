"""Every state of M04's workflows has a way out (issue 15 item 12): a pending pass-code
application can be withdrawn by its applicant (core `applicationWithdraw`), rejected with a
reason, or approved; a listing can be appealed, decided, lifted. Each move is told."""

from __future__ import annotations

from core.testing_notices import notice_texts

from .. import workflows
from .helpers import APPLY, NOW, OVERDUE, PLUGINS, REJECT, apply, ready_city

WITHDRAW = """mutation($a: ID!) { applicationWithdraw(applicationId: $a, reason: "不再需要") {
  errors { code field } application { status } } }"""
MY_APPS = """query($city: String!) { myTruckPassApplications(city: $city) { nodes { id status overdue } } }"""


def test_the_declared_graphs_strand_no_one():
    assert workflows.APPLICATION.problems() == []
    assert workflows.BLACKLIST.problems() == []
    assert any(t.name == "withdraw" for t in workflows.APPLICATION.transitions)


def test_the_applicant_withdraws_a_pending_application(make_env):
    env = make_env(PLUGINS, now=NOW)
    pid = ready_city(env)
    app = apply(env, pid)["application"]
    # nobody else may withdraw it
    body = env.data(WITHDRAW, {"a": app["id"]}, as_="li_account")["applicationWithdraw"]
    assert body["errors"][0]["code"] == "NOT_FOUND"
    out = env.data(WITHDRAW, {"a": app["id"]}, as_="zhang_account")["applicationWithdraw"]
    assert out["errors"] == [] and out["application"]["status"] == "CANCELLED"
    texts = notice_texts(env, "zhang_account", first=50)
    assert any("已撤回" in t for t in texts)
    # no longer pending: never overdue, and a new application for the same truck is accepted
    env.clock.set("2024-09-20")
    nodes = env.data(MY_APPS, {"city": "320100"}, as_="zhang_account")["myTruckPassApplications"]
    assert nodes["nodes"] == [{"id": app["id"], "status": "CANCELLED", "overdue": False}]
    overdue = env.data(OVERDUE, {"city": "320100"}, as_="clerk")["truckPassOverdueApplications"]
    assert overdue["totalCount"] == 0
    again = apply(env, pid)
    assert again["errors"] == []
    # a withdrawn application cannot be decided
    body = env.data(REJECT, {"id": app["id"], "r": "x"}, as_="clerk")
    assert body["truckPassApplicationReject"]["errors"][0]["code"] == "INVALID_TRANSITION"


def test_a_rejection_tells_the_reason(make_env):
    env = make_env(PLUGINS, now=NOW)
    app = apply(env, ready_city(env))["application"]
    env.data(REJECT, {"id": app["id"], "r": "车辆不属于城市配送货车"}, as_="clerk")
    texts = notice_texts(env, "zhang_account", first=50)
    assert "您的货车通行证申请未通过：车辆不属于城市配送货车。" in texts


def test_duplicate_still_refused_while_pending(make_env):
    env = make_env(PLUGINS, now=NOW)
    pid = ready_city(env)
    assert apply(env, pid)["errors"] == []
    vid = env.refs["unit_truck"].id
    body = env.data(APPLY, {"v": vid, "p": pid, "from": "2024-09-02", "days": 30},
                    as_="zhang_account")  # fmt: skip
    assert body["truckPassApplicationCreate"]["errors"][0]["code"] == (
        "TRUCK_PASS_DUPLICATE_APPLICATION"
    )


def test_policy_withdrawal_is_the_declared_move(make_env):
    from .helpers import WITHDRAW, create_policy

    assert workflows.POLICY.problems() == []
    env = make_env(PLUGINS, now=NOW)
    assert "truck_pass.policy" in env.platform.workflows
    pid = create_policy(env)["policy"]["id"]
    out = env.data(WITHDRAW, {"id": pid}, as_="supervisor")["truckPassPolicyWithdraw"]
    assert out["policy"]["status"] == "WITHDRAWN"
