"""M17 registrations have a way out (issue 15 item 12): the applicant withdraws, the office closes
with the reason, each told; and holders of qualifying licences who have not registered are told
of the measure before and after it starts (2024-五-三; issue 16 item 1)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.outbox import OutboxMessage
from core.registries.licences import CancellationReason
from core.testing_db import row_count
from core.testing_notices import my_notices

from ..models import ProspectNotice, Registration
from .helpers import P, holder, register, result

WITHDRAW = """mutation($r: ID!, $why: String) { reapplicationExamRegistrationWithdraw(registrationId: $r, reason: $why) {
  errors { code field } plan { status remaining } } }"""
CLOSE = """mutation($r: ID!, $why: String!) { reapplicationExamRegistrationClose(registrationId: $r, reason: $why) {
  errors { code field } plan { status } } }"""


def _registered(env, classes="C1"):
    _, account, licence = holder(env, classes)
    plan = register(env, licence, classes, account)["plan"]
    return account, licence, plan["registrationId"]


def test_the_applicant_withdraws_an_open_registration_and_may_register_again(make_env):
    env = make_env(P, now="2024-08-01")
    account, licence, reg = _registered(env)
    other = env.data(WITHDRAW, {"r": reg}, as_="zhang_account")
    assert other["reapplicationExamRegistrationWithdraw"]["errors"][0]["code"] == "NOT_FOUND"
    assert env.gql(WITHDRAW, {"r": reg}, as_="clerk")["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    out = env.data(WITHDRAW, {"r": reg, "why": "暂不考试"}, as_=account)
    body = out["reapplicationExamRegistrationWithdraw"]
    assert body == {"errors": [], "plan": {"status": "WITHDRAWN", "remaining": []}}
    assert [n["template"] for n in my_notices(env, account)] == ["reapplication_exam.withdrawn"]
    assert result(env, reg, "SUBJECT1")["errors"][0]["code"] == "REAPPLY_REGISTRATION_NOT_OPEN"
    again = env.data(WITHDRAW, {"r": reg}, as_=account)["reapplicationExamRegistrationWithdraw"]
    assert again["errors"][0]["code"] == "REAPPLY_REGISTRATION_NOT_OPEN"
    assert register(env, licence, "C1", account)["errors"] == []
    with env.session() as s:
        assert s.get(Registration, reg).closed_note == "暂不考试"


def test_the_office_closes_with_the_reason_and_the_applicant_is_told(make_env):
    env = make_env(P, now="2024-08-01")
    account, _, reg = _registered(env)
    blank = env.data(CLOSE, {"r": reg, "why": " "}, as_="clerk")
    assert blank["reapplicationExamRegistrationClose"]["errors"][0]["code"] == (
        "REAPPLY_REASON_REQUIRED"
    )
    far = env.data(CLOSE, {"r": reg, "why": "误报名"}, as_="clerk_sh")
    assert far["reapplicationExamRegistrationClose"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert (
        env.gql(CLOSE, {"r": reg, "why": "x"}, as_=account)["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    assert my_notices(env, account) == []
    out = env.data(CLOSE, {"r": reg, "why": "重复报名"}, as_="clerk")
    assert out["reapplicationExamRegistrationClose"] == {"errors": [], "plan": {"status": "CLOSED"}}
    texts = [n["text"] for n in my_notices(env, account)]
    assert len(texts) == 1 and texts[0].endswith("已由车辆管理所终止：重复报名")


def test_restoration_is_the_workflows_move_and_tells_once(make_env):
    env = make_env(P, now="2024-08-01")
    account, _, reg = _registered(env)
    result(env, reg, "SUBJECT1")
    assert result(env, reg, "SUBJECT3_ROAD")["plan"]["status"] == "RESTORED"
    assert [n["template"] for n in my_notices(env, account)] == ["reapplication_exam.restored"]
    closed = env.data(CLOSE, {"r": reg, "why": "x"}, as_="clerk")
    assert closed["reapplicationExamRegistrationClose"]["errors"][0]["code"] == (
        "REAPPLY_REGISTRATION_NOT_OPEN"
    )


def _prospects(env):
    with env.session() as s:
        return s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "reapplication_exam.prospect")
        ).all()


def test_holders_of_qualifying_licences_not_registered_are_told_once(make_env):
    env = make_env(P, now="2024-06-20")
    _, account, qualifying = holder(env, "C1")  # valid until 2020-05-01: over 3 years by 07-01
    holder(env, "C1", reason=CancellationReason.HOLDER_REQUEST)  # cancelled at own request
    holder(env, "D")  # motorcycle only: not in the measure
    holder(env, "C1", valid_until=dt.date(2021, 7, 1))  # 3 years complete only after 2024-07-01
    _, _, already = holder(env, "C1")
    job = env.platform.jobs["reapplication_exam_prospect_notices"]
    env.clock.set(dt.datetime(2024, 7, 1, 9, tzinfo=env.clock.now().tzinfo))
    register(env, already, "C1", "clerk")  # registered already: not a prospect
    env.clock.set(dt.datetime(2024, 6, 20, 9, tzinfo=env.clock.now().tzinfo))
    assert job.run(env.platform, env.clock.now()) == {"notified": 1, "cities_not_in_force": []}
    texts = [n["text"] for n in my_notices(env, account)]
    assert len(texts) == 1 and "2024-07-01" in texts[0] and "科目一和科目三道路驾驶技能" in texts[0]
    assert [m.person_id for m in _prospects(env)] == [qualifying.person_id]
    assert job.run(env.platform, env.clock.now())["notified"] == 0  # once per licence
    env.clock.set(dt.datetime(2024, 7, 2, 9, tzinfo=env.clock.now().tzinfo))
    assert job.run(env.platform, env.clock.now())["notified"] == 1  # the 2021-07-01 one, now due
    assert row_count(env, ProspectNotice) == 2


def test_no_prospect_notice_where_the_measure_will_not_be_in_force(make_env):
    env = make_env(P, now="2024-06-20")
    holder(env, "C1")
    env.set_rollout("reapplication_exam", "320100", enabled=False, valid_from=dt.date(2024, 1, 1))
    env.platform.rollout.reload()
    job = env.platform.jobs["reapplication_exam_prospect_notices"]
    assert job.run(env.platform, env.clock.now()) == {
        "notified": 0,
        "cities_not_in_force": ["320100"],
    }
    assert _prospects(env) == []
