"""M06 windows: queue tickets with a green channel for people aged 60+ (六-二)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.audit import AuditEvent
from core.testing_answers import first_code, top_code
from core.testing_db import row_count

from ..models import ElderQueueTicket
from .helpers import (
    CALL,
    ISSUE,
    PLUGINS,
    WAITING,
    issue,
    make_elder,
)

BIRTH = dt.date(1961, 7, 10)


def test_green_channel_from_the_60th_birthday(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-09")
    person = make_elder(env, BIRTH)["person"]
    before = issue(env, person)["ticket"]
    assert before["priority"] is False and before["label"] == "A001" and before["holderAge"] == 59
    env.clock.set("2021-07-10")
    on_day = issue(env, person)["ticket"]
    assert on_day["priority"] is True and on_day["label"] == "G001" and on_day["holderAge"] == 60


def test_priority_tickets_are_called_first(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    young = issue(env, env.refs["zhang"])["ticket"]
    anonymous = issue(env)["ticket"]
    old = issue(env, env.refs["elder"])["ticket"]
    assert [young["number"], anonymous["number"], old["number"]] == [1, 2, 3]
    waiting = env.data(WAITING, as_="clerk")["elderQueueWaiting"]
    assert [n["label"] for n in waiting["nodes"]] == ["G003", "A001", "A002"]
    called = [
        env.data(CALL, {}, as_="clerk")["elderQueueCallNext"]["ticket"]["id"] for _ in range(3)
    ]
    assert called == [old["id"], young["id"], anonymous["id"]]
    assert first_code(env.data(CALL, {}, as_="clerk")["elderQueueCallNext"]) == (
        "ELDER_PROXY_QUEUE_EMPTY"
    )
    with env.session() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.measure == "elderly_proxy"))
        assert {"elderly_proxy.queue_issue", "elderly_proxy.queue_call"} <= set(actions.all())


def test_queue_refusals(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    nanjing = env.refs["office:320100"].id
    assert first_code(issue(env, as_="clerk_sh", officeId=nanjing)) == "OUT_OF_JURISDICTION"
    assert top_code(env.gql(ISSUE, {"input": {}}, as_="road_officer")) == "FORBIDDEN"
    assert top_code(env.gql(ISSUE, {"input": {}}, as_="zhang_account")) == "FORBIDDEN"
    assert first_code(issue(env, holderIdNumber="not-an-id")) == "INVALID_ID_NUMBER"
    assert first_code(issue(env, officeId="nope")) == "NOT_FOUND"
    assert row_count(env, ElderQueueTicket) == 0


def test_queue_not_in_force_before_2021_06_01(make_env) -> None:
    env = make_env(PLUGINS, now="2021-05-31")
    assert first_code(issue(env, env.refs["elder"])) == "FEATURE_NOT_ENABLED"
    assert row_count(env, ElderQueueTicket) == 0
    env.clock.set("2021-06-01")
    assert issue(env, env.refs["elder"])["ticket"]["priority"] is True
