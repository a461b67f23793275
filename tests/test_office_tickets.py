"""Office tickets (core/tickets.py, issue 16 item 3) through the API, on M02 transfers: the
transfer-in office (Nanjing) raises an archive problem with the transfer-out office (Shanghai),
which acknowledges and answers by a deadline from the clock and the holiday calendar; unanswered
tickets escalate to the province by the scheduled job; the province decides. Roles, sides,
jurisdiction, rollout and input are refused as typed errors that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.errors import CORE_RULES, Code
from core.registries.applications import submit
from core.tickets import OfficeTicket, OfficeTicketEvent, escalate_overdue
from tests.office_tickets import (
    LIST,
    ONE,
    PLUGINS,
    RAISE,
    raised,
    step,
    templates,
    transfer,
)

INPUT_RULE = CORE_RULES[Code.INVALID_INPUT]


def test_two_offices_settle_an_incomplete_archive(make_env):
    env = make_env(PLUGINS, now="2021-07-01")  # a Thursday
    app_id = transfer(env)
    out = raised(env, app_id)
    assert out["errors"] == []
    t = out["ticket"]
    assert (t["status"], t["raisedCity"], t["counterpartCity"]) == ("OPEN", "320100", "310100")
    assert (t["transferOutCity"], t["transferInCity"]) == ("310100", "320100")
    assert t["dueOn"] == "2021-07-05"  # two working days: Friday, then Monday
    assert templates(env, "clerk_sh") == ["core.ticket.raised"]
    ack = step(env, "acknowledge", t["id"], None, "clerk_sh")
    assert ack["errors"] == [] and ack["ticket"]["status"] == "PENDING"
    env.clock.set("2021-07-02")
    ans = step(env, "answer", t["id"], "已补传登记证书扫描件", "clerk_sh")
    assert ans["ticket"]["status"] == "ANSWERED" and ans["ticket"]["dueOn"] == "2021-07-06"
    assert "core.ticket.answered" in templates(env, "clerk")
    assert "core.ticket.answered" in templates(env, "supervisor")  # the whole office is told
    again = step(env, "reopen", t["id"], "扫描件不清晰", "clerk")
    assert again["ticket"]["status"] == "PENDING"
    step(env, "answer", t["id"], "已重新扫描上传", "clerk_sh")
    done = step(env, "resolve", t["id"], "档案齐全，已办理登记", "clerk")
    assert done["errors"] == []
    assert (done["ticket"]["status"], done["ticket"]["resolution"]) == (
        "RESOLVED",
        "档案齐全，已办理登记",
    )
    assert "core.ticket.resolved" in templates(env, "clerk_sh")
    one = env.data(ONE, {"t": t["id"]}, as_="clerk_sh")["officeTicket"]
    assert [h["step"] for h in one["history"]] == [
        "RAISE", "ACKNOWLEDGE", "ANSWER", "REOPEN", "ANSWER", "RESOLVE"
    ]  # fmt: skip
    assert one["history"][3] == {
        "step": "REOPEN", "fromStatus": "ANSWERED", "toStatus": "PENDING", "note": "扫描件不清晰"
    }  # fmt: skip
    with env.session() as s:
        actions = [e.action for e in s.exec(select(AuditEvent)) if e.outcome == "OK"]
    for name in ("raise", "acknowledge", "answer", "reopen", "resolve"):
        assert f"core.office_ticket_{name}" in actions
    closed = step(env, "answer", t["id"], "再次", "clerk_sh")
    assert closed["errors"][0]["code"] == "INVALID_TRANSITION"


def test_each_step_is_for_its_side(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = raised(env, transfer(env))["ticket"]
    assert step(env, "answer", t["id"], "自问自答", "clerk")["errors"][0]["code"] == (
        "TICKET_WRONG_SIDE"
    )
    assert step(env, "resolve", t["id"], "替对方关闭", "clerk_sh")["errors"][0]["code"] == (
        "TICKET_WRONG_SIDE"
    )
    assert step(env, "answer", t["id"], "x", "clerk_bj")["errors"][0]["code"] == (
        "OUT_OF_JURISDICTION"
    )
    assert step(env, "answer", t["id"], "x", "inspector")["errors"][0]["code"] == "FORBIDDEN"
    assert step(env, "answer", t["id"], "x", "zhang_account")["errors"][0]["code"] == "FORBIDDEN"
    assert step(env, "decide", t["id"], "x", "clerk")["errors"][0]["code"] == "FORBIDDEN"
    # a province admin sees nothing that was not escalated
    assert step(env, "decide", t["id"], "x", "province_admin")["errors"][0]["code"] == "NOT_FOUND"
    outside = env.gql(ONE, {"t": t["id"]}, as_="clerk_bj")["errors"][0]["extensions"]
    # the query's argument is `id` (the steps' is `ticketId`)
    assert (outside["code"], outside["field"]) == ("OUT_OF_JURISDICTION", "id")
    unknown = env.gql(ONE, {"t": "0" * 16}, as_="clerk_sh")["errors"][0]["extensions"]
    assert (unknown["code"], unknown["field"]) == ("NOT_FOUND", "id")
    blank = step(env, "answer", t["id"], "  ", "clerk_sh")
    assert blank["errors"][0] == {"code": "INVALID_INPUT", "field": "answer", "rule": INPUT_RULE}
    with env.session() as s:
        assert s.get(OfficeTicket, t["id"]).status == "OPEN"


def test_unanswered_past_the_day_escalates_to_the_province(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = raised(env, transfer(env), kind="ARCHIVE_LATE")["ticket"]
    env.clock.set("2021-07-05T23:30:00+08:00")  # the due day itself: not yet
    assert escalate_overdue(env.platform, env.clock.now())["escalated"] == 0
    assert env.data(LIST, {"c": "320000", "s": None}, as_="province_admin")["officeTickets"][
        "totalCount"
    ] == 0  # fmt: skip
    env.clock.set("2021-07-06T00:30:00+08:00")
    assert escalate_overdue(env.platform, env.clock.now())["escalated"] == 1
    assert escalate_overdue(env.platform, env.clock.now())["escalated"] == 0
    assert "core.ticket.escalated" in templates(env, "province_admin")
    assert "core.ticket.escalated" in templates(env, "clerk_sh")
    listed = env.data(LIST, {"c": "320000", "s": "ESCALATED"}, as_="province_admin")
    assert [n["id"] for n in listed["officeTickets"]["nodes"]] == [t["id"]]
    other = env.gql(LIST, {"c": "320000", "s": None}, as_="province_admin_gd")
    assert other["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    assert step(env, "decide", t["id"], "x", "province_admin_gd")["errors"][0]["code"] == (
        "NOT_FOUND"
    )
    decided = step(env, "decide", t["id"], "转出地当日补传档案，转入地先行办理", "province_admin")
    assert decided["errors"] == [] and decided["ticket"]["status"] == "RESOLVED"
    assert "core.ticket.decided" in templates(env, "clerk_sh")
    assert "core.ticket.decided" in templates(env, "clerk")


def test_the_deadline_skips_the_national_day_holidays(make_env):
    env = make_env(PLUGINS, now="2021-09-30")
    t = raised(env, transfer(env))["ticket"]
    assert t["dueOn"] == "2021-10-09"  # 10-01..10-07 off; 10-08 and the swapped Saturday 10-09
    env.clock.set("2021-10-09T20:00:00+08:00")
    assert escalate_overdue(env.platform, env.clock.now())["escalated"] == 0
    env.clock.set("2021-10-10T09:00:00+08:00")
    assert escalate_overdue(env.platform, env.clock.now())["escalated"] == 1


def test_an_uncontested_answer_is_closed_and_a_contested_one_escalated(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    app_id = transfer(env)
    quiet = raised(env, app_id, kind="ARCHIVE_LATE")["ticket"]
    loud = raised(env, app_id, kind="VEHICLE_MISMATCH")["ticket"]
    for t in (quiet, loud):
        assert step(env, "answer", t["id"], "已处理", "clerk_sh")["ticket"]["dueOn"] == "2021-07-05"
    contested = step(env, "escalate", loud["id"], "答复与实车仍不一致", "clerk")
    assert contested["ticket"]["status"] == "ESCALATED"
    env.clock.set("2021-07-06")
    assert escalate_overdue(env.platform, env.clock.now()) == {
        "escalated": 0, "closed": 1, "moot": 0, "rule": escalate_overdue.__globals__["RULE"]
    }  # fmt: skip
    one = env.data(ONE, {"t": quiet["id"]}, as_="clerk")["officeTicket"]
    assert one["status"] == "RESOLVED" and one["history"][-1]["step"] == "CLOSE"
    # the escalated one can still be answered by the office it was raised to
    assert (
        step(env, "answer", loud["id"], "已核对一致", "clerk_sh")["ticket"]["status"] == "ANSWERED"
    )


@pytest.mark.parametrize("kind", ["ARCHIVE_INCOMPLETE"])
def test_refusals_change_nothing(make_env, kind):
    env = make_env(PLUGINS + ["online_deregistration"], now="2021-07-01")
    app_id = transfer(env)
    assert raised(env, app_id, kind)["errors"] == []
    twin = raised(env, app_id, kind)
    assert twin["errors"][0]["code"] == "ALREADY_EXISTS"
    assert raised(env, app_id, kind, as_="clerk_bj")["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(RAISE, {"a": app_id, "k": kind, "d": "x"}, as_="inspector")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unknown = raised(env, "NOSUCHAPPLICATION", kind)
    assert unknown["errors"][0]["code"] == "NOT_FOUND"
    blank = env.data(RAISE, {"a": app_id, "k": "SYSTEM_ERROR", "d": " "}, as_="clerk")
    assert blank["officeTicketRaise"]["errors"][0]["field"] == "description"
    with env.session() as s:  # an application of a measure that settles nothing by ticket
        other = submit(
            s, now=env.clock.now(), measure="online_deregistration", business="DEREGISTRATION",
            city_code="320100", actor_account_id=None, applicant_person_id=env.refs["zhang"].id,
        )  # fmt: skip
        s.commit()
        other_id = other.id
    na = raised(env, other_id, kind)
    assert na["errors"][0]["code"] == "TICKET_NOT_APPLICABLE"
    env.set_rollout("used_car_transfer", "320100", enabled=False)
    off = raised(env, app_id, "SYSTEM_ERROR")
    assert off["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert off["errors"][0]["city"] == "320100"
    with env.session() as s:
        assert len(s.exec(select(OfficeTicket)).all()) == 1


def test_listing_is_per_city_and_audited(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = raised(env, transfer(env))["ticket"]
    for who, code in (("clerk", "320100"), ("clerk_sh", "310100")):
        nodes = env.data(LIST, {"c": code, "s": "OPEN"}, as_=who)["officeTickets"]["nodes"]
        assert [n["id"] for n in nodes] == [t["id"]]
    assert env.gql(LIST, {"c": "310100", "s": None}, as_="clerk")["errors"][0]["extensions"][
        "code"
    ] == "OUT_OF_JURISDICTION"  # fmt: skip
    with env.session() as s:
        assert any(e.action == "core.office_ticket_read" for e in s.exec(select(AuditEvent)))


def test_dates_are_the_clocks(make_env):
    """The deadline is counted from the platform clock's Beijing date, not the host's."""
    env = make_env(PLUGINS, now="2021-07-02T23:59:00+08:00")  # Friday evening in Beijing
    t = raised(env, transfer(env))["ticket"]
    assert t["dueOn"] == (dt.date(2021, 7, 6)).isoformat()  # Monday, Tuesday


def test_two_concurrent_answers_do_not_both_count(make_env):
    """Two clerks of the other office answer at once: one answer is kept, the other is refused
    (row lock on PostgreSQL, the write lock on SQLite; the move is a conditional UPDATE)."""
    import threading

    from starlette.testclient import TestClient

    from core.http import create_app

    env = make_env(PLUGINS, now="2021-07-01")
    t = raised(env, transfer(env))["ticket"]
    doc = (
        "mutation($t: ID!, $x: String!) { officeTicketAnswer(ticketId: $t, answer: $x) "
        "{ errors { code } ticket { status } } }"
    )
    headers = {"authorization": f"Bearer {env.token('clerk_sh')}"}
    barrier = threading.Barrier(2)
    answers: list[dict] = []

    def call(text: str) -> None:
        with TestClient(create_app(env.platform)) as client:
            barrier.wait()
            response = client.post(
                "/graphql", json={"query": doc, "variables": {"t": t["id"], "x": text}},
                headers=headers,
            )  # fmt: skip
            answers.append(response.json()["data"]["officeTicketAnswer"])

    threads = [threading.Thread(target=call, args=(f"答复{i}",)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    codes = sorted(a["errors"][0]["code"] if a["errors"] else "OK" for a in answers)
    assert codes in (["CONFLICT", "OK"], ["INVALID_TRANSITION", "OK"])
    with env.session() as s:
        steps = [e.step for e in s.exec(select(OfficeTicketEvent)) if e.ticket_id == t["id"]]
    assert steps == ["raise", "answer"]


def test_history_steps_are_the_workflows_transitions_and_raise():
    """OfficeTicketStep.step is an enum; its members are the ticket workflow's transitions plus
    the raising, so a new transition without a member fails here, not at a client."""
    from core.tickets import TICKET_WORKFLOW, TicketStep

    assert {s.value for s in TicketStep} == {"raise"} | {
        t.name for t in TICKET_WORKFLOW.transitions
    }
