"""Office tickets on M02 transfers, for the tests that drive them through the API
(tests/test_office_tickets.py, tests/test_rollout_ways_out.py): the documents and the steps."""

from __future__ import annotations

from sqlmodel import select

from core.registries.applications import Application
from plugins.used_car_transfer.tests.helpers import apply

PLUGINS = ["used_car_transfer"]
T = "id status kind raisedCity counterpartCity transferOutCity transferInCity dueOn answer resolution"
RAISE = (
    "mutation($a: ID!, $k: OfficeTicketKind!, $d: String!) { officeTicketRaise(input: "
    "{applicationId: $a, kind: $k, description: $d}) { errors { code field rule city } ticket { "
    + T
    + " } } }"
)
STEP = {
    "acknowledge": "officeTicketAcknowledge(ticketId: $t, note: $x)",
    "answer": "officeTicketAnswer(ticketId: $t, answer: $x)",
    "reopen": "officeTicketReopen(ticketId: $t, reason: $x)",
    "resolve": "officeTicketResolve(ticketId: $t, resolution: $x)",
    "escalate": "officeTicketEscalate(ticketId: $t, reason: $x)",
    "decide": "officeTicketDecide(ticketId: $t, decision: $x)",
}
ONE = (
    "query($t: ID!) { officeTicket(id: $t) { "
    + T
    + " history { step fromStatus toStatus note } } }"
)
LIST = """query($c: String!, $s: OfficeTicketStatus) { officeTickets(code: $c, status: $s) {
  totalCount nodes { id status } } }"""
NOTICES = "{ myNotices { nodes { template text } } }"


def step(env, name: str, ticket_id: str, text: str | None, as_: str) -> dict:
    op = STEP[name]
    field = op.split("(")[0]
    typ = "String" if name == "acknowledge" else "String!"
    doc = f"mutation($t: ID!, $x: {typ}) {{ {op} {{ errors {{ code field rule }} ticket {{ {T} }} }} }}"
    body = env.gql(doc, {"t": ticket_id, "x": text}, as_=as_)
    if body.get("data") and body["data"].get(field) is not None:
        return body["data"][field]
    return {"errors": [{"code": body["errors"][0]["extensions"]["code"]}], "ticket": None}


def templates(env, who: str) -> list[str]:
    return [n["template"] for n in env.data(NOTICES, as_=who)["myNotices"]["nodes"]]


def transfer(env) -> str:
    """Li's Shanghai car bought by Zhang (Nanjing), traded in Nanjing: the application id."""
    out = apply(env, env.refs["li_car"], "320100")
    assert out["errors"] == []
    with env.session() as s:
        return (
            s.exec(select(Application).where(Application.vehicle_id == env.refs["li_car"].id))
            .one()
            .id
        )


def raised(env, app_id: str, kind: str = "ARCHIVE_INCOMPLETE", as_: str = "clerk") -> dict:
    return env.data(RAISE, {"a": app_id, "k": kind, "d": "电子档案缺少登记证书扫描件"}, as_=as_)[
        "officeTicketRaise"
    ]
