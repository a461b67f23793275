"""M08's application workflow and notices through the API (issue 15 item 12, issue 16 item 1):
the holder withdraws a pending restoration, the department head rejects one with the reason and
the holder is told, and the holder abroad is told when a deferral is recorded (八-一)."""

from __future__ import annotations

import datetime as dt

from core.registries.licences import LicenceStatus
from core.testing_notices import my_notices

from .helpers import P, accept, defer, holder, review

WITHDRAW = """mutation($a: ID!, $r: String) { applicationWithdraw(applicationId: $a, reason: $r) {
  errors { code field } application { status } } }"""


def test_the_holder_withdraws_a_pending_restoration_and_may_apply_again(make_env):
    env = make_env(P, now="2021-07-01")
    person, account, _ = holder(env)
    app_id = accept(env, person)["restoration"]["applicationId"]
    assert env.gql(WITHDRAW, {"a": app_id}, as_="clerk")["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    out = env.data(WITHDRAW, {"a": app_id, "r": "回国后再办"}, as_=account)["applicationWithdraw"]
    assert out == {"errors": [], "application": {"status": "CANCELLED"}}
    assert [n["template"] for n in my_notices(env, account)] == ["overseas_relief.withdrawn"]
    assert review(env, app_id)["errors"][0]["code"] == "INVALID_TRANSITION"
    again = accept(env, person)
    assert again["errors"] == [] and again["restoration"]["applicationId"] != app_id


def test_a_rejection_tells_the_holder_why(make_env):
    env = make_env(P, now="2021-07-01")
    person, account, _ = holder(env)
    app_id = accept(env, person)["restoration"]["applicationId"]
    out = review(env, app_id, approve=False, note="出入境记录与申请不符")
    assert out["errors"] == [] and out["restoration"]["status"] == "REJECTED"
    assert [n["text"] for n in my_notices(env, account)] == [
        "您申请的出国（境）人员驾驶证恢复驾驶资格未通过复核：出入境记录与申请不符"
    ]
    late = env.data(WITHDRAW, {"a": app_id}, as_=account)["applicationWithdraw"]
    assert late["errors"] == [{"code": "INVALID_TRANSITION", "field": "applicationId"}]


def test_the_holder_abroad_is_told_when_a_deferral_is_recorded(make_env):
    env = make_env(P, now="2021-07-01")
    person, account, _ = holder(
        env, status=LicenceStatus.NORMAL, cancelled=None, valid_until=dt.date(2021, 9, 1),
        crossings=((dt.date(2021, 1, 10), "EXIT"),),
    )  # fmt: skip
    out = defer(env, person, env.refs["li"].id_number, until="2022-06-01")
    assert out["errors"] == []
    texts = [n["text"] for n in my_notices(env, account)]
    assert texts == [
        "国内受托人已为您申请驾驶证期满换证延期，延期至2022-06-01（复印件或者影像打印件）。"
    ]
    refused = defer(env, person, env.refs["li"].id_number, until="2030-01-01")
    assert refused["errors"][0]["code"] == "RELIEF_DEFERRAL_TOO_LONG"
    assert len(my_notices(env, account)) == 1  # a refusal tells no one
