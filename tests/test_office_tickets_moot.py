"""Review finding 5: office tickets follow their application. A ticket is not raised on an
application that is completed, rejected or cancelled; when the application reaches such a state
its unsettled tickets are resolved as moot (audited, both offices told), by the measure at once
and by the scheduled job for any left, so they never escalate."""

from __future__ import annotations

from sqlmodel import select

from core.audit import AuditEvent
from core.registries.applications import Application
from core.tickets import OfficeTicket, OfficeTicketEvent, escalate_overdue
from plugins.used_car_transfer.tests.helpers import inspect
from plugins.used_car_transfer.tests.test_ways_out import REJECT, WITHDRAW

from .test_office_tickets import PLUGINS, raised, templates, transfer


def _transfer_id(env, app_id: str) -> str:
    from plugins.used_car_transfer.models import UsedCarTransferRow

    with env.session() as s:
        row = s.exec(select(UsedCarTransferRow).where(UsedCarTransferRow.application_id == app_id))
        return row.one().id


def _ticket(env, ticket_id: str) -> OfficeTicket:
    with env.session() as s:
        return s.get(OfficeTicket, ticket_id)


def test_a_rejected_application_closes_its_tickets_and_takes_no_new_one(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    app_id = transfer(env)
    ticket = raised(env, app_id)["ticket"]
    tid = _transfer_id(env, app_id)
    inspect(env, tid, vinMatches=False, note="车架号锈蚀")
    out = env.data(REJECT, {"t": tid, "r": "车架号与档案不符"}, as_="clerk")[
        "usedCarTransferReject"
    ]
    assert out["errors"] == []
    row = _ticket(env, ticket["id"])
    assert row.status == "RESOLVED" and row.due_on is None
    assert "不予办理" in row.resolution
    with env.session() as s:
        steps = [e.step for e in s.exec(select(OfficeTicketEvent)) if e.ticket_id == ticket["id"]]
        actions = [e.action for e in s.exec(select(AuditEvent))]
    assert steps == ["raise", "moot"]
    assert "core.office_ticket_moot" in actions
    assert "core.ticket.moot" in templates(env, "clerk")  # the raising office
    assert "core.ticket.moot" in templates(env, "clerk_sh")  # the other office
    again = raised(env, app_id, kind="VEHICLE_MISMATCH")
    assert again["errors"][0]["code"] == "TICKET_APPLICATION_FINAL"
    assert again["errors"][0]["field"] == "applicationId"
    with env.session() as s:
        assert len(s.exec(select(OfficeTicket)).all()) == 1
    env.clock.set("2021-07-20")  # long past the answer's day: nothing escalates
    assert escalate_overdue(env.platform, env.clock.now())["escalated"] == 0


def test_a_withdrawn_transfer_closes_its_tickets(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    app_id = transfer(env)
    ticket = raised(env, app_id)["ticket"]
    out = env.data(WITHDRAW, {"t": _transfer_id(env, app_id)}, as_="zhang_account")
    assert out["usedCarTransferWithdraw"]["errors"] == []
    assert _ticket(env, ticket["id"]).status == "RESOLVED"


def test_the_job_closes_tickets_of_an_application_ended_elsewhere(make_env):
    """An application that ended by a path that did not close its tickets: the escalation job
    resolves them as moot instead of escalating them."""
    env = make_env(PLUGINS, now="2021-07-01")
    app_id = transfer(env)
    ticket = raised(env, app_id)["ticket"]
    with env.session() as s:
        s.get(Application, app_id).status = "CANCELLED"
        s.commit()
    env.clock.set("2021-07-06T00:30:00+08:00")  # the answer's day has passed
    run = escalate_overdue(env.platform, env.clock.now())
    assert (run["escalated"], run["moot"]) == (0, 1)
    assert _ticket(env, ticket["id"]).status == "RESOLVED"
    assert "core.ticket.moot" in templates(env, "clerk_sh")
    with env.session() as s:
        moot = [e for e in s.exec(select(AuditEvent)) if e.action == "core.office_ticket_moot"]
    assert len(moot) == 1 and moot[0].actor_kind == "SYSTEM"
    assert escalate_overdue(env.platform, env.clock.now())["moot"] == 0


def test_the_listing_says_what_code_the_caller_may_pass(make_env):
    """Finding 6: a city code from a province admin, or a province code from a city's staff,
    is refused with a message naming the kind of code and the caller's own code."""
    from .test_office_tickets import LIST

    env = make_env(PLUGINS, now="2021-07-01")
    err = env.gql(LIST, {"c": "320100", "s": None}, as_="province_admin")["errors"][0]
    assert err["extensions"]["code"] == "UNKNOWN_CITY" and err["extensions"]["field"] == "code"
    assert "not a province code" in err["message"] and "320000" in err["message"]
    err = env.gql(LIST, {"c": "320000", "s": None}, as_="supervisor")["errors"][0]
    assert err["extensions"]["code"] == "UNKNOWN_CITY"
    assert "not a city code" in err["message"] and "320100" in err["message"]
